import type { FbPost } from '../facebook/types.js';
import { NotFoundError, RefusedError } from '../http/errors.js';
import type { SyncContext } from './context.js';
import { movedDescription } from './format.js';
import { META } from '../store/meta-keys.js';
import { chooseTask, looksForExistingFirst, moveNoteKey, mustAskLatest, newTask, pickExistingTask, type TaskChoice } from './task-plan.js';
import { taskKey } from './effect-keys.js';

/**
 * Rule 2: one active task per post. The post's latest task is asked once per run whether it still
 * takes the post's comments: with sync.reopenClosedTasks (the default) only while it is active —
 * completed, cancelled or deleted means the next comment opens a new one; without it, whatever its
 * status, until it is deleted. A task left behind stays left behind (its row is closed).
 * Decisions: task-plan.ts; this class reads, asks it, and writes through the executor.
 */
export class TaskResolver {
  private readonly current = new Map<string, Promise<number>>();

  constructor(private readonly ctx: SyncContext) {}

  /** The post's current task, creating one when there is none. */
  resolve(post: FbPost, counterpartyContactId?: number): Promise<number> {
    let pending = this.current.get(post.id);
    if (!pending) {
      pending = this.ensure(post, counterpartyContactId);
      this.current.set(post.id, pending);
      pending.catch(() => this.current.delete(post.id));
    }
    return pending;
  }

  /** The post's current task if there is one; never creates one (the Page's own comments). */
  async currentTask(post: FbPost): Promise<number | undefined> {
    const pending = this.current.get(post.id);
    if (pending) return pending;
    const choice = await this.choose(post);
    if (choice.kind !== 'use') return undefined;
    if (!this.current.has(post.id)) this.current.set(post.id, Promise.resolve(choice.taskId));
    return choice.taskId;
  }

  /**
   * The task refused a comment — deleted (`refused` false), or closed for comments (Planfix code 6):
   * forget it so the next resolve opens a new one. A task closed for comments gets a note naming
   * the new task once there is one.
   */
  retire(postId: string, taskId: number, refused = false): void {
    const { store } = this.ctx;
    const latest = store.latestTask(postId);
    if (latest && latest.taskId === taskId) store.closePostTask(postId, latest.seq);
    if (refused) store.setMeta(META.taskMovedFrom(postId), String(taskId));
    this.current.delete(postId);
  }

  private async ensure(post: FbPost, counterpartyContactId?: number): Promise<number> {
    const choice = await this.choose(post);
    const taskId = choice.kind === 'use' ? choice.taskId : await this.open(post, choice.seq, counterpartyContactId);
    await this.noteMove(post, taskId);
    return taskId;
  }

  /** Rule 2 for the post's latest task: Planfix is asked while its row is open; a task that takes no comments is left behind (its row closed). */
  private async choose(post: FbPost): Promise<TaskChoice> {
    const { store, pf } = this.ctx;
    const latest = store.latestTask(post.id);
    const remote = mustAskLatest(latest) ? await pf.getTask(latest.taskId) : undefined;
    const choice = chooseTask(latest, remote, this.ctx.reopenClosedTasks);
    if (choice.kind === 'open' && choice.close !== undefined) store.closePostTask(post.id, choice.close);
    return choice;
  }

  /**
   * "New comments on this post now go to task #N", in the description of the task that refused
   * them (it takes no comment). Once: the pending move is kept in the store until it is written.
   */
  private async noteMove(post: FbPost, to: number): Promise<void> {
    const { store, pf, executor, report } = this.ctx;
    const from = Number(store.getMeta(META.taskMovedFrom(post.id)));
    const key = moveNoteKey(from, to);
    if (key === undefined) return;
    if (store.journal.get(key)?.state !== 'done') {
      try {
        await executor.perform({
          key,
          kind: 'task.update',
          // Setting a description twice does no harm: no remote check needed.
          check: async () => undefined,
          write: async () => {
            await pf.updateTaskDescription(from, movedDescription(post, to));
            return from;
          },
          remoteId: (id) => String(id),
          dryRun: { says: () => `say in task #${from} that the post's comments now go to task #${to}`, result: () => from },
          commit: () => report.count('task.moved'),
        });
      } catch (error) {
        // The old task went away, or takes no edit either: nowhere to leave the note.
        if (!(error instanceof NotFoundError || error instanceof RefusedError)) throw error;
      }
    }
    store.deleteMeta(META.taskMovedFrom(post.id));
  }

  private async open(post: FbPost, seq: number, counterpartyContactId?: number): Promise<number> {
    const { store, pf, executor, report } = this.ctx;
    const earlier = new Set(store.tasksOfPost(post.id).map((t) => t.taskId));
    const findExisting = async () => pickExistingTask(await pf.findTasksByPostId(post.id), earlier, this.ctx.reopenClosedTasks);
    const key = taskKey(post.id, seq);
    // Looked for before the intent is recorded, so a task the check finds after a write whose
    // outcome was unknown is surely fbsync's own (and every employee comment in it may be an answer).
    if (looksForExistingFirst(earlier.size, store.journal.get(key)?.state)) {
      const found = await findExisting();
      if (found) {
        store.addPostTask(post.id, seq, found.id, false);
        report.count('task.found');
        return found.id;
      }
    }
    const task = newTask(post, counterpartyContactId);
    return executor.perform({
      key,
      kind: 'task',
      check: async () => (await findExisting())?.id,
      write: async () => (await pf.createTask(task)).id,
      remoteId: (id) => String(id),
      dryRun: { says: () => `create task ${task.name}`, result: (id) => id },
      commit: (id, how) => {
        store.addPostTask(post.id, seq, id, true);
        if (how === 'written') report.count('task.created');
      },
    });
  }
}
