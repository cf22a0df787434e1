import { describe, expect, it } from 'vitest';
import { NotFoundError, PostponedError, RefusedError, ThrottledError } from '../../src/http/errors.js';
import type { PfComment } from '../../src/planfix/types.js';
import type { CommentRow, ContactRow, ReplyRow } from '../../src/store/store.js';
import { CONTACT_LIMIT_AUTHOR, HIDDEN_AUTHOR } from '../../src/sync/context.js';
import {
  answerRecipients,
  chooseTarget,
  notifiedContacts,
  postponement,
  publishable,
  recipientKind,
  REPLY_REASONS,
  replyRefusal,
  settleStep,
} from '../../src/sync/reply-rules.js';

// Rule 4 of behaviour.md on plain data: what is an answer, which comment it answers, how a
// temporarily blocked reply waits.

const row = (id: string, planfixCommentId: number, createdTime: string, extra: Partial<CommentRow> = {}): CommentRow => ({
  id,
  postId: 'p',
  parentId: null,
  authorId: 'anna',
  authorName: 'Anna',
  createdTime,
  messageHash: '',
  isHidden: false,
  state: 'imported',
  taskId: 1,
  planfixCommentId,
  byPage: false,
  ...extra,
});

const pf = (id: number, extra: Partial<PfComment> = {}): PfComment => ({
  id,
  taskId: 1,
  description: 'Hello',
  ownerId: 'user:5',
  recipientIds: ['contact:7'],
  isDeleted: false,
  isHidden: false,
  ...extra,
});

describe('rule 4: which employee comments are answers', () => {
  it('an employee comment notifying contacts is an answer to each of them', () => {
    expect(notifiedContacts(pf(20, { recipientIds: ['user:3', 'contact:7', 'contact:9'] }), 10)).toEqual([7, 9]);
  });
  it('comments that only employees see are internal', () => {
    expect(notifiedContacts(pf(20, { recipientIds: ['user:3'] }), 10)).toEqual([]);
  });
  it('a comment by a contact or by nobody known is not an answer', () => {
    expect(notifiedContacts(pf(20, { ownerId: 'contact:7' }), 10)).toEqual([]);
    expect(notifiedContacts(pf(20, { ownerId: undefined }), 10)).toEqual([]);
  });
  it('comments older than fbsync’s first comment in the task, and deleted ones, are not answers', () => {
    expect(notifiedContacts(pf(10), 10)).toEqual([]);
    expect(notifiedContacts(pf(20, { isDeleted: true }), 10)).toEqual([]);
  });
});

describe('rule 4, one answer one reply: the comment an answer is for', () => {
  it('is the person’s latest comment already in the task when the answer was written', () => {
    const comments = [row('a1', 11, '2026-01-01T10:00:00Z'), row('a2', 13, '2026-01-01T10:05:00Z'), row('a3', 30, '2026-01-01T11:00:00Z')];
    expect(chooseTarget(comments, 20)).toEqual({ fbCommentId: 'a2', fbTargetId: 'a2' });
  });
  it('a comment the person writes after the answer does not move it', () => {
    const before = [row('a1', 11, '2026-01-01T10:00:00Z')];
    const after = [...before, row('a2', 40, '2026-01-02T10:00:00Z'), row('a3', 41, '2026-01-03T10:00:00Z', { parentId: 'x' })];
    expect(chooseTarget(after, 20)).toEqual(chooseTarget(before, 20));
  });
  it('a thread reply is answered under its thread’s top comment', () => {
    expect(chooseTarget([row('r1', 11, '2026-01-01T10:00:00Z', { parentId: 'top' })], 20)).toEqual({ fbCommentId: 'r1', fbTargetId: 'top' });
  });
  it('prefers a live comment to a deleted one, and takes a deleted one only when all are deleted', () => {
    const live = row('a1', 11, '2026-01-01T10:00:00Z');
    const gone = row('a2', 12, '2026-01-01T10:05:00Z', { state: 'deleted' });
    expect(chooseTarget([live, gone], 20)?.fbCommentId).toBe('a1');
    expect(chooseTarget([gone], 20)?.fbCommentId).toBe('a2');
  });
  it('falls back to the latest comment when none was in Planfix before the answer, and to nothing without comments', () => {
    expect(chooseTarget([row('a1', 30, '2026-01-01T10:00:00Z'), row('a2', 31, '2026-01-01T11:00:00Z')], 20)?.fbCommentId).toBe('a2');
    expect(chooseTarget([], 20)).toBeUndefined();
    expect(chooseTarget([row('s', 0, '2026-01-01T10:00:00Z', { state: 'skipped', planfixCommentId: null })], 20)).toBeUndefined();
  });
});

