// The decisions of rules 2, 3, 4 (the Page's own comments) and 5 on the Facebook → Planfix side,
// on plain data: which posts are read, whether a read is full, when newest-first paging may stop,
// which comments are new and what each one is, what changed on the known ones.
// No I/O, no clock here: src/sync/inbound.ts reads (Graph, the store), calls these, and carries
// the plan out through the executor (journal keys and effects live there and in changes.ts / timeline.ts).

import type { FbComment, FbPost } from '../facebook/types.js';
import type { CommentRow, PostRow } from '../store/store.js';
import { HIDDEN_AUTHOR } from './context.js';
import { commentHash, parseGraphTime, postHash } from './format.js';
import { parseJsonMeta } from '../store/meta-keys.js';

/** sync.lookbackDays: `run` watches the posts created since this instant; older ones are left to `backfill`. */
export function lookbackSince(now: Date, lookbackDays: number): Date {
  return new Date(now.getTime() - lookbackDays * 86_400_000);
}

/**
 * Rules 2/3: a post is read again when Facebook says it changed (new comment, edit: updated_time
 * or the comment count moved), or when an earlier pass did not finish it.
 */
export function needsSync(post: FbPost, stored: PostRow | undefined): boolean {
  // Without the comment-count summary a new reply may not move updated_time (api-notes-facebook.md §9.3): read it.
  if (post.commentCount === undefined) return true;
  return !stored || stored.updatedTime !== post.updatedTime || stored.commentCount !== post.commentCount || stored.syncedAt === null;
}

/** How often a post's comments are re-read in full for edits, hides and deletions (sync.editCheckMinutes). */
export interface EditSchedule {
  nowMs: number;
  /** Interval for posts younger than a day; OLD_POST_FACTOR times this for older ones. 0: every post is due every cycle. */
  editCheckMs: number;
}

/** Posts older than this are re-read for edits OLD_POST_FACTOR times less often: their comments change seldom. */
export const YOUNG_POST_MS = 86_400_000;
export const OLD_POST_FACTOR = 4;

/** fbsync's own replies published on a post since it was last read: the count it then has, and when the last went out. */
export interface OwnReplies {
  count: number;
  /** ISO. */
  at: string;
}

export function parseOwnReplies(raw: string | undefined): OwnReplies | undefined {
  return parseJsonMeta<OwnReplies>(raw, (v) => typeof (v as OwnReplies)?.count === 'number' && typeof (v as OwnReplies).at === 'string');
}

/** The note after one more reply of fbsync's on a post stored with `storedCount` comments. */
export function withOwnReply(own: OwnReplies | undefined, storedCount: number, now: string): OwnReplies {
  return { count: (own?.count ?? storedCount) + 1, at: now };
}

/** How far Facebook's updated_time may run ahead of fbsync's clock for its own reply (skew). */
export const OWN_REPLY_SLACK_MS = 2 * 60_000;

/**
 * A post whose only change since it was stored is fbsync's own replies (its count moved by exactly
 * those, its text did not, its updated_time not past the last of them) need not be read: what a
 * read would find is the echo. Anything more (a person's comment too) moves the count further.
 */
export function onlyOwnReplies(post: FbPost, stored: PostRow | undefined, own: OwnReplies | undefined): boolean {
  if (!own || !stored || stored.syncedAt === null || post.commentCount === undefined) return false;
  if (post.commentCount !== own.count || stored.messageHash !== postHash(post)) return false;
  return graphMs(post.updatedTime) <= Date.parse(own.at) + OWN_REPLY_SLACK_MS;
}

/**
 * Rule 5: comments carry no updated time, so edits, hides and deletions show only by re-reading.
 * Of the unchanged posts that have comments, at most `count` are read in full this cycle: those
 * whose re-read is due by `schedule` (without one: all), the most overdue first (the share of its
 * interval that has passed since its last full scan; never scanned: first); ties keep the feed's order.
 */
export function pickRescans(unchanged: readonly { post: FbPost; stored: PostRow | undefined }[], count: number, schedule?: EditSchedule): FbPost[] {
  const overdue = ({ post, stored }: { post: FbPost; stored: PostRow | undefined }): number => {
    if (!stored?.fullScanAt) return Number.POSITIVE_INFINITY;
    const since = (schedule?.nowMs ?? 0) - Date.parse(stored.fullScanAt);
    if (!schedule || schedule.editCheckMs <= 0) return 1 + since / 86_400_000 / 3650; // all due; oldest scan first
    return since / editInterval(post, schedule);
  };
  return unchanged
    .filter(({ post }) => (post.commentCount ?? 0) > 0)
    .map((entry) => ({ entry, overdue: schedule ? overdue(entry) : 0, scan: entry.stored?.fullScanAt ?? '' }))
    .filter(({ overdue }) => !schedule || overdue >= 1)
    .sort((a, b) => (schedule ? b.overdue - a.overdue : a.scan.localeCompare(b.scan)))
    .slice(0, Math.max(0, count))
    .map(({ entry }) => entry.post);
}

