import type { FbUser } from '../facebook/types.js';
import { contactKey } from './effect-keys.js';
import { ContactLimitError } from '../planfix/planfix-errors.js';
import type { ContactRow, Store } from '../store/store.js';
import { CONTACT_LIMIT_AUTHOR, isSharedCard, type SyncContext } from './context.js';
import {
  commenter,
  contactRow,
  limitLifted,
  limitReached,
  limitUseAfterComment,
  makeSharedCardFirst,
  newContact,
  planKnownContact,
  underLimitRow,
  wantsPicture,
} from './contact-plan.js';
import { META, parseJsonMeta } from '../store/meta-keys.js';

import type { ContactLimitUse } from './contact-plan.js';

/**
 * Rule 1: one Planfix card per Facebook person, across runs, crashes and posts. Within a run,
 * concurrent posts asking for the same person share one lookup. Decisions: contact-plan.ts.
 */
export class ContactResolver {
  private readonly inflight = new Map<string, Promise<ContactRow>>();
  /** This run could not make the shared card either: not asked again until the next run. */
  private sharedCardRefused = false;

  constructor(private readonly ctx: SyncContext) {}

  resolve(user: FbUser | undefined): Promise<ContactRow> {
    const person = commenter(user);
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
    const state = {
      known: store.getContact(user.id) !== undefined,
      limit: readContactLimitUse(store),
      sharedCardKnown: store.getContact(CONTACT_LIMIT_AUTHOR.id) !== undefined,
      sharedCardRefused: this.sharedCardRefused,
    };
    if (makeSharedCardFirst(user, state)) {
      await this.resolve(CONTACT_LIMIT_AUTHOR).catch((error: unknown) => {
        if (!(error instanceof ContactLimitError)) throw error;
        this.sharedCardRefused = true;
      });
    }
    try {
      return await this.ensure(user);
    } catch (error) {
      if (!(error instanceof ContactLimitError) || isSharedCard(user.id)) throw error;
      const reached = limitReached(readContactLimitUse(store), new Date().toISOString());
      if (reached) store.setMeta(META.contactLimit, JSON.stringify(reached));
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
    return underLimitRow(user, card);
  }

  private async ensure(user: FbUser): Promise<ContactRow> {
    const { store, pf, fb, executor, report } = this.ctx;
    const known = store.getContact(user.id);
    if (known) {
      const plan = planKnownContact(known, user);
      if (plan.kind === 'rename') await this.rename(known, user.name, plan);
      return store.getContact(user.id)!;
    }
    const record = (r: { id: number; created: boolean }) => {
      store.putContact(contactRow(user, r.id, r.created));
      report.count(r.created ? 'contact.created' : 'contact.found');
      const lifted = limitLifted(readContactLimitUse(store), user, r.created, new Date().toISOString());
      if (lifted) store.setMeta(META.contactLimit, JSON.stringify(lifted));
    };
    const key = contactKey(user.id);
    // Rule 1 looks for an existing card first: the person may have a card from before fbsync. Looked
    // for before the intent (a write whose outcome is unknown is looked for by the check instead),
    // so the write only creates, and the dry run, which plans writes without making them, finds it too.
    if (store.journal.get(key)?.state !== 'sending') {
      const found = await pf.findContactByFacebookId(user.id);
      if (found) {
        store.db.transaction(() => record({ id: found.id, created: false }))();
        return contactRow(user, found.id, false);
      }
    }
    const result = await executor.perform({
      key,
      kind: 'contact',
      check: async () => {
        const found = await pf.findContactByFacebookId(user.id);
        return found ? { id: found.id, created: false } : undefined;
      },
      write: async () => {
        const photoUrl = wantsPicture(user) ? (user.pictureUrl ?? (await fb.getPicture(user.id))) : undefined;
        const created = await pf.createContact(newContact(user, photoUrl));
        return { id: created.id, created: true };
      },
      remoteId: (r) => String(r.id),
      dryRun: { says: () => `create contact ${user.name} (Facebook ${user.id})`, result: (id) => ({ id, created: true }) },
      commit: record,
    });
    return contactRow(user, result.id, result.created);
  }

  /** Rule 6: a renamed commenter gets the new name on the card fbsync made; nothing else is touched. */
  private async rename(known: ContactRow, newName: string, plan: { key: string; name: string; lastname?: string }): Promise<void> {
    const { store, pf, executor, report } = this.ctx;
    await executor.perform({
      key: plan.key,
      kind: 'contact.rename',
      check: async () => undefined,
      write: async () => {
        await pf.renameContact(known.planfixContactId, plan.name, plan.lastname);
        return true;
      },
      remoteId: () => String(known.planfixContactId),
      dryRun: { says: () => `rename contact #${known.planfixContactId} to ${[plan.name, plan.lastname].filter(Boolean).join(' ')}`, result: () => true },
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
  const use = limitUseAfterComment(contact, store.getContact(CONTACT_LIMIT_AUTHOR.id), readContactLimitUse(store), at.toISOString());
  if (use) store.setMeta(META.contactLimit, JSON.stringify(use));
}

export function readContactLimitUse(store: Store): ContactLimitUse | null {
  return parseJsonMeta<ContactLimitUse>(store.getMeta(META.contactLimit), (v) => typeof v === 'object' && v !== null) ?? null;
}
