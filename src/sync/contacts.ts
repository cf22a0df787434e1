import type { FbUser } from '../facebook/types.js';
import type { ContactRow } from '../store/store.js';
import { HIDDEN_AUTHOR, type SyncContext } from './context.js';
import { splitName, textHash } from './format.js';

/**
 * Rule 1: one Planfix card per Facebook person, across runs, crashes and posts. Within a run,
 * concurrent posts asking for the same person share one lookup.
 */
export class ContactResolver {
  private readonly inflight = new Map<string, Promise<ContactRow>>();

  constructor(private readonly ctx: SyncContext) {}

  resolve(user: FbUser | undefined): Promise<ContactRow> {
    const person = user ?? HIDDEN_AUTHOR;
    let pending = this.inflight.get(person.id);
    if (!pending) {
      pending = this.ensure(person);
      this.inflight.set(person.id, pending);
      pending.catch(() => this.inflight.delete(person.id));
    }
    return pending;
  }

  private async ensure(user: FbUser): Promise<ContactRow> {
    const { store, pf, fb, executor, report } = this.ctx;
    const known = store.getContact(user.id);
    if (known) {
      if (known.createdByFbsync && user.id !== HIDDEN_AUTHOR.id && known.name !== user.name) await this.rename(known, user.name);
      return store.getContact(user.id)!;
    }
    const hidden = user.id === HIDDEN_AUTHOR.id;
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
        const photoUrl = hidden ? undefined : (user.pictureUrl ?? (await fb.getPicture(user.id)));
        const created = await pf.createContact({ ...(hidden ? { name: user.name } : splitName(user.name)), facebookId: user.id, photoUrl });
        return { id: created.id, created: true };
      },
      remoteId: (r) => String(r.id),
      commit: (r) => {
        store.putContact({ fbUserId: user.id, planfixContactId: r.id, name: user.name, createdByFbsync: r.created });
        report.count(r.created ? 'contact.created' : 'contact.found');
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
