import { describe, expect, it } from 'vitest';
import type { FbComment, FbPost } from '../../src/facebook/types.js';
import type { CommentRow, PostRow } from '../../src/store/store.js';
import { commentHash, postHash } from '../../src/sync/format.js';
import {
  classifyNew,
  lookbackSince,
  threadReplyTo,
  mayStopPaging,
  needsSync,
  onlyOwnReplies,
  optionalReadsAllowed,
  pickRescans,
  planListing,
  rotationAfter,
  type Rotation,
  planKnownChanges,
  planPost,
  planRead,
  postRowAfterRead,
  type PostRead,
} from '../../src/sync/inbound-plan.js';
import { importedRow } from './rows.js';

// Rules 2, 3, 4 (the Page's own comments) and 5 of behaviour.md on the Facebook → Planfix side,
// on plain data: stored rows and what Graph returned, no process, no HTTP, no store.

const PAGE = 'page';
const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00+0000`;

const post = (extra: Partial<FbPost> = {}): FbPost => ({ id: 'p', message: 'Post text', createdTime: at(0), updatedTime: at(5), commentCount: 2, ...extra });

const stored = (extra: Partial<PostRow> = {}): PostRow => ({
  id: 'p',
  createdTime: at(0),
  updatedTime: at(5),
  commentCount: 2,
  messageHash: postHash(post()),
  permalinkUrl: null,
  syncedAt: at(6),
  fullScanAt: at(6),
  ...extra,
});

const comment = (id: string, minute: number, extra: Partial<FbComment> = {}): FbComment => ({
  id,
  postId: 'p',
  from: { id: `u-${id}`, name: `Person ${id}` },
  message: `text of ${id}`,
  createdTime: at(minute),
  isHidden: false,
  ...extra,
});

const row = importedRow;

const waitingRow = (c: FbComment): CommentRow => row(c, { messageHash: '', state: 'skipped', taskId: null, planfixCommentId: null, byPage: true });

function plan(input: Partial<PostRead> & { comments: FbComment[] }) {
  const p = input.post ?? post();
  const s = 'stored' in input ? input.stored : stored();
  const rows = input.rows ?? [];
  const ourReplies = input.ourReplies ?? new Set<string>();
  const read = input.read ?? planRead(p, s, rows, ourReplies, false);
  return planPost({ post: p, stored: s, read, rows, pageId: PAGE, ourReplies, ...input, comments: input.comments });
}

describe('rules 2/3: which posts are read this run', () => {
  it('rule 2/3: a post whose updated_time and count are unchanged is not read', () => {
    expect(needsSync(post(), stored())).toBe(false);
  });
  it('rule 2/3: a new post, a moved updated_time, a changed count are read', () => {
    expect(needsSync(post(), undefined)).toBe(true);
    expect(needsSync(post({ updatedTime: at(9) }), stored())).toBe(true);
    expect(needsSync(post({ commentCount: 3 }), stored())).toBe(true);
    expect(needsSync(post({ commentCount: 1 }), stored())).toBe(true);
  });
  it('rule 3: a post an earlier pass did not finish is read again', () => {
    expect(needsSync(post(), stored({ syncedAt: null }))).toBe(true);
  });
  it('rule 3: a post without the comment-count summary is always read (a reply may not move updated_time)', () => {
    expect(needsSync(post({ commentCount: undefined }), stored({ commentCount: null }))).toBe(true);
  });
});

describe('rule 5: which unchanged posts are re-read to notice edits, hides and deletions', () => {
  const p = (id: string, commentCount = 1) => post({ id, commentCount });
  it('rule 5: the post whose last full scan is oldest goes first, one never scanned before all', () => {
    const picked = pickRescans(
      [
        { post: p('recent'), stored: stored({ id: 'recent', fullScanAt: at(30) }) },
        { post: p('never'), stored: stored({ id: 'never', fullScanAt: null }) },
        { post: p('old'), stored: stored({ id: 'old', fullScanAt: at(10) }) },
      ],
      2,
    );
    expect(picked.map((x) => x.id)).toEqual(['never', 'old']);
  });
  it('rule 5: posts without comments are not re-read, and ties keep the feed’s order', () => {
    const picked = pickRescans(
      [
        { post: p('empty', 0), stored: stored({ fullScanAt: null }) },
        { post: p('first'), stored: stored({ fullScanAt: at(10) }) },
        { post: p('second'), stored: stored({ fullScanAt: at(10) }) },
      ],
      5,
    );
    expect(picked.map((x) => x.id)).toEqual(['first', 'second']);
  });
  it('rule 5: no more than the number asked for', () => {
    expect(pickRescans([{ post: p('a'), stored: stored() }], 0)).toEqual([]);
  });
});

describe('idle cost: edit re-reads on their own schedule (sync.editCheckMinutes)', () => {
  const MIN = 60_000;
  const now = Date.parse('2026-01-03T12:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const graph = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, '+0000');
  /** A post created `ageH` hours ago, last scanned in full `scannedMin` minutes ago. */
  const entry = (id: string, ageH: number, scannedMin: number | null) => ({
    post: post({ id, createdTime: graph(now - ageH * 3_600_000), commentCount: 3 }),
    stored: stored({ id, fullScanAt: scannedMin === null ? null : iso(now - scannedMin * MIN) }),
  });
  const schedule = { nowMs: now, editCheckMs: 30 * MIN };

  it('a post younger than a day is due every editCheckMinutes, an older one four times less often', () => {
    const picked = pickRescans([entry('young-due', 2, 31), entry('young-fresh', 2, 20), entry('old-fresh', 48, 100), entry('old-due', 48, 121)], 10, schedule);
    expect(picked.map((p) => p.id)).toEqual(['young-due', 'old-due']);
  });
  it('the most overdue (share of its interval) goes first, one never scanned before all; no more than the cap', () => {
    const picked = pickRescans([entry('young-1.1', 2, 33), entry('never', 48, null), entry('old-2', 48, 240), entry('young-1.5', 2, 45)], 3, schedule);
    expect(picked.map((p) => p.id)).toEqual(['never', 'old-2', 'young-1.5']);
    expect(pickRescans([entry('a', 2, 60)], 0, schedule)).toEqual([]);
  });
  it('editCheckMinutes 0: every post is due, the one scanned longest ago first', () => {
    const picked = pickRescans([entry('recent', 48, 1), entry('older', 2, 5)], 1, { nowMs: now, editCheckMs: 0 });
    expect(picked.map((p) => p.id)).toEqual(['older']);
  });
  it('above 50 % of Facebook’s reported usage the optional reads are skipped', () => {
    expect(optionalReadsAllowed(undefined)).toBe(true);
    expect(optionalReadsAllowed(49)).toBe(true);
    expect(optionalReadsAllowed(50)).toBe(false);
    expect(optionalReadsAllowed(95)).toBe(false);
  });
});

describe('busy cost: a post changed only by fbsync’s own replies is not read again', () => {
  const own = { count: 3, at: '2026-01-01T10:10:00.000Z' };
  it('the count moved by exactly fbsync’s replies, the text did not, updated_time not past them: not read', () => {
    expect(onlyOwnReplies(post({ commentCount: 3, updatedTime: at(10) }), stored(), own)).toBe(true);
  });
  it('a person’s comment besides (count further), an edit of the post, a later updated_time: read', () => {
    expect(onlyOwnReplies(post({ commentCount: 4, updatedTime: at(10) }), stored(), own)).toBe(false);
    expect(onlyOwnReplies(post({ commentCount: 3, updatedTime: at(10), message: 'Edited post' }), stored(), own)).toBe(false);
    expect(onlyOwnReplies(post({ commentCount: 3, updatedTime: at(20) }), stored(), own)).toBe(false);
  });
  it('no reply noted, or a post an earlier pass did not finish: read as usual', () => {
    expect(onlyOwnReplies(post({ commentCount: 3, updatedTime: at(10) }), stored(), undefined)).toBe(false);
    expect(onlyOwnReplies(post({ commentCount: 3, updatedTime: at(10) }), stored({ syncedAt: null }), own)).toBe(false);
  });
});

describe('idle cost: the rotation over the older pages of posts (sync.fullCheckMinutes)', () => {
  const MIN = 60_000;
  const t0 = Date.parse('2026-01-03T12:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const rotation = (extra: Partial<Rotation> = {}): Rotation => ({ until: null, sweepAt: iso(t0), firstReadAt: null, pagesDone: 0, pagesPerSweep: 4, lastCycleAt: iso(t0 - MIN), ...extra });

  it('without a rotation (a new store), or with fullCheckMinutes 0, the whole window is listed', () => {
    expect(planListing(undefined, t0, 10 * MIN)).toEqual({ kind: 'window' });
    expect(planListing(rotation(), t0, 0)).toEqual({ kind: 'window' });
  });
  it('the pages of a sweep are spread over fullCheckMinutes less one interval between cycles', () => {
    // span 9 minutes, 4 pages: due at 0, 2.25, 4.5, 6.75 minutes.
    expect(planListing(rotation({ sweepAt: iso(t0 + MIN) }), t0, 10 * MIN)).toEqual({ kind: 'rotation', olderPages: 0 });
    expect(planListing(rotation(), t0, 10 * MIN)).toEqual({ kind: 'rotation', olderPages: 1 });
    expect(planListing(rotation({ pagesDone: 1, lastCycleAt: iso(t0 + 1 * MIN) }), t0 + 2 * MIN, 10 * MIN)).toEqual({ kind: 'rotation', olderPages: 0 });
    expect(planListing(rotation({ pagesDone: 1, lastCycleAt: iso(t0 + 2 * MIN) }), t0 + 3 * MIN, 10 * MIN)).toEqual({ kind: 'rotation', olderPages: 1 });
  });
  it('a sweep that ran late (cycles far apart, or skipped under load) lists all its remaining pages at once', () => {
    expect(planListing(rotation({ pagesDone: 1 }), t0 + 9 * MIN, 10 * MIN)).toEqual({ kind: 'rotation', olderPages: Number.POSITIVE_INFINITY });
    // A cycle every 15 minutes with fullCheckMinutes 10: every cycle lists everything.
    expect(planListing(rotation({ lastCycleAt: iso(t0 - 15 * MIN) }), t0, 10 * MIN).kind === 'rotation' && planListing(rotation({ lastCycleAt: iso(t0 - 15 * MIN) }), t0, 10 * MIN)).toEqual({ kind: 'rotation', olderPages: Number.POSITIVE_INFINITY });
  });
  it('the rotation moves to the created time of the last post read; a page within one second steps past it', () => {
    const plan = { kind: 'rotation', olderPages: 1 } as const;
    const moved = rotationAfter(rotation(), plan, { olderPages: 1, ended: false, lastCreated: '2025-12-30T08:00:00+0000' }, t0, 10 * MIN);
    expect(moved).toMatchObject({ until: '2025-12-30T08:00:00+0000', pagesDone: 1, firstReadAt: iso(t0), lastCycleAt: iso(t0) });
    const stuck = rotationAfter(moved, plan, { olderPages: 1, ended: false, lastCreated: '2025-12-30T08:00:00+0000' }, t0 + MIN, 10 * MIN);
    expect(stuck.until).toBe('2025-12-30T07:59:59+0000');
  });
  it('a finished sweep starts the next one a span after its first page was read, and remembers how many pages it had', () => {
    const plan = { kind: 'rotation', olderPages: 2 } as const;
    const done = rotationAfter(rotation({ pagesDone: 3, firstReadAt: iso(t0), lastCycleAt: iso(t0 + 6 * MIN) }), plan, { olderPages: 1, ended: true }, t0 + 7 * MIN, 10 * MIN);
    expect(done).toMatchObject({ until: null, pagesDone: 0, pagesPerSweep: 4, firstReadAt: null, sweepAt: iso(t0 + 9 * MIN) });
    const window = rotationAfter(undefined, { kind: 'window' }, { olderPages: 3, ended: true }, t0, 10 * MIN);
    // Every page was read at t0; the first cycle knows no interval yet (half of fullCheckMinutes):
    // the next sweep's last page is due 5 minutes from now, its first a third of that.
    expect(window).toMatchObject({ until: null, pagesPerSweep: 3, sweepAt: iso(t0 + (5 * MIN) / 3) });
  });

  it('every older page is listed again within fullCheckMinutes, whatever the number of pages and the interval between cycles', () => {
    const fullCheck = 10 * MIN;
    for (const pages of [1, 2, 4, 7]) {
      for (const every of [0.5, 1, 3, 7, 12]) {
        let state: Rotation | undefined;
        const lastRead = new Map<number, number>();
        let worst = 0;
        let read = 0;
        let cycles = 0;
        for (let now = t0; now < t0 + 180 * MIN; now += every * MIN, cycles++) {
          const plan = planListing(state, now, fullCheck);
          const start = state?.pagesDone ?? 0;
          const want = plan.kind === 'window' ? pages : Math.min(plan.olderPages, pages - start);
          for (let k = start; k < start + want; k++) {
            const before = lastRead.get(k);
            if (before !== undefined) worst = Math.max(worst, now - before);
            lastRead.set(k, now);
          }
          read += want;
          const ended = plan.kind === 'window' || start + want >= pages;
          state = rotationAfter(state, plan, { olderPages: want, ended, lastCreated: want > 0 ? '2025-12-30T08:00:00+0000' : undefined }, now, fullCheck);
        }
        expect(worst, `${pages} pages, a cycle every ${every} min`).toBeLessThanOrEqual(Math.max(fullCheck, every * MIN));
        // …and not much more often than that needs.
        if (every < 10) expect(read / cycles, `${pages} pages, a cycle every ${every} min`).toBeLessThanOrEqual((pages * every) / (10 - every) + 0.1);
      }
    }
  });
});

describe('rule 3: a read is full or incremental', () => {
  const none = new Set<string>();
  it('rule 3: a known, finished post with a new comment is read incrementally', () => {
    expect(planRead(post({ commentCount: 3 }), stored(), [], none, false).full).toBe(false);
  });
  it('rule 3: a new post, an unfinished one, a rescan and a post that lost comments are read in full', () => {
    expect(planRead(post(), undefined, [], none, false).full).toBe(true);
    expect(planRead(post(), stored({ syncedAt: null }), [], none, false).full).toBe(true);
    expect(planRead(post(), stored(), [], none, true).full).toBe(true);
    expect(planRead(post({ commentCount: 1 }), stored(), [], none, false).full).toBe(true);
  });
  it('rule 4: a post with a Page answer waiting for its task is read in full, fbsync’s own skipped reply does not count', () => {
    const answer = comment('a', 3, { from: { id: PAGE, name: 'The Page' } });
    const read = planRead(post(), stored(), [waitingRow(answer)], none, false);
    expect(read).toEqual({ full: true, waiting: new Set(['a']) });
    expect(planRead(post(), stored(), [waitingRow(answer)], new Set(['a']), false)).toEqual({ full: false, waiting: new Set() });
  });
});

describe('rule 3: newest-first paging stops early only when it is safe', () => {
  const incremental = { full: false, waiting: new Set<string>() };
  const page = [comment('c3', 3), comment('c2', 2), comment('c1', 1)];
  it('rule 3: once a whole newest-first page is known, older pages are not read', () => {
    expect(mayStopPaging(incremental, page, new Set(['c1', 'c2', 'c3']))).toBe(true);
  });
  it('rule 3: a page holding a new comment is followed by the next', () => {
    expect(mayStopPaging(incremental, page, new Set(['c1', 'c2']))).toBe(false);
  });
  it('rule 3: a page not sorted newest first, or with one time only, does not stop the read (Graph may ignore `order`)', () => {
    const known = new Set(['c1', 'c2', 'c3']);
    expect(mayStopPaging(incremental, [...page].reverse(), known)).toBe(false);
    expect(mayStopPaging(incremental, [comment('c1', 1)], known)).toBe(false);
    expect(mayStopPaging(incremental, [comment('c1', 1), comment('c2', 1)], known)).toBe(false);
  });
  it('rule 5: a full read reads every page', () => {
    expect(mayStopPaging({ full: true, waiting: new Set() }, page, new Set(['c1', 'c2', 'c3']))).toBe(false);
  });
});

describe('rules 3 and 4: which comments are new, and what each is', () => {
  it('rule 3: new comments are imported in creation order, thread replies after their parent', () => {
    const top = comment('t', 1);
    const reply = comment('r', 2, { parentId: 't' });
    const later = comment('l', 3);
    const result = plan({ stored: undefined, comments: [later, reply, top] });
    expect(result.steps.map((s) => [s.kind, s.comment.id])).toEqual([
      ['person', 't'],
      ['person', 'r'],
      ['person', 'l'],
    ]);
    expect(result.fresh).toBe(3);
  });
  it('rule 3: comments of the same second go in id order', () => {
    expect(plan({ stored: undefined, comments: [comment('b', 1), comment('a', 1)] }).steps.map((s) => s.comment.id)).toEqual(['a', 'b']);
  });
  it('rule 3: a comment already in the store is not imported again', () => {
    const known = comment('k', 1);
    const result = plan({ rows: [row(known)], comments: [known, comment('n', 2)] });
    expect(result.steps.map((s) => s.comment.id)).toEqual(['n']);
    expect(result.fresh).toBe(1);
  });
  it('rule 1/3: a comment whose author Facebook withholds is a person’s comment (filed under the hidden-author card)', () => {
    expect(classifyNew(comment('x', 1, { from: undefined }), PAGE, new Set())).toBe('person');
  });
  it('rule 4: the Page’s own reply is an echo, skipped; an admin’s answer is the Page’s answer', () => {
    const ours = comment('ours', 2, { from: { id: PAGE, name: 'The Page' }, parentId: 't' });
    const admin = comment('admin', 3, { from: { id: PAGE, name: 'The Page' } });
    const result = plan({ comments: [admin, ours], ourReplies: new Set(['ours']) });
    expect(result.steps.map((s) => [s.kind, s.comment.id])).toEqual([
      ['echo', 'ours'],
      ['pageAnswer', 'admin'],
    ]);
  });
  it('rule 4: a waiting Page answer takes its place in creation order again, and is not counted new', () => {
    const answer = comment('a', 2, { from: { id: PAGE, name: 'The Page' } });
    const rows = [waitingRow(answer)];
    const result = plan({ rows, comments: [comment('c', 3), answer, comment('b', 1)] });
    expect(result.steps.map((s) => [s.kind, s.comment.id])).toEqual([
      ['person', 'b'],
      ['waitingAnswer', 'a'],
      ['person', 'c'],
    ]);
    expect(result.fresh).toBe(2);
    expect(result.waitingGone).toEqual([]);
  });
  it('rule 4: a waiting Page answer deleted on Facebook waits no more', () => {
    const answer = comment('a', 2, { from: { id: PAGE, name: 'The Page' } });
    const result = plan({ rows: [waitingRow(answer)], comments: [comment('c', 3)] });
    expect(result.waitingGone).toEqual(['a']);
    expect(result.steps.map((s) => s.comment.id)).toEqual(['c']);
  });
});

describe('rule 5: edits, deletions, hides and the post’s text', () => {
  const c = comment('c', 1);
  const full = { full: true, waiting: new Set<string>() };
  it('rule 5: a comment whose text changed is marked edited, with the new text’s hash', () => {
    const edited = { ...c, message: 'new text' };
    expect(planKnownChanges([row(c)], [edited])).toEqual([{ kind: 'markEdited', row: row(c), now: edited, hash: commentHash(edited) }]);
  });
  it('rule 5: a changed attachment is an edit too; the same text is not', () => {
    expect(planKnownChanges([row(c)], [{ ...c, attachment: { type: 'photo', url: 'https://x/y.jpg' } }]).map((x) => x.kind)).toEqual(['markEdited']);
    expect(planKnownChanges([row(c)], [c])).toEqual([]);
  });
  it('rule 5: a comment gone from Facebook is marked deleted, once', () => {
    expect(planKnownChanges([row(c)], [])).toEqual([{ kind: 'markDeleted', row: row(c) }]);
    expect(planKnownChanges([row(c, { state: 'deleted' })], [])).toEqual([]);
  });
  it('rule 5: a hidden comment is marked hidden, an unhidden one unhidden', () => {
    expect(planKnownChanges([row(c)], [{ ...c, isHidden: true }]).map((x) => x.kind)).toEqual(['markHidden']);
    expect(planKnownChanges([row(c, { isHidden: true, state: 'hidden' })], [c]).map((x) => x.kind)).toEqual(['markUnhidden']);
  });
  it('rule 5: a comment edited and hidden is first marked edited, then hidden; comments go in the rows’ order', () => {
    const d = comment('d', 2);
    const changes = planKnownChanges([row(c), row(d)], [{ ...c, message: 'x', isHidden: true }]);
    expect(changes.map((x) => [x.kind, x.row.id])).toEqual([
      ['markEdited', 'c'],
      ['markHidden', 'c'],
      ['markDeleted', 'd'],
    ]);
  });
  it('rule 4/5: the Page’s skipped comments and comments never put in Planfix are not compared', () => {
    const skippedRow = row(c, { state: 'skipped', taskId: null, planfixCommentId: null, byPage: true });
    expect(planKnownChanges([skippedRow], [])).toEqual([]);
    expect(planKnownChanges([row(c, { planfixCommentId: null })], [])).toEqual([]);
  });
  it('rule 5: only a full read of a known post compares known comments', () => {
    const edited = { ...c, message: 'new' };
    expect(plan({ rows: [row(c)], comments: [edited], read: { full: false, waiting: new Set() } }).changes).toEqual([]);
    expect(plan({ rows: [row(c)], comments: [edited], read: full }).changes.map((x) => x.kind)).toEqual(['markEdited']);
    expect(plan({ stored: undefined, rows: [row(c)], comments: [edited], read: full }).changes).toEqual([]);
  });
  it('rule 5: a post whose text changed updates its task’s description; a new post does not', () => {
    expect(plan({ post: post({ message: 'Edited post' }), comments: [] }).updateDescription).toBe(true);
    expect(plan({ comments: [] }).updateDescription).toBe(false);
    expect(plan({ post: post({ message: 'Edited post' }), stored: undefined, comments: [] }).updateDescription).toBe(false);
  });
});

describe('rule 3: the post is marked synced once its read is carried out', () => {
  it('rule 3/5: synced now; the full-scan time moves only on a full read', () => {
    const p = post({ commentCount: undefined });
    expect(postRowAfterRead(p, stored({ fullScanAt: at(1) }), false, at(20))).toMatchObject({ syncedAt: at(20), fullScanAt: at(1), commentCount: null });
    expect(postRowAfterRead(p, stored({ fullScanAt: at(1) }), true, at(20))).toMatchObject({ syncedAt: at(20), fullScanAt: at(20) });
    expect(postRowAfterRead(p, undefined, false, at(20)).fullScanAt).toBeNull();
  });
});

describe('sync.lookbackDays: which posts `run` watches', () => {
  it('sync.lookbackDays: posts created within the last lookbackDays are watched, older ones are not', () => {
    const now = new Date('2026-03-15T12:00:00.000Z');
    expect(lookbackSince(now, 14).toISOString()).toBe('2026-03-01T12:00:00.000Z');
    expect(lookbackSince(now, 1).toISOString()).toBe('2026-03-14T12:00:00.000Z');
  });
});

describe('rule 3: replies inside a thread are marked as replies to the comment they answer', () => {
  const top = comment('c1', 1, { from: { id: 'u-ann', name: 'Ann' }, message: 'Is it open on Sunday?' });
  const reply = comment('c2', 2, { parentId: 'c1' });
  it('rule 3: a thread reply names the comment it answers: its author and text', () => {
    expect(threadReplyTo(reply, top, row(top))).toEqual({ authorName: 'Ann', text: 'Is it open on Sunday?' });
  });
  it('rule 3: the answered comment not in the read: its author from the store; neither: the hidden author', () => {
    expect(threadReplyTo(reply, undefined, row(top))).toEqual({ authorName: 'Ann', text: '' });
    expect(threadReplyTo(reply, undefined, undefined)).toEqual({ authorName: 'Facebook user (hidden)', text: '' });
  });
  it('rule 3: a top-level comment is no reply', () => {
    expect(threadReplyTo(top, undefined, undefined)).toBeUndefined();
  });
});