/** How long a post's comments may go without a full re-read. */
export function editInterval(post: FbPost, schedule: EditSchedule): number {
  const created = graphMs(post.createdTime);
  const young = !Number.isFinite(created) || schedule.nowMs - created < YOUNG_POST_MS;
  return schedule.editCheckMs * (young ? 1 : OLD_POST_FACTOR);
}

/**
 * Where the rotation over the older pages of the look-back window stands (store meta, JSON). Every
 * cycle reads the newest page of posts; the pages below it are read a few per cycle, oldest-checked
 * next, so that each post is listed again at least every sync.fullCheckMinutes (a new comment moves
 * its post's updated_time and count, so listing it is what finds the comment).
 */
export interface Rotation {
  /** created_time (Graph time) the next older page starts at (`until`); null: just below the newest page. */
  until: string | null;
  /** When the sweep under way is due to begin (ISO); page k of N is due at sweepAt + k × span / N. */
  sweepAt: string;
  /** When this sweep's first page was read (ISO); the next sweep is due a span after it. */
  firstReadAt: string | null;
  /** Older pages read in this sweep. */
  pagesDone: number;
  /** Older pages the last complete sweep had (the estimate for this one). */
  pagesPerSweep: number;
  /** When the last cycle listed posts (ISO): the interval between cycles. */
  lastCycleAt: string;
}

/** What a cycle lists: the whole window (no rotation yet, or fullCheckMinutes 0), or the newest page and this many older pages. */
export type ListingPlan = { kind: 'window' } | { kind: 'rotation'; olderPages: number };

/**
 * The span a sweep may take: fullCheckMinutes less one interval between cycles, since a page due
 * just after a cycle waits for the next one. The interval is the last one seen.
 */
export function sweepSpan(rotation: Rotation | undefined, nowMs: number, fullCheckMs: number): number {
  // No cycle before this one: the interval is unknown; half the time leaves room for one up to that long.
  if (!rotation) return fullCheckMs / 2;
  const interval = Math.min(Math.max(0, nowMs - Date.parse(rotation.lastCycleAt)), fullCheckMs);
  return fullCheckMs - interval;
}

/** Which pages of posts this cycle lists (see Rotation). A sweep that ran late reads all its remaining pages at once. */
export function planListing(rotation: Rotation | undefined, nowMs: number, fullCheckMs: number): ListingPlan {
  if (!rotation || fullCheckMs <= 0) return { kind: 'window' };
  const span = sweepSpan(rotation, nowMs, fullCheckMs);
  const start = Date.parse(rotation.sweepAt);
  if (span <= 0 || nowMs >= start + span) return { kind: 'rotation', olderPages: Number.POSITIVE_INFINITY };
  if (nowMs < start) return { kind: 'rotation', olderPages: 0 };
  const pages = Math.max(rotation.pagesPerSweep, rotation.pagesDone + 1);
  const dueUpTo = Math.min(pages, Math.floor((nowMs - start) / (span / pages)) + 1);
  return { kind: 'rotation', olderPages: Math.max(0, dueUpTo - rotation.pagesDone) };
}

/** What the listing of a cycle found. */
export interface ListingRead {
  /** Older pages read (the whole window: pages after the newest). */
  olderPages: number;
  /** The listing reached the end of the window (the sweep is complete). */
  ended: boolean;
  /** created_time of the last post of the last page read. */
  lastCreated?: string;
}

