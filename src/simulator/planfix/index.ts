// In-memory Planfix REST v2 for tests and the benchmark. It follows design/api-notes-planfix.md and
// is strict where Planfix is documented strict. Where the notes are unsure ([I]) it picks the
// stricter reading, so a client that passes here does not rely on luck:
// - `fields` defaults to `id` only, on lists and single gets alike; custom fields need their id
//   (or `customFieldData`) in `fields`; an unset Line field reads back as "".
// - Filter dates and `dateTime.date/time` use the token employee's zone (fixed offset, default
//   UTC); `datetime` is UTC. Comparisons are at minute (…_withTime) or day resolution.
// - Writing a comment bumps "last comment" (21, 79) at the moment of writing, even when its
//   `dateTime` is back-dated; field/status edits and comment edits bump "last change" (38, 79);
//   `?silent=true` does not stop either (it only suppresses notifications in Planfix).
// - A trashed task reads back with isDeleted:true, is left out of /task/list, and refuses writes
//   (task update, comment add/update) with code 1000; a purged one is 404/500 code 1000 everywhere.
// - New comments are refused (400, code 6) on a task set so, or in the statuses named by the
//   `statusesRefusingComments` option (none by default); task updates still go through.
// - Comment list: default order id ascending; deleted comments only with typeList All/Deleted;
//   "New" = not written by the token's user (REST reads mark nothing read); the robot is an
//   admin and sees hidden comments. resultOrder needs `field` (the schema's `filed` is refused).
// - People are "user:N"/"contact:N" and must exist; only the counterparty also takes a bare
//   number. Recipient roles are resolved to the task's people when stored.
// - Unsupported filter types and dateTypes answer code 41 instead of being ignored.
// - A contact created without `template` lands in template 1 ("Client").
// - Budget: every authenticated request counts (over-limit answers once spent do not); faults
//   decided before auth (reset, html, slow, http500, throttle) are not counted. The day turns at
//   midnight in the employee's zone. X-RateLimit-Remaining is exact (Planfix's lags ~10 min).
// - Per-second limit (off by default): HTTP 200 code 22 "…too many requests per second,
//   remaining:N, timeToReset:1"; refused requests still occupy the window.
// - Templates and custom fields are listed 100 a page by `offset`/`pageSize` query parameters
//   (the spec has them for templates; for custom fields it lists none — the stricter reading).
// - Answer shapes the spec allows besides the default ones are options, off by default:
//   updatesAnswerNoBody, failuresAsObject, idsAsStrings, commentOwner, counterparty, contactLimit
//   (code 23); setAnswerShapes changes them while running.
// - Faults: `slow` waits slowMs then answers 504 (nginx page) without applying; `truncated`
//   applies, keeps the real status and cuts the JSON in half; `resetAfterWrite` processes any
//   request, then drops the connection; html/slow answers carry no API headers.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CfValue, CommentRec, PersonId, TaskRec } from './model.js';
import { FaultPlan, type FaultOptions } from './faults.js';
import { DailyBudget, RpsLimiter } from './limits.js';
import { customFieldData } from './inputs.js';
import { createHandler, type RequestLogEntry } from './server.js';
import { type AnswerShapes, MANAGER_USER_ID, PlanfixState } from './state.js';
import type { ResponseOverride } from '../override.js';

export type { FaultKind, FaultOptions } from './faults.js';
export type { RequestLogEntry } from './server.js';
export type { ResponseOverride, SimAnswer, SimRequestInfo } from '../override.js';

