import type { ThrottledError } from '../http/errors.js';
import type { NewComment, NewContact, NewTask, PfComment, PfContact, PfTask, PlanfixAccount } from '../planfix/types.js';

/**
 * A Planfix account that passes every call to the real one; a wrapper the engine puts around
 * Planfix (the cycle's write notes, written.ts) extends it and overrides only what it changes.
 */
export class ForwardingPlanfix implements PlanfixAccount {
  constructor(protected readonly real: PlanfixAccount) {}

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
    return this.real.createTask(task);
  }

  updateTaskDescription(taskId: number, description: string): Promise<void> {
    return this.real.updateTaskDescription(taskId, description);
  }

  addComment(taskId: number, comment: NewComment): Promise<{ id: number }> {
    return this.real.addComment(taskId, comment);
  }

  updateComment(taskId: number, commentId: number, description: string): Promise<void> {
    return this.real.updateComment(taskId, commentId, description);
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
