import { describe, expect, it } from 'vitest';
import type { FbComment, FbPost } from '../../src/facebook/types.js';
import type { CommentRow, PostRow } from '../../src/store/store.js';
import { commentHash, postHash } from '../../src/sync/format.js';
import {
  classifyNew,
  mayStopPaging,
  needsSync,
  pickRescans,
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