export interface PlanfixSimOptions {
  token?: string;
  taskTemplateId?: number;
  contactTemplateId?: number;
  contactFacebookIdField?: number;
  taskPostIdField?: number;
  /** Requests per day; default 100 000. */
  dailyBudget?: number;
  /** The employee the token acts as; default 1. */
  robotUserId?: number;
  /** Added before every answer. */
  latencyMs?: number;
  /** Whether `owner:{id:"contact:N"}` is accepted on comment creation; default true. false = `commentOwner: {refuseCode: 41}`. */
  acceptContactOwner?: boolean;
  /**
   * What a contact as comment owner gets (notes §4: unconfirmed): 'accept' (default) stores it;
   * 'ignore' stores the token's employee as author and answers success; `{refuseCode}` answers
   * 400 with that code (6, 0, 41, 5001…).
   */
  commentOwner?: AnswerShapes['commentOwner'];
  /** A counterparty on task creation: 'accept' (default); 'failures' makes the task without it and names it in `failures`; `{refuseCode}` refuses the create. */
  counterparty?: AnswerShapes['counterparty'];
  /** Task, contact and comment updates answer 200 (202 when queued) with an empty body. Default off. */
  updatesAnswerNoBody?: boolean;
  /** `failures` as one object (the spec's examples), not an array (its schema). Default off. */
  failuresAsObject?: boolean;
  /** Numeric ids in success answers as digit strings. Default off. */
  idsAsStrings?: boolean;
  /** Contact creation answers code 23 (the plan's contact limit) once this many contacts exist. Default none. */
  contactLimit?: number;
  /**
   * Statuses in which the process takes no new comments: adding one answers HTTP 400, code 6
   * "New comments not allowed in this process" (api-notes-planfix.md §4). Default none.
   */
  statusesRefusingComments?: StatusName[];
  /** The token employee's zone as minutes east of UTC; default 0 (UTC). */
  timeZoneOffsetMinutes?: number;
  /** Port for startPlanfixSim; default 0 = any free one. */
  port?: number;
}

export type StatusName = 'New' | 'In progress' | 'Completed' | 'Cancelled';

export interface SimContact {
  id: number;
  templateId: number;
  name: string;
  lastname?: string;
  midname?: string;
  email?: string;
  description?: string;
  facebook?: string;
  /** Value of the configured Facebook-id custom field. */
  facebookId?: string;
  customFields: Record<number, CfValue>;
  files: number[];
  createdAt: string;
  changedAt: string;
}

export interface SimTask {
  id: number;
  name: string;
  description: string;
  templateId?: number;
  processId: number;
  statusId: number;
  status: string;
  isActive: boolean;
  isDeleted: boolean;
  /** Value of the configured post-id custom field. */
  postId?: string;
  /** "contact:N". */
  counterparty?: string;
  counterpartyContactId?: number;
  assigner?: string;
  assignees: string[];
  customFields: Record<number, CfValue>;
  createdAt: string;
  changedAt: string;
  lastCommentAt?: string;
  commentsForbidden: boolean;
  busy: boolean;
  pendingUpdates: number;
}

export interface SimComment {
  id: number;
  taskId: number;
  description: string;
  owner: { id: string; name: string };
  /** Prefixed ids of notified people: "contact:7", "user:5". */
  recipients: string[];
  recipientGroups: number[];
  /** The comment's own time (ISO). */
  dateTime: string;
  /** When it was stored (ISO). */
  createdAt: string;
  isDeleted: boolean;
  isHidden: boolean;
  isPinned: boolean;
  files: number[];
  sourceObjectId?: string;
  sourceDataVersion?: string;
  /** 'ui' for addEmployeeComment/quickReply. */
  origin: 'api' | 'ui';
}

export interface EmployeeCommentInput {
  userId?: number;
  userName?: string;
  description: string;
  notifyContactIds?: number[];
  notifyUserIds?: number[];
  isHidden?: boolean;
}

