// The account's data and the mutations both the HTTP routes and the test-facing API go through,
// so a comment added "in the UI" bumps the same timestamps as one added over REST.

import { PfError } from './errors.js';
import type {
  CfValue,
  CommentRec,
  ContactRec,
  CustomFieldDef,
  FileRec,
  NamedDef,
  PeopleSet,
  PersonId,
  ProcessDef,
  StatusDef,
  TaskPatch,
  TaskRec,
  TaskTemplateDef,
} from './model.js';

/** How this account answers where the spec allows several shapes or the notes are unsure ([I]). */
export interface AnswerShapes {
  /** Task, contact and comment updates answer 200/202 with no body (the spec lists no body for 202 nor for comment updates). */
  updatesAnswerNoBody: boolean;
  /** `failures` as one object (the spec's examples) instead of an array (its schema). */
  failuresAsObject: boolean;
  /** Every numeric `id` in success answers as a digit string. */
  idsAsStrings: boolean;
  /** A contact as comment owner: stored, silently replaced by the token's employee, or refused with this code. */
  commentOwner: 'accept' | 'ignore' | { refuseCode: number };
  /** A counterparty on task creation: stored, dropped with `failures` naming it, or refused with this code. */
  counterparty: 'accept' | 'failures' | { refuseCode: number };
  /** Creating a contact when this many exist answers code 23; null = no limit. */
  contactLimit: number | null;
}

export interface AccountConfig {
  taskTemplateId: number;
  contactTemplateId: number;
  contactFacebookIdField: number;
  taskPostIdField: number;
  robotUserId: number;
  timeZoneOffsetMin: number;
  shapes: AnswerShapes;
  /** Names of statuses in which the process takes no new comments (code 6). */
  statusesRefusingComments: readonly string[];
}

/** Default employee writing replies in the UI. */
export const MANAGER_USER_ID = 5;

export class PlanfixState {
  readonly employees = new Map<number, NamedDef>();
  readonly groups = new Map<number, NamedDef>();
  readonly processes = new Map<number, ProcessDef>();
  readonly taskTemplates = new Map<number, TaskTemplateDef>();
  readonly contactTemplates = new Map<number, NamedDef>();
  readonly contactFields = new Map<number, CustomFieldDef>();
  readonly taskFields = new Map<number, CustomFieldDef>();

  readonly contacts = new Map<number, ContactRec>();
  readonly tasks = new Map<number, TaskRec>();
  readonly comments = new Map<number, CommentRec>();
  readonly files = new Map<number, FileRec>();

  private nextContactId = 1;
  private nextFieldId = 1000;
  private nextTemplateId = 100;
  private nextTaskId = 1000;
  private nextCommentId = 1;
  private nextFileId = 1;

  // Real time unless a test freezes or shifts it; every stored timestamp comes from here.
  private frozenAt: number | null = null;
  private shiftMs = 0;

  constructor(readonly config: AccountConfig) {
    this.employees.set(config.robotUserId, { id: config.robotUserId, name: 'fbsync robot' });
    if (!this.employees.has(MANAGER_USER_ID)) this.employees.set(MANAGER_USER_ID, { id: MANAGER_USER_ID, name: 'Anna Manager' });
    this.groups.set(1, { id: 1, name: 'Support' });
    this.groups.set(3, { id: 3, name: 'Sales' });
    this.processes.set(1, {
      id: 1,
      name: 'Facebook comments',
      statuses: [
        { id: 1, name: 'New', color: '#4caf50', isActive: true },
        { id: 2, name: 'In progress', color: '#2196f3', isActive: true },
        { id: 3, name: 'Completed', color: '#9e9e9e', isActive: false },
        { id: 4, name: 'Cancelled', color: '#f44336', isActive: false },
      ],
    });
    this.contactFields.set(config.contactFacebookIdField, {
      id: config.contactFacebookIdField,
      name: 'Facebook ID',
      type: 0,
      objectType: 1,
    });
    this.taskFields.set(config.taskPostIdField, {
      id: config.taskPostIdField,
      name: 'Facebook post ID',
      type: 0,
      objectType: 0,
    });
    this.taskTemplates.set(config.taskTemplateId, {
      id: config.taskTemplateId,
      name: 'Facebook post',
      processId: 1,
      fieldIds: [config.taskPostIdField],
    });
    this.contactTemplates.set(config.contactTemplateId, { id: config.contactTemplateId, name: 'Facebook contact' });
    if (!this.contactTemplates.has(1)) this.contactTemplates.set(1, { id: 1, name: 'Client' });
  }

