import type { NewComment, NewTask, PfTask } from '../planfix/types.js';
import { ForwardingPlanfix } from './forwarding-planfix.js';

/**
 * Planfix as the cycle's inbound half uses it, noting which tasks fbsync itself wrote to and when
 * it first did: the reply half need not read those back in the same cycle (replies.ts, deferral).
 */
export class WriteNotingPlanfix extends ForwardingPlanfix {
  /** Task id → when fbsync first wrote to it in this cycle (ms). */
  readonly written = new Map<number, number>();

  private note(taskId: number): void {
    if (!this.written.has(taskId)) this.written.set(taskId, Date.now());
  }

  /** Notes the task once the write was sent, whatever came back: a write that failed may still have landed. */
  private async writing<T>(taskId: number | undefined, write: Promise<T>, idOf?: (value: T) => number): Promise<T> {
    const started = Date.now();
    try {
      const value = await write;
      const id = taskId ?? idOf?.(value);
      if (id !== undefined && !this.written.has(id)) this.written.set(id, started);
      return value;
    } catch (error) {
      if (taskId !== undefined) this.note(taskId);
      throw error;
    }
  }

  override createTask(task: NewTask): Promise<PfTask> {
    return this.writing(undefined, this.real.createTask(task), (made) => made.id);
  }

  override updateTaskDescription(taskId: number, description: string): Promise<void> {
    return this.writing(taskId, this.real.updateTaskDescription(taskId, description));
  }

  override addComment(taskId: number, comment: NewComment): Promise<{ id: number }> {
    return this.writing(taskId, this.real.addComment(taskId, comment));
  }

  override updateComment(taskId: number, commentId: number, description: string): Promise<void> {
    return this.writing(taskId, this.real.updateComment(taskId, commentId, description));
  }

}
