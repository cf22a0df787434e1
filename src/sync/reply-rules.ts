// The decisions of rule 4 (replies from Planfix) on plain data: which employee comments are
// answers, which Facebook comment an answer is for, and how long a temporarily blocked reply waits.
// No I/O here; src/sync/replies.ts reads, calls these, and writes through the executor.

import { NotFoundError, PostponedError, RefusedError } from '../http/errors.js';
import type { PfComment } from '../planfix/types.js';
import type { CommentRow, ContactRow, ReplyRow } from '../store/store.js';
import { isSharedCard } from './context.js';

/**
 * An employee's comment that notifies at least one contact, written after `answersAfter` (in a
 * task fbsync found rather than made, older comments predate the Facebook conversation).
 * Returns the notified contacts' Planfix ids.
 */
export function notifiedContacts(comment: PfComment, answersAfter: number): number[] {
  if (comment.id <= answersAfter || comment.isDeleted || !comment.ownerId?.startsWith('user:')) return [];
  return comment.recipientIds.filter((r) => r.startsWith('contact:')).map((r) => Number(r.slice('contact:'.length)));
}

/** Kinds of effect whose result is a Planfix comment written by fbsync: never published back. */
export const OWN_COMMENT_KINDS = ['comment', 'comment.deleted', 'comment.hidden', 'comment.unhidden', 'reply.note'] as const;

/**
 * Rule 4: the contacts an employee comment answers. fbsync's own comments (the imported Facebook
 * comments, its notes: `own`, an effect of OWN_COMMENT_KINDS wrote it) are never published back,
 * whoever Planfix says wrote them and whoever they notify.
 */
export function answerRecipients(comment: PfComment, own: boolean, answersAfter: number): number[] {
  return own ? [] : notifiedContacts(comment, answersAfter);
}

/** Why a reply is not published, as the employee reads it in the task. */
export const REPLY_REASONS = {
  deleted: 'the Facebook comment it answers was deleted.',
  sharedCard: 'this card stands for several Facebook people, so fbsync cannot tell whom to answer. Answer on Facebook directly, or notify the person’s own card.',
  noText: 'the comment has no text to publish (attachments are not sent to Facebook).',
} as const;

/**
 * Rule 4: whom a notified contact stands for. A card fbsync does not know is no commenter's (an
 * employee's customer): nothing to do. A shared card (hidden authors, the contact-limit card)
 * stands for several people: the answer cannot be addressed, and the task says so once.
 */
export function recipientKind(contact: ContactRow | undefined): 'none' | 'unaddressable' | 'person' {
  if (!contact) return 'none';
  return isSharedCard(contact.fbUserId) ? 'unaddressable' : 'person';
}

/** What a decided answer still needs. */
export type SettleStep = { kind: 'publish' } | { kind: 'refuse'; reason: string } | { kind: 'mark' } | { kind: 'none' };

/**
 * Rule 4, one answer one reply: a decided answer not yet settled is published — or refused when
 * the comment it answers (or its thread) was deleted on Facebook; a settled one (sent, refused,
 * postponed) is never published again, only its mark in the task written if a crash cut it off.
 * `noteDone`: that mark's effect is done.
 */
export function settleStep(done: ReplyRow | undefined, noteDone: boolean, answered: CommentRow | undefined, thread: CommentRow | undefined): SettleStep {
  if (!done) return answered?.state === 'deleted' || thread?.state === 'deleted' ? { kind: 'refuse', reason: REPLY_REASONS.deleted } : { kind: 'publish' };
  return noteDone ? { kind: 'none' } : { kind: 'mark' };
}

/** Rule 4: an answer without text (only an attachment) is refused with a reason, never published empty. */
export function publishable(text: string): { ok: true } | { ok: false; reason: string } {
  return text ? { ok: true } : { ok: false, reason: REPLY_REASONS.noText };
}

/**
 * Rule 4: what Facebook's refusal of a reply means. A block Facebook calls temporary (368) postpones
 * it; a deleted comment or a closed thread (not found), or any other refusal (the thread is closed,
 * the token lacks permission for it) is final and the employee reads why. Undefined: not a refusal
 * of this reply (throttling, credentials, a failure): the error goes on up.
 */
export function replyRefusal(error: unknown): { kind: 'postpone'; reason: string } | { kind: 'refuse'; reason: string } | undefined {
  if (error instanceof PostponedError) return { kind: 'postpone', reason: error.message };
  if (error instanceof NotFoundError) return { kind: 'refuse', reason: REPLY_REASONS.deleted };
  if (error instanceof RefusedError) return { kind: 'refuse', reason: `Facebook refused it: ${error.message}` };
  return undefined;
}

/**
 * The person's comment an answer is for: their latest one that was already in Planfix when the
 * employee wrote the answer (Planfix comment ids grow with time), else their latest one at all; a
 * deleted comment only when every one is deleted. The reply goes under its thread's top comment
 * (Facebook threads are one level deep).
 */
export function chooseTarget(personComments: readonly CommentRow[], answerId: number): { fbCommentId: string; fbTargetId: string } | undefined {
  const candidates = personComments.filter((c) => c.state !== 'skipped' && c.planfixCommentId !== null);
  const rank = (list: CommentRow[]) =>
    [...list].sort((a, b) => Number(a.state === 'deleted') - Number(b.state === 'deleted') || b.createdTime.localeCompare(a.createdTime) || b.id.localeCompare(a.id))[0];
  const chosen = rank(candidates.filter((c) => c.planfixCommentId! < answerId)) ?? rank(candidates);
  return chosen && { fbCommentId: chosen.id, fbTargetId: chosen.parentId ?? chosen.id };
}

export const POSTPONE_MIN_WAIT_MS = 15 * 60_000;
export const POSTPONE_MAX_WAIT_MS = 8 * 3_600_000;
export const POSTPONE_GIVE_UP_MS = 24 * 3_600_000;

/**
 * A reply Facebook blocks for now (Graph 368) waits as long again as the block has lasted (at
 * least 15 minutes, at most 8 hours between tries); after 24 hours of blocks it is given up.
 */
export function postponement(blockedSince: string | undefined, now: number): { giveUp: true; blockedHours: number } | { giveUp: false; blockedSince: string; retryAt: string } {
  const since = blockedSince ?? new Date(now).toISOString();
  const blockedFor = now - Date.parse(since);
  if (blockedFor >= POSTPONE_GIVE_UP_MS) return { giveUp: true, blockedHours: Math.round(blockedFor / 3_600_000) };
  const wait = Math.min(Math.max(blockedFor, POSTPONE_MIN_WAIT_MS), POSTPONE_MAX_WAIT_MS);
  return { giveUp: false, blockedSince: since, retryAt: new Date(now + wait).toISOString() };
}
