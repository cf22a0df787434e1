import { describe, expect, it } from 'vitest';
import { contactKey } from '../../src/sync/effect-keys.js';
import type { ContactRow } from '../../src/store/store.js';
import { CONTACT_LIMIT_AUTHOR, HIDDEN_AUTHOR } from '../../src/sync/context.js';
import {
  commenter,
  contactRow,
  type ContactLimitUse,
  limitLifted,
  limitReached,
  limitUseAfterComment,
  makeSharedCardFirst,
  newContact,
  planKnownContact,
  underLimitRow,
  wantsPicture,
} from '../../src/sync/contact-plan.js';

// Rules 1 and 6 of behaviour.md (one card per person, renamed only where fbsync made it) and
// Planfix's contact limit, on plain data: contact rows and the Facebook author. No process, no HTTP, no store.

const ann = { id: 'u1', name: 'Ann Marie Smith' };
const card = (extra: Partial<ContactRow> = {}): ContactRow => ({ fbUserId: 'u1', planfixContactId: 5, name: 'Ann Marie Smith', createdByFbsync: true, ...extra });
const sharedCard: ContactRow = { fbUserId: CONTACT_LIMIT_AUTHOR.id, planfixContactId: 99, name: CONTACT_LIMIT_AUTHOR.name, createdByFbsync: true };
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const limit = (extra: Partial<ContactLimitUse> = {}): ContactLimitUse => ({ reachedAt: T0, comments: 0, since: null, last: null, liftedAt: null, ...extra });
const noLimit = { known: false, limit: null, sharedCardKnown: false, sharedCardRefused: false };

describe('rule 1: one Planfix card per Facebook person', () => {
  it('rule 1: the card carries the commenter’s name (first and last) and Facebook id, so the next comment finds it', () => {
    expect(newContact(ann, 'https://cdn/ann.jpg')).toEqual({ name: 'Ann Marie', lastname: 'Smith', facebookId: 'u1', photoUrl: 'https://cdn/ann.jpg' });
  });
  it('rule 1: the card carries the profile picture; a shared card (hidden author, contact limit) has none and keeps its name whole', () => {
    expect(wantsPicture(ann)).toBe(true);
    expect(wantsPicture(HIDDEN_AUTHOR)).toBe(false);
    expect(newContact(HIDDEN_AUTHOR, 'https://cdn/x.jpg')).toEqual({ name: HIDDEN_AUTHOR.name, facebookId: 'hidden', photoUrl: undefined });
  });
  it('rule 1: a comment whose author Facebook withholds is filed under the hidden-author card, never dropped', () => {
    expect(commenter(undefined)).toBe(HIDDEN_AUTHOR);
    expect(commenter(ann)).toBe(ann);
  });
  it('rule 1, nothing twice: one journal key per person, across runs and crashes', () => {
    expect(contactKey('u1')).toBe('contact:u1');
  });
  it('rule 1: a card found in Planfix (from before fbsync) is recorded as not made by fbsync', () => {
    expect(contactRow(ann, 5, false)).toEqual(card({ createdByFbsync: false }));
    expect(contactRow(ann, 5, true).createdByFbsync).toBe(true);
  });
  it('rule 1: a known person with an unchanged name uses their card as it is', () => {
    expect(planKnownContact(card(), ann)).toEqual({ kind: 'use' });
  });
});

