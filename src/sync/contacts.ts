import type { FbUser } from '../facebook/types.js';
import { ContactLimitError } from '../planfix/planfix-errors.js';
import type { ContactRow, Store } from '../store/store.js';
import { CONTACT_LIMIT_AUTHOR, HIDDEN_AUTHOR, isSharedCard, type SyncContext } from './context.js';
import { splitName, textHash } from './format.js';
import { META, parseJsonMeta } from '../store/meta-keys.js';

export interface ContactLimitUse {
  /** When Planfix answered code 23 (ISO); reset when it comes again after `liftedAt`. */
  reachedAt: string;
  /** Comments filed under the shared card, all told. */
  comments: number;
  /** When the first and the latest of them were filed (ISO), null before the first. */
  since: string | null;
  last: string | null;
  /** When a commenter got their own card again after `reachedAt` (ISO); null while the limit lasts. */
  liftedAt: string | null;
}

/** Shared cards are never renamed, and made without photo or split name. */
const isShared = (user: FbUser) => isSharedCard(user.id);

/**
 * Rule 1: one Planfix card per Facebook person, across runs, crashes and posts. Within a run,
 * concurrent posts asking for the same person share one lookup.
 */
export class ContactResolver {
  private readonly inflight = new Map<string, Promise<ContactRow>>();
  /** This run could not make the shared card either: not asked again until the next run. */
  private sharedCardRefused = false;

  constructor(private readonly ctx: SyncContext) {}

  resolve(user: FbUser | undefined): Promise<ContactRow> {
    const person = user ?? HIDDEN_AUTHOR;
    let pending = this.inflight.get(person.id);
    if (!pending) {
      pending = this.ensureOrFallback(person);
      this.inflight.set(person.id, pending);
      pending.catch(() => this.inflight.delete(person.id));
    }
    return pending;
  }

  private async ensureOrFallback(user: FbUser): Promise<ContactRow> {
    const { store } = this.ctx;
    const limit = readContactLimitUse(store);
    if (!isShared(user) && !store.getContact(user.id) && limit && !limit.liftedAt && !store.getContact(CONTACT_LIMIT_AUTHOR.id) && !this.sharedCardRefused) {
      // The limit was met before the shared card existed: a slot freed since (a contact deleted,
      // a bigger plan) goes to the shared card first, so no later comment has to wait.
      await this.resolve(CONTACT_LIMIT_AUTHOR).catch((error: unknown) => {
        if (!(error instanceof ContactLimitError)) throw error;
        this.sharedCardRefused = true;
      });
    }
    try {
      return await this.ensure(user);
    } catch (error) {
      if (!(error instanceof ContactLimitError) || isShared(user)) throw error;
      const earlier = readContactLimitUse(store);
      if (!earlier || earlier.liftedAt) {
        const use: ContactLimitUse = { comments: 0, since: null, last: null, ...earlier, reachedAt: new Date().toISOString(), liftedAt: null };
        store.setMeta(META.contactLimit, JSON.stringify(use));
      }
      return this.underLimitCard(user, error);
    }
  }

  /**
   * Planfix's plan allows no more contacts (code 23): the comment goes under the Page's shared
   * card instead of being held back, its text naming the author. No contact row maps the person
   * to that card: their next comment (next run; this run keeps the answer) asks for their own
   * card again, and gets it once the limit is lifted.
   */
  private async underLimitCard(user: FbUser, limit: ContactLimitError): Promise<ContactRow> {
    let card: ContactRow | undefined;
    if (!this.sharedCardRefused) {
      try {
        card = await this.resolve(CONTACT_LIMIT_AUTHOR);
      } catch (error) {
        if (!(error instanceof ContactLimitError)) throw error;
        this.sharedCardRefused = true;
      }
    }
    if (!card) {
      throw new ContactLimitError(
        'planfix',
        `${limit.message}. fbsync could not make its shared card "${CONTACT_LIMIT_AUTHOR.name}" either, so ${user.name}'s comment waits for a later run; once one contact can be added, that card is made first and takes such comments while the limit lasts`,
        limit.apiCode,
      );
    }
    if (!this.ctx.report.notes.some((n) => n.startsWith('Planfix contact limit'))) {
      this.ctx.report.notes.push(`Planfix contact limit reached: new commenters' comments are filed under "${CONTACT_LIMIT_AUTHOR.name}". ${limit.message}`);
    }
    return { fbUserId: user.id, planfixContactId: card.planfixContactId, name: user.name, createdByFbsync: false };
  }