  // ---- clock ----

  now(): number {
    return this.frozenAt ?? Date.now() + this.shiftMs;
  }

  setClock(at: Date | number | null): void {
    if (at === null) {
      this.frozenAt = null;
      this.shiftMs = 0;
    } else {
      this.frozenAt = typeof at === 'number' ? at : at.getTime();
    }
  }

  advanceClock(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.shiftMs += ms;
  }

  // ---- lookups ----

  contact(id: number): ContactRec | undefined {
    return this.contacts.get(id);
  }

  /** Purged tasks are gone; trashed ones are still found (callers decide what trash means). */
  task(id: number): TaskRec | undefined {
    return this.tasks.get(id);
  }

  process(id: number): ProcessDef | undefined {
    return this.processes.get(id);
  }

  /** False where the process refuses new comments: on this task, or in its current status. */
  takesComments(task: TaskRec): boolean {
    return !task.commentsForbidden && !this.config.statusesRefusingComments.includes(this.statusOf(task).name);
  }

  statusOf(task: TaskRec): StatusDef {
    const st = this.processes.get(task.processId)?.statuses.find((s) => s.id === task.statusId);
    if (!st) throw new Error(`sim: task ${task.id} has status ${task.statusId} outside its process`);
    return st;
  }

  /** Custom fields a task may carry. In this account fields live on templates, so none without one. */
  taskFieldIds(templateId: number | undefined): number[] {
    if (templateId === undefined) return [];
    return this.taskTemplates.get(templateId)?.fieldIds ?? [];
  }

  /** The definitions of those fields: what a task of the template may be given in `customFieldData`. */
  taskFieldDefs(templateId: number | undefined): Map<number, CustomFieldDef> {
    return new Map(this.taskFieldIds(templateId).map((id) => [id, this.taskFields.get(id)!] as const));
  }

  personExists(id: PersonId): boolean {
    const [kind, num] = splitPerson(id);
    return kind === 'user' ? this.employees.has(num) : this.contacts.has(num);
  }

  personName(id: PersonId): string {
    const [kind, num] = splitPerson(id);
    if (kind === 'user') return this.employees.get(num)?.name ?? `User ${num}`;
    const c = this.contacts.get(num);
    return c ? [c.name, c.lastname].filter(Boolean).join(' ') : `Contact ${num}`;
  }

  get robot(): PersonId {
    return `user:${this.config.robotUserId}`;
  }

  // ---- metadata ----

  addTemplate(kind: 'task' | 'contact', name: string, fieldIds: number[] = []): number {
    while (this.taskTemplates.has(this.nextTemplateId) || this.contactTemplates.has(this.nextTemplateId)) this.nextTemplateId++;
    const id = this.nextTemplateId++;
    if (kind === 'task') this.taskTemplates.set(id, { id, name, processId: 1, fieldIds: [...fieldIds] });
    else this.contactTemplates.set(id, { id, name });
    return id;
  }

  addCustomField(kind: 'task' | 'contact', name: string, type: number): number {
    while (this.taskFields.has(this.nextFieldId) || this.contactFields.has(this.nextFieldId)) this.nextFieldId++;
    const id = this.nextFieldId++;
    (kind === 'task' ? this.taskFields : this.contactFields).set(id, { id, name, type, objectType: kind === 'task' ? 0 : 1 });
    return id;
  }

  // ---- contacts ----

  createContact(input: Omit<ContactRec, 'id' | 'createdAt' | 'changedAt'>): ContactRec {
    const now = this.now();
    const rec: ContactRec = { ...input, id: this.nextContactId++, createdAt: now, changedAt: now };
    this.contacts.set(rec.id, rec);
    return rec;
  }

  updateContact(rec: ContactRec, patch: Partial<Omit<ContactRec, 'custom'>>, custom?: Map<number, CfValue | null>): void {
    Object.assign(rec, stripUndefined(patch));
    if (custom) applyCustom(rec.custom, custom);
    rec.changedAt = this.now();
  }

  // ---- files ----

  createFile(name: string, url: string): FileRec {
    const rec = { id: this.nextFileId++, name, url };
    this.files.set(rec.id, rec);
    return rec;
  }

  // ---- tasks ----