describe('rule 6: contact updates', () => {
  it('rule 6: a commenter renamed on Facebook gets the new name on the card fbsync created, only the name fields', () => {
    const plan = planKnownContact(card(), { id: 'u1', name: 'Ann Jones' });
    expect(plan).toEqual({ kind: 'rename', key: expect.stringMatching(/^rename:u1:[0-9a-f]{32}$/), name: 'Ann', lastname: 'Jones' });
  });
  it('rule 6: a card that was there before fbsync is never renamed (an employee’s fields stay)', () => {
    expect(planKnownContact(card({ createdByFbsync: false }), { id: 'u1', name: 'Ann Jones' })).toEqual({ kind: 'use' });
  });
  it('rule 6: a shared card is never renamed', () => {
    expect(planKnownContact({ ...sharedCard, name: 'old name' }, CONTACT_LIMIT_AUTHOR)).toEqual({ kind: 'use' });
  });
  it('rule 6, nothing twice: each new name is its own rename, done once', () => {
    const a = planKnownContact(card(), { id: 'u1', name: 'Ann Jones' });
    const b = planKnownContact(card(), { id: 'u1', name: 'Ann Brown' });
    const again = planKnownContact(card(), { id: 'u1', name: 'Ann Jones' });
    expect(a.kind === 'rename' && b.kind === 'rename' && a.key !== b.key).toBe(true);
    expect(again).toEqual(a);
  });
});

describe('rule 1 under Planfix’s contact limit (code 23): comments go under a shared card', () => {
  it('rule 1 (contact limit): the comment goes under the shared card, and the person is not mapped to it', () => {
    expect(underLimitRow(ann, sharedCard)).toEqual({ fbUserId: 'u1', planfixContactId: 99, name: 'Ann Marie Smith', createdByFbsync: false });
  });
  it('rule 1 (contact limit): the limit is noted when first met, and noted again only after it was lifted', () => {
    expect(limitReached(null, T1)).toEqual(limit({ reachedAt: T1 }));
    expect(limitReached(limit(), T1)).toBeUndefined();
    expect(limitReached(limit({ liftedAt: T0, comments: 3 }), T1)).toEqual(limit({ reachedAt: T1, comments: 3 }));
  });
  it('rule 1 (contact limit): a person’s own card made again lifts the limit; a found card or a shared card does not', () => {
    expect(limitLifted(limit(), ann, true, T1)).toEqual(limit({ liftedAt: T1 }));
    expect(limitLifted(limit(), ann, false, T1)).toBeUndefined();
    expect(limitLifted(limit(), CONTACT_LIMIT_AUTHOR, true, T1)).toBeUndefined();
    expect(limitLifted(limit({ liftedAt: T0 }), ann, true, T1)).toBeUndefined();
    expect(limitLifted(null, ann, true, T1)).toBeUndefined();
  });
  it('rule 1 (contact limit): a freed slot goes to the shared card first when the limit was met before it existed', () => {
    const state = { ...noLimit, limit: limit() };
    expect(makeSharedCardFirst(ann, state)).toBe(true);
    expect(makeSharedCardFirst(ann, noLimit)).toBe(false);
    expect(makeSharedCardFirst(ann, { ...state, known: true })).toBe(false);
    expect(makeSharedCardFirst(ann, { ...state, sharedCardKnown: true })).toBe(false);
    expect(makeSharedCardFirst(ann, { ...state, sharedCardRefused: true })).toBe(false);
    expect(makeSharedCardFirst(ann, { ...state, limit: limit({ liftedAt: T0 }) })).toBe(false);
    expect(makeSharedCardFirst(CONTACT_LIMIT_AUTHOR, state)).toBe(false);
  });
  it('rule 1 (contact limit): each comment filed under the shared card for someone else is counted, with first and latest time', () => {
    const first = limitUseAfterComment(underLimitRow(ann, sharedCard), sharedCard, limit(), T0);
    expect(first).toEqual(limit({ comments: 1, since: T0, last: T0 }));
    expect(limitUseAfterComment(underLimitRow(ann, sharedCard), sharedCard, first!, T1)).toEqual(limit({ comments: 2, since: T0, last: T1 }));
  });
  it('rule 1 (contact limit): a comment under the person’s own card, or by the shared card itself, is not counted', () => {
    expect(limitUseAfterComment(card(), sharedCard, limit(), T0)).toBeUndefined();
    expect(limitUseAfterComment(sharedCard, sharedCard, limit(), T0)).toBeUndefined();
    expect(limitUseAfterComment(undefined, sharedCard, limit(), T0)).toBeUndefined();
    expect(limitUseAfterComment(underLimitRow(ann, sharedCard), undefined, limit(), T0)).toBeUndefined();
  });
});