/** The rotation once a cycle's listing is done. */
export function rotationAfter(rotation: Rotation | undefined, plan: ListingPlan, read: ListingRead, nowMs: number, fullCheckMs: number): Rotation {
  const now = new Date(nowMs).toISOString();
  const span = Math.max(0, sweepSpan(rotation, nowMs, fullCheckMs));
  if (plan.kind === 'window' || !rotation) {
    // Every page was read just now, so the last of the next sweep is due a span from now: it starts a page's share of it from now.
    const sweepAt = new Date(nowMs + span / Math.max(1, read.olderPages)).toISOString();
    return { until: null, sweepAt, firstReadAt: null, pagesDone: 0, pagesPerSweep: read.olderPages, lastCycleAt: now };
  }
  const firstReadAt = rotation.firstReadAt ?? (read.olderPages > 0 ? now : null);
  const pagesDone = rotation.pagesDone + read.olderPages;
  if (read.ended) {
    const begun = Date.parse(firstReadAt ?? now);
    return { until: null, sweepAt: new Date(begun + span).toISOString(), firstReadAt: null, pagesDone: 0, pagesPerSweep: pagesDone, lastCycleAt: now };
  }
  let until = rotation.until;
  if (read.olderPages > 0 && read.lastCreated) {
    // A page wholly inside one second would be listed again and again: step past it.
    until = rotation.until !== null && graphMs(read.lastCreated) >= graphMs(rotation.until) ? graphTime(graphMs(rotation.until) - 1000) : read.lastCreated;
  }
  return { ...rotation, until, firstReadAt, pagesDone, lastCycleAt: now };
}

function graphMs(time: string): number {
  return parseGraphTime(time).getTime();
}

function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Above this share of Facebook's reported usage a cycle makes only the reads it must (no rotation, no edit re-reads). */
export const OPTIONAL_READS_BELOW_PERCENT = 50;

export function optionalReadsAllowed(usagePercent: number | undefined): boolean {
  return usagePercent === undefined || usagePercent < OPTIONAL_READS_BELOW_PERCENT;
}

/**
 * Rule 4: the Page answers recorded while the post had no task taking comments (the timeline is
 * complete): skipped rows by the Page that are not fbsync's own replies (those stay skipped for good).
 */
export function waitingAnswers(rows: readonly CommentRow[], ourReplies: ReadonlySet<string>): string[] {
  return rows.filter((r) => r.state === 'skipped' && r.byPage && !ourReplies.has(r.id)).map((r) => r.id);
}

export interface ReadPlan {
  /** Every comment is read (and known ones compared); otherwise only the new ones, newest first. */
  full: boolean;
  /** Page answers waiting for a task (rule 4), read again with the rest whatever page they are on. */
  waiting: ReadonlySet<string>;
}

/**
 * How much of a post is read: in full when the post is new, an earlier pass did not finish it,
 * it is a rescan, comments went away (the count fell), or Page answers wait for its task.
 */
export function planRead(post: FbPost, stored: PostRow | undefined, rows: readonly CommentRow[], ourReplies: ReadonlySet<string>, rescan: boolean): ReadPlan {
  const waiting = new Set(waitingAnswers(rows, ourReplies));
  const full = !stored || stored.syncedAt === null || rescan || (post.commentCount ?? 0) < (stored.commentCount ?? 0) || waiting.size > 0;
  return { full, waiting };
}

/**
 * Rule 3, incremental read: comments come newest first, so once a whole page is known everything
 * older is too (comments are imported in order). Only when the page really is newest first: a
 * Graph that ignored `order` would otherwise hide new comments.
 */
export function mayStopPaging(read: ReadPlan, page: readonly FbComment[], known: ReadonlySet<string>): boolean {
  return !read.full && newestFirst(page) && page.every((c) => known.has(c.id));
}

/**
 * Rule 3: a reply inside a Facebook thread is marked as a reply to the comment it answers: that
 * comment's author (from the read, else the store, else the hidden author) and its text (from the
 * read; the store keeps no text). Undefined for a top-level comment.
 */
export function threadReplyTo(comment: FbComment, parent: FbComment | undefined, parentRow: CommentRow | undefined): { authorName: string; text: string } | undefined {
  if (!comment.parentId) return undefined;
  return { authorName: parent?.from?.name ?? parentRow?.authorName ?? HIDDEN_AUTHOR.name, text: parent?.message ?? '' };
}

/** Rules 3 and 4: what a comment not seen before is. */
export type NewCommentKind =
  /** A person's comment or thread reply: imported under their contact, into the post's task. */
  | 'person'
  /** fbsync's own reply seen again: recorded as skipped, never imported. */
  | 'echo'
  /**
   * The Page's comment not known as fbsync's reply: an admin's answer typed on Facebook, shown as
   * the Page's answer in the current task, or waiting for the post's next task. (The engine first
   * asks the reply half whether it is fbsync's reply whose store update a crash cut off.)
   */
  | 'pageAnswer';

export function classifyNew(comment: FbComment, pageId: string, ourReplies: ReadonlySet<string>): NewCommentKind {
  if (comment.from?.id !== pageId) return 'person';
  return ourReplies.has(comment.id) ? 'echo' : 'pageAnswer';
}