export interface EmployeeTaskInput {
  name: string;
  description?: string;
  /** Typed into the post-id field, which the template must carry; none leaves the field empty. */
  postId?: string;
  /** Default: the configured task template. */
  templateId?: number;
  /** Default: the process's first active status, as for a task made over REST. */
  status?: StatusName;
  /** The employee making it, who becomes its assigner; default Anna Manager. */
  userId?: number;
  userName?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class PlanfixSim {
  readonly token: string;
  readonly requestLog: RequestLogEntry[] = [];
  /** @internal */ readonly state: PlanfixState;
  /** @internal */ readonly faults = new FaultPlan();
  /** @internal */ readonly budget: DailyBudget;
  /** @internal */ readonly rps = new RpsLimiter();
  private latency: number;
  /** @internal */ responseOverride: ResponseOverride | null = null;

  constructor(opts: PlanfixSimOptions = {}) {
    this.token = opts.token ?? 'planfix-sim-token';
    this.latency = opts.latencyMs ?? 0;
    this.state = new PlanfixState({
      taskTemplateId: opts.taskTemplateId ?? 12,
      contactTemplateId: opts.contactTemplateId ?? 3,
      contactFacebookIdField: opts.contactFacebookIdField ?? 101,
      taskPostIdField: opts.taskPostIdField ?? 202,
      robotUserId: opts.robotUserId ?? 1,
      timeZoneOffsetMin: opts.timeZoneOffsetMinutes ?? 0,
      shapes: {
        updatesAnswerNoBody: opts.updatesAnswerNoBody ?? false,
        failuresAsObject: opts.failuresAsObject ?? false,
        idsAsStrings: opts.idsAsStrings ?? false,
        commentOwner: opts.commentOwner ?? (opts.acceptContactOwner === false ? { refuseCode: 41 } : 'accept'),
        counterparty: opts.counterparty ?? 'accept',
        contactLimit: opts.contactLimit ?? null,
      },
      statusesRefusingComments: opts.statusesRefusingComments ?? [],
    });
    this.budget = new DailyBudget(opts.dailyBudget ?? 100_000, () => this.state.now(), this.state.config.timeZoneOffsetMin);
  }

  get employees(): ReadonlyArray<{ id: number; name: string }> {
    return [...this.state.employees.values()].map((e) => ({ ...e }));
  }

  // ---- reading state ----

  contacts(): SimContact[] {
    const fb = this.state.config.contactFacebookIdField;
    return [...this.state.contacts.values()].map((c) => ({
      id: c.id,
      templateId: c.templateId,
      name: c.name,
      lastname: c.lastname,
      midname: c.midname,
      email: c.email,
      description: c.description,
      facebook: c.facebook,
      facebookId: c.custom.get(fb) as string | undefined,
      customFields: Object.fromEntries(c.custom),
      files: [...c.files],
      createdAt: iso(c.createdAt),
      changedAt: iso(c.changedAt),
    }));
  }

  tasks(): SimTask[] {
    const postField = this.state.config.taskPostIdField;
    return [...this.state.tasks.values()].map((t) => {
      const st = this.state.statusOf(t);
      return {
        id: t.id,
        name: t.name,
        description: t.description,
        templateId: t.templateId,
        processId: t.processId,
        statusId: t.statusId,
        status: st.name,
        isActive: st.isActive,
        isDeleted: t.deleted,
        postId: t.custom.get(postField) as string | undefined,
        counterparty: t.counterparty,
        counterpartyContactId: t.counterparty ? Number(t.counterparty.split(':')[1]) : undefined,
        assigner: t.assigner,
        assignees: [...t.assignees.users],
        customFields: Object.fromEntries(t.custom),
        createdAt: iso(t.createdAt),
        changedAt: iso(t.changedAt),
        lastCommentAt: t.lastCommentAt === undefined ? undefined : iso(t.lastCommentAt),
        commentsForbidden: t.commentsForbidden,
        busy: t.busy,
        pendingUpdates: t.pending.length,
      };
    });
  }

  /** All comments (of one task when given), oldest id first, deleted ones included. */
  comments(taskId?: number): SimComment[] {
    return [...this.state.comments.values()]
      .filter((c) => taskId === undefined || c.taskId === taskId)
      .sort((a, b) => a.id - b.id)
      .map((c) => this.commentOut(c));
  }

  private commentOut(c: CommentRec): SimComment {
    return {
      id: c.id,
      taskId: c.taskId,
      description: c.description,
      owner: { id: c.ownerId, name: c.ownerName ?? this.state.personName(c.ownerId) },
      recipients: [...c.recipients.users],
      recipientGroups: [...c.recipients.groups],
      dateTime: iso(c.dateTime),
      createdAt: iso(c.createdAt),
      isDeleted: c.isDeleted,
      isHidden: c.isHidden,
      isPinned: c.isPinned,
      files: [...c.files],
      sourceObjectId: c.sourceObjectId,
      sourceDataVersion: c.sourceDataVersion,
      origin: c.origin,
    };
  }

  // ---- what employees do in the UI ----

  private mustTask(taskId: number): TaskRec {
    const t = this.state.task(taskId);
    if (!t) throw new Error(`sim: no task ${taskId}`);
    return t;
  }

  setTaskStatus(taskId: number, status: StatusName): void {
    const t = this.mustTask(taskId);
    const st = this.state.process(t.processId)?.statuses.find((s) => s.name === status);
    if (!st) throw new Error(`sim: process ${t.processId} has no status ${status}`);
    // The UI is not queued behind a busy API call.
    this.state.changeTask(t, { statusId: st.id });
  }

  trashTask(taskId: number): void {
    this.state.trashTask(this.mustTask(taskId));
  }

  restoreTask(taskId: number): void {
    this.state.restoreTask(this.mustTask(taskId));
  }

  purgeTask(taskId: number): void {
    this.state.purgeTask(this.mustTask(taskId));
  }

  /** The process refuses new comments on this task (code 6), as some account setups do. */
  setCommentsForbidden(taskId: number, forbidden = true): void {
    this.mustTask(taskId).commentsForbidden = forbidden;
  }

  /** While busy, POST /task/{id} answers 202 and the change waits until busy is cleared. */
  setTaskBusy(taskId: number, busy = true): void {
    this.state.setTaskBusy(this.mustTask(taskId), busy);
  }

  /** The employee acting in the UI (Anna by default), known to the account from then on. */
  private employee(userId = MANAGER_USER_ID, userName?: string): number {
    if (!this.state.employees.has(userId)) this.state.employees.set(userId, { id: userId, name: userName ?? `User ${userId}` });
    return userId;
  }

  /**
   * An employee makes a task by hand (or an earlier install of fbsync made it): stored as
   * POST /task/ stores one, the post id going through the same `customFieldData` path as
   * fbsync's own create request, so `task/list` filter 101 finds it exactly as it finds those.
   */
  addEmployeeTask(input: EmployeeTaskInput): { id: number } {
    const templateId = input.templateId ?? this.state.config.taskTemplateId;
    const template = this.state.taskTemplates.get(templateId);
    if (!template) throw new Error(`sim: no task template ${templateId}`);
    let statusId: number | undefined;
    if (input.status !== undefined) {
      statusId = this.state.process(template.processId)?.statuses.find((s) => s.name === input.status)?.id;
      if (statusId === undefined) throw new Error(`sim: process ${template.processId} has no status ${input.status}`);
    }
    const postField = this.state.config.taskPostIdField;
    const fields = this.state.taskFieldDefs(templateId);
    if (input.postId !== undefined && !fields.has(postField)) throw new Error(`sim: template ${templateId} has no post-id field ${postField}`);
    const custom = input.postId === undefined ? new Map<number, CfValue | null>() : customFieldData([{ field: { id: postField }, value: input.postId }], fields);
    const rec = this.state.createTask({
      name: input.name,
      description: input.description ?? '',
      templateId,
      statusId,
      assigner: `user:${this.employee(input.userId, input.userName)}`,
      custom,
    });
    return { id: rec.id };
  }

  addEmployeeComment(taskId: number, input: EmployeeCommentInput): { id: number } {
    const t = this.mustTask(taskId);
    if (t.deleted) throw new Error(`sim: task ${taskId} is in the trash`);
    if (!this.state.takesComments(t)) throw new Error(`sim: task ${taskId} does not take new comments`);
    const userId = this.employee(input.userId, input.userName);
    const users: PersonId[] = [];
    for (const id of input.notifyContactIds ?? []) {
      if (!this.state.contacts.has(id)) throw new Error(`sim: no contact ${id}`);
      users.push(`contact:${id}`);
    }
    for (const id of input.notifyUserIds ?? []) {
      if (!this.state.employees.has(id)) throw new Error(`sim: no employee ${id}`);
      users.push(`user:${id}`);
    }
    const rec = this.state.addComment({
      taskId,
      description: input.description,
      ownerId: `user:${userId}`,
      ownerName: input.userName,
      isHidden: input.isHidden ?? false,
      isPinned: false,
      recipients: { users: [...new Set(users)], groups: [] },
      files: [],
      origin: 'ui',
    });
    return { id: rec.id };
  }

  /** The quick-reply button: Anna writes, the contact is pre-selected in "Notify about this". */
  quickReply(taskId: number, contactId: number, text: string): { id: number } {
    return this.addEmployeeComment(taskId, {
      description: escapeHtml(text).replace(/\r?\n/g, '<br>'),
      notifyContactIds: [contactId],
    });
  }

  /** An employee deletes a comment in the UI. */
  deleteComment(commentId: number): void {
    const c = this.state.comments.get(commentId);
    if (!c) throw new Error(`sim: no comment ${commentId}`);
    this.state.deleteComment(c);
  }

  // ---- account set-up ----

  /** A further task or contact template (task templates use process 1 and carry the given custom fields, default none). */
  addTemplate(kind: 'task' | 'contact', name: string, fieldIds: number[] = []): { id: number } {
    return { id: this.state.addTemplate(kind, name, fieldIds) };
  }

  addCustomField(kind: 'task' | 'contact', name: string, type = 0): { id: number } {
    return { id: this.state.addCustomField(kind, name, type) };
  }

  /** Changes the answer shapes of the options of the same names while running. */
  setAnswerShapes(shapes: Partial<AnswerShapes>): void {
    Object.assign(this.state.config.shapes, shapes);
  }

  // ---- transport knobs ----

  setFaults(opts: FaultOptions | null): void {
    this.faults.set(opts);
  }

  /**
   * Test hook: sees every request before fault injection and may answer it instead (a malformed
   * body, an HTML page with status 200, a repeated page) or alter the real answer; null removes
   * it. See ../override.ts.
   */
  setResponseOverride(hook: ResponseOverride | null): void {
    this.responseOverride = hook;
  }

  /**
   * The next request gets the over-limit answer, whatever the fault settings; its timeToReset is
   * `timeToResetSeconds` (default 2 s, as for injected throttle faults).
   */
  throttleNext(options: { timeToResetSeconds?: number } = {}): void {
    this.faults.forceThrottle(options.timeToResetSeconds ?? 2);
  }

  /** Requests above n in a rolling second get a code-22 "too many requests per second"; null = off. */
  setMaxRps(n: number | null): void {
    this.rps.set(n);
  }

  setLatency(ms: number): void {
    this.latency = ms;
  }

  get requestsToday(): number {
    return this.budget.usedToday;
  }

  get remainingToday(): number {
    return this.budget.remaining();
  }

  /** Pretend n requests were already made today (to reach the daily limit cheaply). */
  setRequestsToday(n: number): void {
    this.budget.setUsed(n);
  }

  clearRequestLog(): void {
    this.requestLog.length = 0;
  }

  // ---- clock ----

  now(): Date {
    return new Date(this.state.now());
  }

  /** Freeze the sim clock at `at`; null returns to real time. */
  setClock(at: Date | number | null): void {
    this.state.setClock(at);
  }

  advanceClock(ms: number): void {
    this.state.advanceClock(ms);
  }

  /** @internal */
  get latencyMs(): number {
    return this.latency;
  }
}

export async function startPlanfixSim(opts: PlanfixSimOptions = {}): Promise<{ sim: PlanfixSim; url: string; close(): Promise<void> }> {
  const sim = new PlanfixSim(opts);
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const handler = createHandler({
    state: sim.state,
    token: sim.token,
    faults: sim.faults,
    budget: sim.budget,
    rps: sim.rps,
    log: sim.requestLog,
    latencyMs: () => sim.latencyMs,
    sleep,
    override: () => sim.responseOverride,
  });
  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    sim,
    url: `http://127.0.0.1:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        // Pending slow answers would otherwise keep the process alive.
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