  private async ensure(user: FbUser): Promise<ContactRow> {
    const { store, pf, fb, executor, report } = this.ctx;
    const known = store.getContact(user.id);
    if (known) {
      if (known.createdByFbsync && !isShared(user) && known.name !== user.name) await this.rename(known, user.name);
      return store.getContact(user.id)!;
    }
    const shared = isShared(user);
    const result = await executor.perform({
      key: `contact:${user.id}`,
      kind: 'contact',
      check: async () => {
        const found = await pf.findContactByFacebookId(user.id);
        return found ? { id: found.id, created: false } : undefined;
      },
      write: async (checked) => {
        // Rule 1 looks for an existing card first: the person may have a card from before fbsync.
        const found = checked ? null : await pf.findContactByFacebookId(user.id);
        if (found) return { id: found.id, created: false };
        const photoUrl = shared ? undefined : (user.pictureUrl ?? (await fb.getPicture(user.id)));
        const created = await pf.createContact({ ...(shared ? { name: user.name } : splitName(user.name)), facebookId: user.id, photoUrl });
        return { id: created.id, created: true };
      },
      remoteId: (r) => String(r.id),
      commit: (r) => {
        store.putContact({ fbUserId: user.id, planfixContactId: r.id, name: user.name, createdByFbsync: r.created });
        report.count(r.created ? 'contact.created' : 'contact.found');
        // A commenter's own card again: the limit is lifted.
        const limit = r.created && !shared ? readContactLimitUse(store) : null;
        if (limit && !limit.liftedAt) store.setMeta(META.contactLimit, JSON.stringify({ ...limit, liftedAt: new Date().toISOString() }));
      },
    });
    return { fbUserId: user.id, planfixContactId: result.id, name: user.name, createdByFbsync: result.created };
  }

  /** Rule 6: a renamed commenter gets the new name on the card fbsync made; nothing else is touched. */
  private async rename(known: ContactRow, newName: string): Promise<void> {
    const { store, pf, executor, report } = this.ctx;
    await executor.perform({
      key: `rename:${known.fbUserId}:${textHash(newName)}`,
      kind: 'contact.rename',
      check: async () => undefined,
      write: async () => {
        const { name, lastname } = splitName(newName);
        await pf.renameContact(known.planfixContactId, name, lastname);
        return true;
      },
      remoteId: () => String(known.planfixContactId),
      commit: () => {
        store.putContact({ ...known, name: newName });
        report.count('contact.renamed');
      },
    });
  }
}

/**
 * Counts a comment filed under the contact-limit card for someone else (inside the transaction
 * that records the comment), so `fbsync status` can say how many and since when.
 */
export function noteContactLimitUse(store: Store, contact: ContactRow | undefined, at = new Date()): void {
  if (!contact || contact.fbUserId === CONTACT_LIMIT_AUTHOR.id) return;
  if (store.getContact(CONTACT_LIMIT_AUTHOR.id)?.planfixContactId !== contact.planfixContactId) return;
  const earlier = readContactLimitUse(store);
  const now = at.toISOString();
  const use: ContactLimitUse = { reachedAt: now, liftedAt: null, ...earlier, comments: (earlier?.comments ?? 0) + 1, since: earlier?.since ?? now, last: now };
  store.setMeta(META.contactLimit, JSON.stringify(use));
}

export function readContactLimitUse(store: Store): ContactLimitUse | null {
  return parseJsonMeta<ContactLimitUse>(store.getMeta(META.contactLimit), (v) => typeof v === 'object' && v !== null) ?? null;
}
