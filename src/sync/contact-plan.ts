// The decisions of rules 1 and 6 (which Planfix card a commenter's comment goes under, what a new
// card holds, when a card is renamed) and of Planfix's contact limit, on plain data: the stored
// contact rows, the Facebook author, the contact-limit note. No I/O, no clock here:
// src/sync/contacts.ts reads (the store, Planfix), calls these, and writes through the executor.

import { renameKey } from './effect-keys.js';
import type { FbUser } from '../facebook/types.js';
import type { NewContact } from '../planfix/types.js';
import type { ContactRow } from '../store/store.js';
import { CONTACT_LIMIT_AUTHOR, HIDDEN_AUTHOR, isSharedCard } from './context.js';
import { splitName, textHash } from './format.js';

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

/** Rule 1: whom a comment is filed under — its author, or the hidden-author card when Facebook withholds them (never dropped). */
export function commenter(user: FbUser | undefined): FbUser {
  return user ?? HIDDEN_AUTHOR;
}

/** What rule 6 decides for a person who already has a card. */
export type KnownContactPlan = { kind: 'use' } | { kind: 'rename'; key: string; name: string; lastname?: string };

/**
 * Rule 6: a commenter whose Facebook name changed gets the new name on the card fbsync created —
 * only the name fields, never on a card that was there before fbsync, never on a shared card.
 */
export function planKnownContact(known: ContactRow, user: FbUser): KnownContactPlan {
  if (!known.createdByFbsync || isSharedCard(user.id) || known.name === user.name) return { kind: 'use' };
  return { kind: 'rename', key: renameKey(known.fbUserId, textHash(user.name)), ...splitName(user.name) };
}

/** Rule 1: a person's card carries their profile picture; a shared card stands for no one and has none. */
export function wantsPicture(user: FbUser): boolean {
  return !isSharedCard(user.id);
}

/**
 * Rule 1: the card made for a commenter: their name (split into first and last name; a shared
 * card's name whole), their Facebook id (so the next comment finds it), their picture.
 */
export function newContact(user: FbUser, photoUrl: string | undefined): NewContact {
  const shared = isSharedCard(user.id);
  return { ...(shared ? { name: user.name } : splitName(user.name)), facebookId: user.id, photoUrl: shared ? undefined : photoUrl };
}

/** The store row of a card found or made for `user`. */
export function contactRow(user: FbUser, planfixContactId: number, created: boolean): ContactRow {
  return { fbUserId: user.id, planfixContactId, name: user.name, createdByFbsync: created };
}

/** What the store knows when a person's card is asked for. */
export interface ContactLimitState {
  /** The person has a card in the store. */
  known: boolean;
  /** The contact-limit note (store meta), if Planfix ever answered code 23. */
  limit: ContactLimitUse | null;
  /** The shared contact-limit card exists in the store. */
  sharedCardKnown: boolean;
  /** This run already failed to make the shared card. */
  sharedCardRefused: boolean;
}

/**
 * The limit was met before the shared card existed: a slot freed since (a contact deleted, a
 * bigger plan) goes to the shared card first, so that no later comment has to wait.
 */
export function makeSharedCardFirst(user: FbUser, state: ContactLimitState): boolean {
  return !isSharedCard(user.id) && !state.known && !!state.limit && !state.limit.liftedAt && !state.sharedCardKnown && !state.sharedCardRefused;
}

/** Planfix allows no more contacts (code 23) for a person's card: the note to store, or undefined to keep the one the limit already has. */
export function limitReached(earlier: ContactLimitUse | null, now: string): ContactLimitUse | undefined {
  if (earlier && !earlier.liftedAt) return undefined;
  return { comments: 0, since: null, last: null, ...earlier, reachedAt: now, liftedAt: null };
}

/** A commenter's own card made again: the limit is lifted (the note to store, or undefined when nothing changes). */
export function limitLifted(limit: ContactLimitUse | null, user: FbUser, created: boolean, now: string): ContactLimitUse | undefined {
  if (!created || isSharedCard(user.id) || !limit || limit.liftedAt) return undefined;
  return { ...limit, liftedAt: now };
}

/**
 * Under the contact limit the comment goes under the shared card, its text naming the author. No
 * contact row maps the person to that card (this row is not stored): their next comment asks for
 * their own card again, and gets it once the limit is lifted.
 */
export function underLimitRow(user: FbUser, card: ContactRow): ContactRow {
  return { fbUserId: user.id, planfixContactId: card.planfixContactId, name: user.name, createdByFbsync: false };
}

/**
 * A comment filed under the contact-limit card for someone else is counted, so `fbsync status` can
 * say how many and since when. `sharedCard`: the contact-limit card's row. Undefined: not such a comment.
 */
export function limitUseAfterComment(contact: ContactRow | undefined, sharedCard: ContactRow | undefined, earlier: ContactLimitUse | null, now: string): ContactLimitUse | undefined {
  if (!contact || contact.fbUserId === CONTACT_LIMIT_AUTHOR.id) return undefined;
  if (sharedCard?.planfixContactId !== contact.planfixContactId) return undefined;
  return { reachedAt: now, liftedAt: null, ...earlier, comments: (earlier?.comments ?? 0) + 1, since: earlier?.since ?? now, last: now };
}