  createTask(input: {
    name: string;
    description: string;
    templateId?: number;
    statusId?: number;
    counterparty?: PersonId;
    assigner?: PersonId;
    assignees?: PeopleSet;
    participants?: PeopleSet;
    auditors?: PeopleSet;
    custom: Map<number, CfValue | null>;
  }): TaskRec {
    const processId = input.templateId !== undefined ? this.taskTemplates.get(input.templateId)!.processId : 1;
    const process = this.processes.get(processId)!;
    const first = process.statuses.find((s) => s.isActive);
    if (!first) throw new Error(`sim: process ${processId} has no active status`);
    const now = this.now();
    const custom = new Map<number, CfValue>();
    applyCustom(custom, input.custom);
    const rec: TaskRec = {
      id: this.nextTaskId++,
      name: input.name,
      description: input.description,
      templateId: input.templateId,
      processId,
      statusId: input.statusId ?? first.id,
      counterparty: input.counterparty,
      assigner: input.assigner,
      assignees: input.assignees ?? emptyPeople(),
      participants: input.participants ?? emptyPeople(),
      auditors: input.auditors ?? emptyPeople(),
      custom,
      createdAt: now,
      changedAt: now,
      deleted: false,
      commentsForbidden: false,
      busy: false,
      pending: [],
    };
    this.tasks.set(rec.id, rec);
    return rec;
  }

  /** false when the task was busy and the patch was queued (Planfix's 202). */
  updateTask(task: TaskRec, patch: TaskPatch): boolean {
    if (task.busy) {
      task.pending.push(patch);
      return false;
    }
    this.changeTask(task, patch);
    return true;
  }

  setTaskBusy(task: TaskRec, busy: boolean): void {
    task.busy = busy;
    if (!busy) {
      for (const p of task.pending.splice(0)) this.changeTask(task, p);
    }
  }

  changeTask(task: TaskRec, patch: TaskPatch): void {
    const { custom, ...rest } = patch;
    Object.assign(task, stripUndefined(rest));
    if (custom) applyCustom(task.custom, custom);
    task.changedAt = this.now();
  }

  trashTask(task: TaskRec): void {
    task.deleted = true;
    task.changedAt = this.now();
  }

  restoreTask(task: TaskRec): void {
    task.deleted = false;
    task.changedAt = this.now();
  }

  purgeTask(task: TaskRec): void {
    this.tasks.delete(task.id);
    for (const c of [...this.comments.values()]) if (c.taskId === task.id) this.comments.delete(c.id);
  }

  // ---- comments ----

  addComment(input: Omit<CommentRec, 'id' | 'createdAt' | 'isDeleted' | 'dateTime'> & { dateTime?: number }): CommentRec {
    const task = this.tasks.get(input.taskId);
    if (!task) throw new Error(`sim: no task ${input.taskId}`);
    const now = this.now();
    const rec: CommentRec = { ...input, id: this.nextCommentId++, dateTime: input.dateTime ?? now, createdAt: now, isDeleted: false };
    this.comments.set(rec.id, rec);
    // Activity is the moment of writing, not the (possibly back-dated) comment time.
    task.lastCommentAt = now;
    return rec;
  }

  updateComment(rec: CommentRec, patch: Partial<Pick<CommentRec, 'description' | 'isPinned' | 'isHidden' | 'recipients' | 'files' | 'sourceObjectId' | 'sourceDataVersion'>>): void {
    Object.assign(rec, stripUndefined(patch));
    const task = this.tasks.get(rec.taskId);
    if (task) task.changedAt = this.now();
  }

  deleteComment(rec: CommentRec): void {
    rec.isDeleted = true;
    const task = this.tasks.get(rec.taskId);
    if (task) task.changedAt = this.now();
  }

  commentsOf(taskId: number): CommentRec[] {
    return [...this.comments.values()].filter((c) => c.taskId === taskId).sort((a, b) => a.id - b.id);
  }
}

export const emptyPeople = (): PeopleSet => ({ users: [], groups: [] });

export function splitPerson(id: PersonId): ['user' | 'contact', number] {
  const m = /^(user|contact):(\d+)$/.exec(id);
  if (!m) throw new PfError(400, 41, `Invalid parameter: person id ${id}`);
  return [m[1] as 'user' | 'contact', Number(m[2])];
}

function applyCustom(target: Map<number, CfValue>, changes: Map<number, CfValue | null>): void {
  for (const [id, v] of changes) {
    // An empty Line value clears the field, as the UI does.
    if (v === null || v === '') target.delete(id);
    else target.set(id, v);
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
