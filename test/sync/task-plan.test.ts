import { describe, expect, it } from 'vitest';
import { taskKey } from '../../src/sync/effect-keys.js';
import type { FbPost } from '../../src/facebook/types.js';
import { NotFoundError, RefusedError, TransientError } from '../../src/http/errors.js';
import type { PfTask } from '../../src/planfix/types.js';
import type { PostTaskRow } from '../../src/store/store.js';
import {
  chooseTask,
  looksForExistingFirst,
  moveNoteKey,
  mustAskLatest,
  newTask,
  newTaskRefuses,
  pickExistingTask,
  takesComments,
  taskRefusal,
} from '../../src/sync/task-plan.js';

// Rule 2 of behaviour.md (the task a post's comments go to, what a new task holds) on plain data:
// the post's task rows, what Planfix returned, sync.reopenClosedTasks. No process, no HTTP, no store.

const task = (id: number, extra: Partial<PfTask> = {}): PfTask => ({ id, name: `task ${id}`, isActive: true, isDeleted: false, ...extra });
const active = task(7);
const completed = task(7, { isActive: false });
const deleted = task(7, { isActive: false, isDeleted: true });
const row = (extra: Partial<PostTaskRow> = {}): PostTaskRow => ({ postId: 'p', seq: 1, taskId: 7, createdAt: '2026-01-01T10:00:00.000Z', closedAt: null, ...extra });
const post = (extra: Partial<FbPost> = {}): FbPost => ({
  id: '104_555',
  message: 'Our new shop opens on Monday at nine, with coffee for everyone who comes by before noon and a raffle',
  createdTime: '2026-01-05T08:30:00+0000',
  updatedTime: '2026-01-05T08:30:00+0000',
  permalinkUrl: 'https://www.facebook.com/104/posts/555',
  ...extra,
});

describe('rule 2: one active task per post', () => {
  it('rule 2: a post without a task opens its first task', () => {
    expect(chooseTask(undefined, undefined, true)).toEqual({ kind: 'open', seq: 1 });
  });
  it('rule 2: a comment goes into the post’s task while it is active; no second task is created', () => {
    expect(chooseTask(row(), active, true)).toEqual({ kind: 'use', taskId: 7 });
  });
  it('rule 2: a completed or cancelled task makes the next comment open a new task, the old row left behind', () => {
    expect(chooseTask(row({ seq: 3 }), completed, true)).toEqual({ kind: 'open', seq: 4, close: 3 });
  });
  it('rule 2: a task deleted in Planfix (or not found) makes the next comment open a new task', () => {
    expect(chooseTask(row(), deleted, true)).toEqual({ kind: 'open', seq: 2, close: 1 });
    expect(chooseTask(row(), null, true)).toEqual({ kind: 'open', seq: 2, close: 1 });
  });
  it('rule 2: a task left behind earlier is not asked again and never takes comments again', () => {
    const left = row({ closedAt: '2026-01-02T00:00:00.000Z' });
    expect(mustAskLatest(left)).toBe(false);
    expect(mustAskLatest(row())).toBe(true);
    expect(mustAskLatest(undefined)).toBe(false);
    expect(chooseTask(left, active, true)).toEqual({ kind: 'open', seq: 2 });
  });
});

describe('rule 2: sync.reopenClosedTasks false — every comment goes to the post’s last task whatever its status', () => {
  it('rule 2 (reopenClosedTasks false): a completed or cancelled task still takes the post’s comments', () => {
    expect(takesComments(completed, false)).toBe(true);
    expect(chooseTask(row(), completed, false)).toEqual({ kind: 'use', taskId: 7 });
  });
  it('rule 2 (reopenClosedTasks false): a deleted task does not; the next comment opens a new one', () => {
    expect(takesComments(deleted, false)).toBe(false);
    expect(takesComments(null, false)).toBe(false);
    expect(chooseTask(row(), deleted, false)).toEqual({ kind: 'open', seq: 2, close: 1 });
  });
  it('rule 2 (default): only an active task takes comments', () => {
    expect(takesComments(active, true)).toBe(true);
    expect(takesComments(completed, true)).toBe(false);
    expect(takesComments(deleted, true)).toBe(false);
  });
});