/** One comment of the read, in creation order: new ones by kind, and Page answers that still wait. */
export type CommentStep = { kind: NewCommentKind | 'waitingAnswer'; comment: FbComment };

/** Rule 5: what changed on a comment already in Planfix. Applied in this order, one comment after the other. */
export type KnownChange =
  | { kind: 'markEdited'; row: CommentRow; now: FbComment; hash: string }
  | { kind: 'markDeleted'; row: CommentRow }
  | { kind: 'markHidden' | 'markUnhidden'; row: CommentRow; now: FbComment };

export interface PostPlan {
  /** The comments read, oldest first (thread replies after their parent: they are younger). */
  comments: FbComment[];
  /** Rule 5: the post's text changed since it was stored: its current task's description is set again. */
  updateDescription: boolean;
  /** Rule 5, full reads of a known post only. */
  changes: KnownChange[];
  /** Waiting Page answers deleted on Facebook: they wait no more (the read was full). */
  waitingGone: string[];
  /** New comments and waiting answers, oldest first. */
  steps: CommentStep[];
  /** How many comments of the read were not known before. */
  fresh: number;
}

export interface PostRead {
  post: FbPost;
  stored: PostRow | undefined;
  read: ReadPlan;
  /** The post's stored comment rows. */
  rows: readonly CommentRow[];
  /** What Graph returned, in any order. */
  comments: readonly FbComment[];
  pageId: string;
  /** Ids among these comments and rows that are fbsync's own replies. */
  ourReplies: ReadonlySet<string>;
}

export function planPost({ post, stored, read, rows, comments, pageId, ourReplies }: PostRead): PostPlan {
  const sorted = [...comments].sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id));
  const known = new Set(rows.map((r) => r.id));
  const live = new Set(sorted.map((c) => c.id));
  const steps: CommentStep[] = [];
  let fresh = 0;
  for (const comment of sorted) {
    if (read.waiting.has(comment.id)) steps.push({ kind: 'waitingAnswer', comment });
    else if (!known.has(comment.id)) {
      fresh++;
      steps.push({ kind: classifyNew(comment, pageId, ourReplies), comment });
    }
  }
  return {
    comments: sorted,
    updateDescription: stored !== undefined && stored.messageHash !== postHash(post),
    changes: read.full && stored ? planKnownChanges(rows, sorted) : [],
    waitingGone: [...read.waiting].filter((id) => !live.has(id)),
    steps,
    fresh,
  };
}

/**
 * Rule 5, after a full read: an edited text replaces the Planfix entry's (marked edited), a
 * comment gone from Facebook is noted deleted, a change of visibility is noted hidden or unhidden.
 * Only comments that are in Planfix and not already deleted are compared; nothing is deleted there.
 */
export function planKnownChanges(rows: readonly CommentRow[], live: readonly FbComment[]): KnownChange[] {
  const byId = new Map(live.map((c) => [c.id, c]));
  const changes: KnownChange[] = [];
  for (const row of rows) {
    if (row.state === 'skipped' || row.state === 'deleted' || row.taskId === null || row.planfixCommentId === null) continue;
    const now = byId.get(row.id);
    if (!now) {
      changes.push({ kind: 'markDeleted', row });
      continue;
    }
    const hash = commentHash(now);
    if (hash !== row.messageHash) changes.push({ kind: 'markEdited', row, now, hash });
    if (now.isHidden !== row.isHidden) changes.push({ kind: now.isHidden ? 'markHidden' : 'markUnhidden', row, now });
  }
  return changes;
}

/** The post's row once a read is carried out: synced now; its full-scan time moves only on a full read. */
export function postRowAfterRead(post: FbPost, stored: PostRow | undefined, full: boolean, now: string): PostRow {
  return {
    id: post.id,
    createdTime: post.createdTime,
    updatedTime: post.updatedTime,
    commentCount: post.commentCount ?? null,
    messageHash: postHash(post),
    permalinkUrl: post.permalinkUrl ?? null,
    syncedAt: now,
    fullScanAt: full ? now : (stored?.fullScanAt ?? null),
  };
}

/** A page sorted newest first, with at least two distinct times to tell by. */
function newestFirst(page: readonly FbComment[]): boolean {
  if (page.length < 2 || page[0]!.createdTime === page[page.length - 1]!.createdTime) return false;
  return page.every((c, i) => i === 0 || page[i - 1]!.createdTime >= c.createdTime);
}
