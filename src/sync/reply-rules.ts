// The decisions of rule 4 (replies from Planfix) on plain data: which employee comments are
// answers, which Facebook comment an answer is for, and how long a temporarily blocked reply waits.
// No I/O here; src/sync/replies.ts reads, calls these, and writes through the executor.

import type { PfComment } from '../planfix/types.js';
import type { CommentRow } from '../store/store.js';

/**
 * An employee's comment that notifies at least one contact, written after `answersAfter` (in a
 * task fbsync found rather than made, older comments predate the Facebook conversation).
 * Returns the notified contacts' Planfix ids.
 */
export function notifiedContacts(comment: PfComment, answersAfter: number): number[] {
  if (comment.id <= answersAfter || comment.isDeleted || !comment.ownerId?.startsWith('user:')) return [];
  return comment.recipientIds.filter((r) => r.startsWith('contact:')).map((r) => Number(r.slice('contact:'.length)));
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
