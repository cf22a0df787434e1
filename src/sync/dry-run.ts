import type { NewComment, NewContact, NewTask, PfComment, PfContact, PfTask, PlanfixAccount } from '../planfix/types.js';
import { ForwardingPlanfix } from './forwarding-planfix.js';

export interface PlannedWrite {
  kind: 'contact' | 'task' | 'comment' | 'update';
  text: string;
}

/**
 * Planfix for `backfill --dry-run`: reads go to the real account (so existing contacts and tasks are
 * found as a real run would find them), writes are only recorded and answered with made-up ids.
 */
export class DryRunPlanfix extends ForwardingPlanfix {
  private nextId = -1;
  private readonly madeTasks = new Map<number, PfTask>();

  constructor(real: PlanfixAccount, private readonly onPlan: (write: PlannedWrite) => void = () => undefined) {
    super(real);
  }

  private plan(write: PlannedWrite): number {
    this.onPlan(write);
    return this.nextId--;
  }

  override async createContact(contact: NewContact): Promise<PfContact> {
    const name = [contact.name, contact.lastname].filter(Boolean).join(' ');
    return { id: this.plan({ kind: 'contact', text: `contact ${name} (Facebook ${contact.facebookId})` }), name: contact.name, lastname: contact.lastname };
  }

  override async renameContact(contactId: number, name: string, lastname?: string): Promise<void> {
    this.plan({ kind: 'update', text: `rename contact #${contactId} to ${[name, lastname].filter(Boolean).join(' ')}` });
  }

  override async getTask(taskId: number): Promise<PfTask | null> {
    return this.madeTasks.get(taskId) ?? this.real.getTask(taskId);
  }

  override async createTask(task: NewTask): Promise<PfTask> {
    const made = { id: this.plan({ kind: 'task', text: `task ${task.name}` }), name: task.name, isActive: true, isDeleted: false, postId: task.postId };
    this.madeTasks.set(made.id, made);
    return made;
  }

  override async updateTaskDescription(taskId: number): Promise<void> {
    this.plan({ kind: 'update', text: `update the description of task #${taskId}` });
  }

  override async addComment(taskId: number, comment: NewComment): Promise<{ id: number }> {
    const text = comment.description.replace(/<br>/g, ' ').replace(/<[^>]+>/g, '').slice(0, 100);
    return { id: this.plan({ kind: 'comment', text: `comment in task ${taskId < 0 ? '(new)' : `#${taskId}`}: ${text}` }) };
  }

  override async updateComment(_taskId: number, commentId: number): Promise<void> {
    this.plan({ kind: 'update', text: `update comment #${commentId}` });
  }

  override async listComments(taskId: number): Promise<PfComment[]> {
    return taskId < 0 ? [] : this.real.listComments(taskId);
  }

}
