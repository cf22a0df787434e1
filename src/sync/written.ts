import type { ThrottledError } from '../http/errors.js';
import type { NewComment, NewContact, NewTask, PfComment, PfContact, PfTask, PlanfixAccount } from '../planfix/types.js';

/**
 * Planfix as the cycle's inbound half uses it, noting which tasks fbsync itself wrote to and when
 * it first did: the reply half need not read those back in the same cycle (replies.ts, deferral).
 */
export class WriteNotingPlanfix implements PlanfixAccount {
  /** Task id → when fbsync first wrote to it in this cycle (ms). */
  readonly written = new Map<number, number>();

  constructor(private readonly real: PlanfixAccount) {}

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

  get requestCount(): number {
    return this.real.requestCount;
  }

  get remainingToday(): number | undefined {
    return this.real.remainingToday;
  }

  get throttledBy(): ThrottledError | undefined {
    return this.real.throttledBy;
  }

  findContactByFacebookId(facebookId: string): Promise<PfContact | null> {
    return this.real.findContactByFacebookId(facebookId);
  }

  createContact(contact: NewContact): Promise<PfContact> {
    return this.real.createContact(contact);
  }

  renameContact(contactId: number, name: string, lastname?: string): Promise<void> {
    return this.real.renameContact(contactId, name, lastname);
  }

  findTasksByPostId(postId: string): Promise<PfTask[]> {
    return this.real.findTasksByPostId(postId);
  }

  getTask(taskId: number): Promise<PfTask | null> {
    return this.real.getTask(taskId);
  }

  createTask(task: NewTask): Promise<PfTask> {
    return this.writing(undefined, this.real.createTask(task), (made) => made.id);
  }

  updateTaskDescription(taskId: number, description: string): Promise<void> {
    return this.writing(taskId, this.real.updateTaskDescription(taskId, description));
  }

  addComment(taskId: number, comment: NewComment): Promise<{ id: number }> {
    return this.writing(taskId, this.real.addComment(taskId, comment));
  }

  updateComment(taskId: number, commentId: number, description: string): Promise<void> {
    return this.writing(taskId, this.real.updateComment(taskId, commentId, description));
  }

  listComments(taskId: number): Promise<PfComment[]> {
    return this.real.listComments(taskId);
  }

  listTasksChangedSince(since: Date, utcOffsetMinutes?: number, templateIds?: readonly number[]): Promise<number[]> {
    return this.real.listTasksChangedSince(since, utcOffsetMinutes, templateIds);
  }

  ping(): Promise<void> {
    return this.real.ping();
  }
}
