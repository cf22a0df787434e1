// The decisions of rules 2, 3, 4 (the Page's own comments) and 5 on the Facebook → Planfix side,
// on plain data: which posts are read, whether a read is full, when newest-first paging may stop,
// which comments are new and what each one is, what changed on the known ones.
// No I/O, no clock here: src/sync/inbound.ts reads (Graph, the store), calls these, and carries
// the plan out through the executor (journal keys and effects live there and in changes.ts / timeline.ts).

import type { FbComment, FbPost } from '../facebook/types.js';
import type { CommentRow, PostRow } from '../store/store.js';
import { commentHash, postHash } from './format.js';

/**
 * Rules 2/3: a post is read again when Facebook says it changed (new comment, edit: updated_time
 * or the comment count moved), or when an earlier pass did not finish it.
 */
export function needsSync(post: FbPost, stored: PostRow | undefined): boolean {
  // Without the comment-count summary a new reply may not move updated_time (api-notes-facebook.md §9.3): read it.
  if (post.commentCount === undefined) return true;
  return !stored || stored.updatedTime !== post.updatedTime || stored.commentCount !== post.commentCount || stored.syncedAt === null;
}

/**
 * Rule 5: comments carry no updated time, so edits, hides and deletions show only by re-reading.
 * Of the unchanged posts that have comments, `count` are read in full each run, the one whose
 * last full scan is oldest (never scanned: first) first; ties keep the feed's order.
 */
export function pickRescans(unchanged: readonly { post: FbPost; stored: PostRow | undefined }[], count: number): FbPost[] {
  return unchanged
    .filter(({ post }) => (post.commentCount ?? 0) > 0)
    .sort((a, b) => (a.stored?.fullScanAt ?? '').localeCompare(b.stored?.fullScanAt ?? ''))
    .slice(0, count)
    .map(({ post }) => post);
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
