// The decisions of rule 2 (which task a post's comments go to, what a new task holds) on plain
// data: the post's stored task rows, what Planfix said of them, sync.reopenClosedTasks.
// No I/O here: src/sync/tasks.ts reads (the store, Planfix), calls these, and carries the
// decision out through the executor; src/sync/timeline.ts asks taskRefusal when a comment bounces.

import { taskNoteKey } from './effect-keys.js';
import type { FbPost } from '../facebook/types.js';
import { NotFoundError, RefusedError } from '../http/errors.js';
import type { NewTask, PfTask } from '../planfix/types.js';
import type { PostTaskRow } from '../store/store.js';
import { taskDescription, taskTitle } from './format.js';

/**
 * Planfix code 6: "new comments not allowed" in the task's status. The client has already asked
 * again without owner when the comment had one, so this is never a refusal of the author.
 */
export const COMMENTS_NOT_ALLOWED = 6;

/**
 * Rule 2: whether a task Planfix returned (null: not found) takes its post's comments. With
 * sync.reopenClosedTasks (the default) only while it is active; without it, whatever its status,
 * until it is deleted.
 */
export function takesComments(task: PfTask | null | undefined, reopenClosedTasks: boolean): boolean {
  return !!task && !task.isDeleted && (task.isActive || !reopenClosedTasks);
}

/** What rule 2 decides for a post whose comment needs a task. */
export type TaskChoice =
  /** The latest task takes comments: the comment goes there. */
  | { kind: 'use'; taskId: number }
  /**
   * A new task, numbered `seq` among the post's tasks; `close`: the seq of the latest row, left
   * behind (it no longer takes comments; the old task itself is left as it is).
   */
  | { kind: 'open'; seq: number; close?: number };

/**
 * Rule 2, one active task per post: the latest task while it takes comments, else a new one.
 * `remote`: what Planfix returned for the latest task (asked only when its row is open).
 */
export function chooseTask(latest: PostTaskRow | undefined, remote: PfTask | null | undefined, reopenClosedTasks: boolean): TaskChoice {
  const seq = (latest?.seq ?? 0) + 1;
  if (!latest) return { kind: 'open', seq };
  if (latest.closedAt) return { kind: 'open', seq };
  if (takesComments(remote, reopenClosedTasks)) return { kind: 'use', taskId: latest.taskId };
  return { kind: 'open', seq, close: latest.seq };
}

/** Whether the latest task row must be asked about at all (a closed row never takes comments again). */
export function mustAskLatest(latest: PostTaskRow | undefined): latest is PostTaskRow {
  return latest !== undefined && latest.closedAt === null;
}

/**
 * Rule 2 for a post met without a task of fbsync's: of the tasks Planfix holds for the post, the
 * one its comments go to — among those that take comments and that fbsync did not leave behind
 * already, the first (oldest) active one, or without reopenClosedTasks the last one.
 */
export function pickExistingTask(tasks: readonly PfTask[], earlier: ReadonlySet<number>, reopenClosedTasks: boolean): PfTask | undefined {
  const usable = tasks.filter((t) => takesComments(t, reopenClosedTasks) && !earlier.has(t.id)).sort((a, b) => a.id - b.id);
  return reopenClosedTasks ? usable[0] : usable[usable.length - 1];
}

/**
 * A post met for the first time (no task row yet) may already have a task — an earlier install,
 * a lost store — and it is looked for before the intent is recorded. Not when an attempt to create
 * one is under way (`sending`): then the executor's check looks for it.
 */
export function looksForExistingFirst(earlierTasks: number, journalState: string | undefined): boolean {
  return earlierTasks === 0 && journalState !== 'sending';
}

/** Rule 2: the task opened for a post — title from its first words, description its text and a link. */
export function newTask(post: FbPost, counterpartyContactId?: number): NewTask {
  return { name: taskTitle(post), description: taskDescription(post), postId: post.id, counterpartyContactId };
}

/**
 * Rule 2: what a failed comment write says about its task. Deleted (not found), or its status
 * takes no comments (code 6, whatever sync.reopenClosedTasks says): the task is retired and the
 * post's next comment opens a new one; `refused` marks the second case (the old task gets a note
 * naming the new one). Undefined: the error is not about the task.
 */
export function taskRefusal(error: unknown): { refused: boolean } | undefined {
  if (error instanceof RefusedError && error.apiCode === COMMENTS_NOT_ALLOWED) return { refused: true };
  if (error instanceof NotFoundError) return { refused: false };
  return undefined;
}

/**
 * Rule 2 cannot hold when a task fbsync opened refuses even its first comment (code 6): its status,
 * the template's first unless someone moved it, takes no comments, and every new task would refuse
 * too. The run stops with the fix instead of opening task after task. `fresh`: fbsync made the task
 * and no comment is in it yet.
 */
export function newTaskRefuses(refusal: { refused: boolean } | undefined, fresh: boolean): boolean {
  return refusal?.refused === true && fresh;
}

/**
 * "New comments on this post now go to task #N" goes into the task that refused them, once:
 * the journal key of that note when one is due (`movedFrom` the task that refused, `to` the
 * post's task now), undefined when there is none to write.
 */
export function moveNoteKey(movedFrom: number, to: number): string | undefined {
  if (!movedFrom || movedFrom === to) return undefined;
  return taskNoteKey(movedFrom, to);
}
