import type { FbPost } from '../facebook/types.js';
import type { SyncContext } from './context.js';
import { taskDescription, taskTitle } from './format.js';

/**
 * Rule 2: one active task per post. The post's latest task is asked once per run whether it is
 * still active; completed, cancelled or deleted means the next comment opens a new one.
 */
export class TaskResolver {
  private readonly current = new Map<string, Promise<number>>();

  constructor(private readonly ctx: SyncContext) {}

  /** The post's active task, creating one when there is none. */
  resolve(post: FbPost, counterpartyContactId?: number): Promise<number> {
    let pending = this.current.get(post.id);
    if (!pending) {
      pending = this.ensure(post, counterpartyContactId);
      this.current.set(post.id, pending);
      pending.catch(() => this.current.delete(post.id));
    }
    return pending;
  }

  /** The post's task if it is known and still active; never creates one (the Page's own comments). */
  async activeTask(post: FbPost): Promise<number | undefined> {
    const pending = this.current.get(post.id);
    if (pending) return pending;
    const latest = this.ctx.store.latestTask(post.id);
    if (!latest || latest.closedAt) return undefined;
    if (!(await this.stillActive(post.id, latest.seq, latest.taskId))) return undefined;
    if (!this.current.has(post.id)) this.current.set(post.id, Promise.resolve(latest.taskId));
    return latest.taskId;
  }

  /** The task refused a comment (deleted, closed for comments): forget it so the next resolve opens a new one. */
  retire(postId: string, taskId: number): void {
    const latest = this.ctx.store.latestTask(postId);
    if (latest && latest.taskId === taskId) this.ctx.store.closePostTask(postId, latest.seq);
    this.current.delete(postId);
  }

  private async ensure(post: FbPost, counterpartyContactId?: number): Promise<number> {
    const { store } = this.ctx;
    const latest = store.latestTask(post.id);
    if (latest && !latest.closedAt && (await this.stillActive(post.id, latest.seq, latest.taskId))) return latest.taskId;
    return this.open(post, (latest?.seq ?? 0) + 1, counterpartyContactId);
  }

  private async stillActive(postId: string, seq: number, taskId: number): Promise<boolean> {
    const task = await this.ctx.pf.getTask(taskId);
    if (task && task.isActive && !task.isDeleted) return true;
    this.ctx.store.closePostTask(postId, seq);
    return false;
  }

  private async open(post: FbPost, seq: number, counterpartyContactId?: number): Promise<number> {
    const { store, pf, executor, report } = this.ctx;
    const earlier = new Set(store.tasksOfPost(post.id).map((t) => t.taskId));
    const findActive = async () => {
      const tasks = await pf.findTasksByPostId(post.id);
      return tasks.filter((t) => t.isActive && !t.isDeleted && !earlier.has(t.id)).sort((a, b) => a.id - b.id)[0];
    };
    const result = await executor.perform({
      key: `task:${post.id}:${seq}`,
      kind: 'task',
      check: async () => {
        const found = await findActive();
        return found ? { id: found.id, created: false } : undefined;
      },
      write: async (checked) => {
        // A post met for the first time may already have a task: an earlier install, or a lost store.
        if (earlier.size === 0 && !checked) {
          const found = await findActive();
          if (found) return { id: found.id, created: false };
        }
        const task = await pf.createTask({ name: taskTitle(post), description: taskDescription(post), postId: post.id, counterpartyContactId });
        return { id: task.id, created: true };
      },
      remoteId: (r) => String(r.id),
      commit: (r) => {
        store.addPostTask(post.id, seq, r.id, r.created);
        report.count(r.created ? 'task.created' : 'task.found');
      },
    });
    return result.id;
  }
}
