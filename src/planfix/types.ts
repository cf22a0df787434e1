import type { ThrottledError } from '../http/errors.js';

// The Planfix account as the sync engine sees it. REST JSON is parsed into these shapes by the
// client (planfix-client.ts); nothing outside src/planfix knows Planfix field names.

export interface PfContact {
  id: number;
  name: string;
  lastname?: string;
}

export interface PfTask {
  id: number;
  name: string;
  /** false when the status is completed/cancelled (status.isActive), or the task is deleted. */
  isActive: boolean;
  isDeleted: boolean;
  /** The Facebook post id in the configured custom field, when read. */
  postId?: string;
}

export interface PfComment {
  id: number;
  taskId: number;
  /** Plain or HTML text as Planfix stores it. */
  description: string;
  /** `user:5`, `contact:7`. */
  ownerId?: string;
  ownerName?: string;
  /** ISO time. */
  dateTime?: string;
  /** `dd-mm-yyyy hh:mm` as Planfix shows it, in the token employee's time zone. */
  localTime?: string;
  /** Prefixed ids of the people notified: `contact:7`, `user:5`. */
  recipientIds: string[];
  isDeleted: boolean;
  isHidden: boolean;
}

export interface NewContact {
  name: string;
  lastname?: string;
  facebookId: string;
  /** Image to attach to the card (uploaded with /file/from-url/). */
  photoUrl?: string;
}

export interface NewTask {
  name: string;
  /** HTML. */
  description: string;
  postId: string;
  counterpartyContactId?: number;
}

export interface NewComment {
  /** HTML. */
  description: string;
  /** Attribute the comment to this contact where Planfix accepts it. */
  ownerContactId?: number;
}

/** What the sync engine needs from Planfix. */
export interface PlanfixAccount {
  readonly requestCount: number;
  /** Requests left in today's budget (`X-RateLimit-Remaining`), once an answer said so. */
  readonly remainingToday?: number;
  /** Set once Planfix said "stop" (over the limit): nothing more is sent. */
  readonly throttledBy?: ThrottledError;
  findContactByFacebookId(facebookId: string): Promise<PfContact | null>;
  createContact(contact: NewContact): Promise<PfContact>;
  /** Changes name/lastname only; other fields are left as employees set them. */
  renameContact(contactId: number, name: string, lastname?: string): Promise<void>;
  /** Tasks of the configured template that carry this post id. */
  findTasksByPostId(postId: string): Promise<PfTask[]>;
  /** null when the task is gone (deleted, purged, no access). */
  getTask(taskId: number): Promise<PfTask | null>;
  createTask(task: NewTask): Promise<PfTask>;
  updateTaskDescription(taskId: number, description: string): Promise<void>;
  addComment(taskId: number, comment: NewComment): Promise<{ id: number }>;
  updateComment(taskId: number, commentId: number, description: string): Promise<void>;
  /** All comments of a task, oldest first. */
  listComments(taskId: number): Promise<PfComment[]>;
  /**
   * Ids of tasks of the configured template changed or commented since `since` (filter 79).
   * Planfix reads the filter date in the token employee's time zone: `utcOffsetMinutes` is that zone's offset.
   */
  listTasksChangedSince(since: Date, utcOffsetMinutes?: number, templateIds?: readonly number[]): Promise<number[]>;
  /** A harmless read that proves the token works (GET /ping or similar). */
  ping(): Promise<void>;
}