describe('rule 2: a post met without a task of fbsync’s may already have one in Planfix', () => {
  it('rule 2: the first active task of the post is taken, closed ones are not', () => {
    const found = pickExistingTask([task(30), task(10, { isActive: false }), task(20)], new Set(), true);
    expect(found?.id).toBe(20);
  });
  it('rule 2 (reopenClosedTasks false): the post’s last task whatever its status, not a deleted one', () => {
    const found = pickExistingTask([task(10), task(30, { isDeleted: true, isActive: false }), task(20, { isActive: false })], new Set(), false);
    expect(found?.id).toBe(20);
  });
  it('rule 2: a task fbsync already left behind is not taken again', () => {
    expect(pickExistingTask([task(10), task(20)], new Set([10]), true)?.id).toBe(20);
    expect(pickExistingTask([task(10)], new Set([10]), true)).toBeUndefined();
  });
  it('rule 2: it is looked for first only for a post with no task row, and not while a creation is under way (the executor’s check looks then)', () => {
    expect(looksForExistingFirst(0, undefined)).toBe(true);
    expect(looksForExistingFirst(0, 'failed')).toBe(true);
    expect(looksForExistingFirst(0, 'sending')).toBe(false);
    expect(looksForExistingFirst(1, undefined)).toBe(false);
  });
  it('nothing twice: each task of a post has its own stable journal key', () => {
    expect(taskKey('104_555', 2)).toBe('task:104_555:2');
  });
});

describe('rule 2: what a new task holds', () => {
  it('rule 2: the title refers to the post by its first words', () => {
    const { name } = newTask(post());
    expect(name.startsWith('Facebook: «Our new shop opens on Monday')).toBe(true);
    expect(name.endsWith('…»')).toBe(true);
    expect(name).not.toContain('raffle');
  });
  it('rule 2: a post without text is named by its story, or by its date', () => {
    expect(newTask(post({ message: '', story: 'Shop added a photo.' })).name).toBe('Facebook: «Shop added a photo.»');
    expect(newTask(post({ message: '' })).name).toBe('Facebook: post of 2026-01-05');
  });
  it('rule 2: the description is the post’s text with a link to the post', () => {
    const { description, postId } = newTask(post({ message: 'Line one\nLine <two>' }));
    expect(description).toContain('Line one<br>Line &lt;two&gt;');
    expect(description).toContain('<a href="https://www.facebook.com/104/posts/555">Open the post on Facebook</a>');
    expect(postId).toBe('104_555');
  });
  it('rule 2: the task names the commenter’s contact as its counterparty', () => {
    expect(newTask(post(), 42).counterpartyContactId).toBe(42);
  });
});

describe('rule 2: a task that refuses a comment', () => {
  it('rule 2: a status refusing comments (Planfix code 6) retires the task, and the comment goes to a new one', () => {
    expect(taskRefusal(new RefusedError('planfix', 'comments not allowed', 6))).toEqual({ refused: true });
  });
  it('rule 2: a task deleted under fbsync (not found) is retired too, without a note', () => {
    expect(taskRefusal(new NotFoundError('planfix', 'no such task'))).toEqual({ refused: false });
  });
  it('rule 2: other refusals and failures are not about the task', () => {
    expect(taskRefusal(new RefusedError('planfix', 'bad template', 30))).toBeUndefined();
    expect(taskRefusal(new TransientError('planfix', 'timeout', true))).toBeUndefined();
  });
  it('rule 2 cannot hold: a task fbsync opened that refuses its very first comment (code 6) stops the run instead of opening another', () => {
    const code6 = taskRefusal(new RefusedError('planfix', 'comments not allowed', 6));
    expect(newTaskRefuses(code6, true)).toBe(true);
    expect(newTaskRefuses(code6, false)).toBe(false);
    expect(newTaskRefuses(taskRefusal(new NotFoundError('planfix', 'no such task')), true)).toBe(false);
    expect(newTaskRefuses(undefined, true)).toBe(false);
  });
  it('rule 2: the task that refused gets one note naming the new task; none when it is the same task', () => {
    expect(moveNoteKey(7, 9)).toBe('tasknote:7:9');
    expect(moveNoteKey(7, 7)).toBeUndefined();
    expect(moveNoteKey(0, 9)).toBeUndefined();
  });
});