describe('rule 4: a temporary refusal (368) postpones the reply', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();
  it('waits at least 15 minutes after the first block', () => {
    expect(postponement(undefined, now)).toEqual({ giveUp: false, blockedSince: new Date(now).toISOString(), retryAt: '2026-06-01T12:15:00.000Z' });
  });
  it('waits as long again as the block has lasted, at most 8 hours between tries', () => {
    expect(postponement(hoursAgo(2), now)).toMatchObject({ giveUp: false, blockedSince: hoursAgo(2), retryAt: '2026-06-01T14:00:00.000Z' });
    expect(postponement(hoursAgo(20), now)).toMatchObject({ giveUp: false, retryAt: '2026-06-01T20:00:00.000Z' });
  });
  it('gives up after 24 hours of blocks', () => {
    expect(postponement(hoursAgo(24), now)).toEqual({ giveUp: true, blockedHours: 24 });
  });
});

describe('rule 4: fbsync’s own comments and shared cards', () => {
  it('rule 4: fbsync’s own comments (the imported Facebook comments, its notes) are never published back', () => {
    const imported = pf(20, { recipientIds: ['contact:7'] });
    expect(answerRecipients(imported, true, 10)).toEqual([]);
    expect(answerRecipients(imported, false, 10)).toEqual([7]);
  });
  it('rule 4: a notified card fbsync does not know is nobody’s comment to answer; a shared card cannot be answered', () => {
    const card = (fbUserId: string): ContactRow => ({ fbUserId, planfixContactId: 7, name: 'x', createdByFbsync: true });
    expect(recipientKind(undefined)).toBe('none');
    expect(recipientKind(card('u1'))).toBe('person');
    expect(recipientKind(card(HIDDEN_AUTHOR.id))).toBe('unaddressable');
    expect(recipientKind(card(CONTACT_LIMIT_AUTHOR.id))).toBe('unaddressable');
  });
});

describe('rule 4, one answer one reply: a decided answer is settled once', () => {
  const reply = (state: ReplyRow['state']): ReplyRow => ({ planfixCommentId: 20, fbTargetId: 'a1', taskId: 1, fbReplyId: state === 'sent' ? 'r1' : null, permalinkUrl: null, state, reason: null });
  const live = row('a1', 11, '2026-01-01T10:00:00Z');
  it('rule 4: an answer not yet settled is published', () => {
    expect(settleStep(undefined, false, live, live)).toEqual({ kind: 'publish' });
  });
  it('rule 4: an answer to a comment (or thread) deleted on Facebook is refused with the reason, not published', () => {
    const gone = { ...live, state: 'deleted' as const };
    expect(settleStep(undefined, false, gone, live)).toEqual({ kind: 'refuse', reason: REPLY_REASONS.deleted });
    expect(settleStep(undefined, false, live, gone)).toEqual({ kind: 'refuse', reason: REPLY_REASONS.deleted });
  });
  it('rule 4: a sent, refused or postponed answer is never published again; only a mark a crash cut off is written', () => {
    for (const state of ['sent', 'refused', 'postponed'] as const) {
      expect(settleStep(reply(state), false, live, live)).toEqual({ kind: 'mark' });
      expect(settleStep(reply(state), true, live, live)).toEqual({ kind: 'none' });
    }
  });
  it('rule 4: an answer without text is refused with a reason, never published empty', () => {
    expect(publishable('')).toEqual({ ok: false, reason: REPLY_REASONS.noText });
    expect(publishable('Thanks!')).toEqual({ ok: true });
  });
});

describe('rule 4: Facebook refuses a reply', () => {
  it('rule 4: a deleted comment is a final refusal the employee reads in the task', () => {
    expect(replyRefusal(new NotFoundError('facebook', 'Unsupported post request'))).toEqual({ kind: 'refuse', reason: REPLY_REASONS.deleted });
  });
  it('rule 4: a closed thread or a missing permission is a final refusal, with Facebook’s words', () => {
    expect(replyRefusal(new RefusedError('facebook', 'Comments are closed', 100))).toEqual({ kind: 'refuse', reason: 'Facebook refused it: Comments are closed' });
  });
  it('rule 4: a refusal Facebook calls temporary (368) postpones the reply', () => {
    expect(replyRefusal(new PostponedError('facebook', 'temporarily blocked', 368))).toEqual({ kind: 'postpone', reason: 'temporarily blocked' });
  });
  it('rule 4: throttling and other failures are no refusal of the reply: it is tried again, nothing is noted', () => {
    expect(replyRefusal(new ThrottledError('facebook', 'too many calls'))).toBeUndefined();
    expect(replyRefusal(new Error('boom'))).toBeUndefined();
  });
});
