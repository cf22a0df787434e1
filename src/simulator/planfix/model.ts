// Records as the sim stores them. People are kept as Planfix's prefixed ids ("user:5",
// "contact:7") so requests, responses and the state API all speak the same language.

export type PersonId = string;

export type CfValue = string | number | boolean | Record<string, unknown>;

export interface CustomFieldDef {
  id: number;
  name: string;
  /** 0 Line, 1 Number, 2 Text, 3 Date, 7 Checkbox, 8 List … */
  type: number;
  /** 0 task, 1 contact. */
  objectType: 0 | 1;
}

export interface StatusDef {
  id: number;
  name: string;
  color: string;
  isActive: boolean;
}

export interface ProcessDef {
  id: number;
  name: string;
  /** Order matters: a new task gets the first active one. */
  statuses: StatusDef[];
}

export interface TaskTemplateDef {
  id: number;
  name: string;
  processId: number;
  /** Custom fields the template carries; others are refused on create/update. */
  fieldIds: number[];
}

export interface NamedDef {
  id: number;
  name: string;
}

export interface ContactRec {
  id: number;
  templateId: number;
  name: string;
  lastname?: string;
  midname?: string;
  email?: string;
  description?: string;
  facebook?: string;
  phones: unknown[];
  files: number[];
  custom: Map<number, CfValue>;
  createdAt: number;
  changedAt: number;
}

export interface PeopleSet {
  users: PersonId[];
  groups: number[];
}

export interface TaskPatch {
  name?: string;
  description?: string;
  statusId?: number;
  counterparty?: PersonId;
  assigner?: PersonId;
  assignees?: PeopleSet;
  participants?: PeopleSet;
  auditors?: PeopleSet;
  custom?: Map<number, CfValue | null>;
}

export interface TaskRec {
  id: number;
  name: string;
  description: string;
  templateId?: number;
  processId: number;
  statusId: number;
  counterparty?: PersonId;
  assigner?: PersonId;
  assignees: PeopleSet;
  participants: PeopleSet;
  auditors: PeopleSet;
  custom: Map<number, CfValue>;
  createdAt: number;
  /** Field/status edits; comments are tracked apart (filters 38 vs 21, 79 = both). */
  changedAt: number;
  lastCommentAt?: number;
  deleted: boolean;
  commentsForbidden: boolean;
  /** While busy, updates answer 202 and wait in `pending` (Planfix queues them). */
  busy: boolean;
  pending: TaskPatch[];
}

export interface CommentRec {
  id: number;
  taskId: number;
  description: string;
  ownerId: PersonId;
  /** Overrides the owner's current name (the UI helper may name an ad-hoc employee). */
  ownerName?: string;
  /** The comment's own time (may be set in the past by the API). */
  dateTime: number;
  /** When the sim stored it; drives the task's last-comment time. */
  createdAt: number;
  isDeleted: boolean;
  isHidden: boolean;
  isPinned: boolean;
  recipients: PeopleSet;
  files: number[];
  sourceId?: string;
  sourceObjectId?: string;
  sourceDataVersion?: string;
  origin: 'api' | 'ui';
}

export interface FileRec {
  id: number;
  name: string;
  url: string;
}
