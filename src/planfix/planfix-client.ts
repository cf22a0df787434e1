// The Planfix REST API v2 as the sync engine needs it (api-notes-planfix.md). Only paths and
// bodies live here; pacing, retries, the throttle brake and secrets are src/http's.

import type { BackoffPolicy } from '../http/backoff.js';
import { type HttpMethod, type HttpRequest, type HttpResponse, HttpClient } from '../http/client.js';
import { AuthError, MalformedResponseError, NotFoundError, RefusedError, ThrottledError, writeOutcomeUnknown } from '../http/errors.js';
import { ConfigError } from '../errors.js';
import { redact, registerSecret } from '../http/secrets.js';
import { apiUrl } from '../http/url.js';
import { formatFilterDate } from './dates.js';
import { afterCounterpartyFailure, afterOwnerFailure, commentOwner, counterpartyNotApplied, taskCounterparty } from './attribution.js';
import { AnswerReader, type RawTask } from './parse.js';
import { type PlanfixIds, classifyPlanfixAnswer, describeRequest } from './planfix-errors.js';
import {
  FILTER_CHANGED,
  FILTER_TEMPLATE,
  PAGE,
  TASK_FIELDS,
  carriesPost,
  commentCreation,
  contactCreation,
  contactSearch,
  matchingContact,
  postTaskFilters,
  taskCreation,
  templateFilter,
} from './requests.js';
import type { NewComment, NewContact, NewTask, PfComment, PfContact, PfTask, PlanfixAccount } from './types.js';
import { SideClient } from '../http/side-client.js';

export interface PlanfixClientOptions extends PlanfixIds {
  /** Account address without trailing slash; the API is at `${url}/rest/`. */
  url: string;
  token: string;
  /** Planfix documents 1 request/s; faster is undocumented (notes §1 "Rate limits"). */
  requestsPerSecond: number;
  /** Capped at ceil(requestsPerSecond): at 1 req/s Planfix is called strictly serially. */
  concurrency: number;
  timeoutMs?: number;
  backoff?: BackoffPolicy;
}

export interface PfTemplate {
  id: number;
  name: string;
}

export interface PfCustomField {
  id: number;
  name: string;
  /** 0 Line, 1 Number, 2 Text, … (notes §5). */
  type: number;
}

const COMMENT_FIELDS = 'id,dateTime,type,description,owner,recipients,isDeleted,isHidden';

interface Call {
  method: HttpMethod;
  /** Below /rest, e.g. `task/list`. */
  path: string;
  json?: unknown;
  query?: Record<string, string>;
}

export class PlanfixClient extends SideClient implements PlanfixAccount {
  private readonly api: string;
  private remaining: number | undefined;
  /** Set once Planfix refused a contact as comment author: later comments of this run go without `owner`. */
  private ownerRefused = false;
  /** Set once Planfix refused a contact as task counterparty: later tasks of this run go without one. */
  private counterpartyRefused = false;
  private readonly processStatuses = new Map<number, Promise<Map<number, boolean>>>();

  constructor(private readonly options: PlanfixClientOptions) {
    super();
    const rps = options.requestsPerSecond;
    if (!(rps > 0) || !Number.isFinite(rps)) {
      throw new ConfigError(`planfix.requestsPerSecond must be a positive number, got ${rps}`, 'planfix.requestsPerSecond');
    }
    registerSecret(options.token);
    this.api = `${options.url.replace(/\/+$/, '')}/rest`;
    const ids: PlanfixIds = { taskTemplateId: options.taskTemplateId, contactTemplateId: options.contactTemplateId, fields: options.fields };
    this.http = new HttpClient({
      side: 'planfix',
      minIntervalMs: 1000 / rps,
      concurrency: Math.max(1, Math.min(options.concurrency, Math.ceil(rps))),
      timeoutMs: options.timeoutMs,
      backoff: options.backoff,
      classify: (response, request) => classifyPlanfixAnswer(response, request, ids),
      onResponse: (response) => this.readBudget(response),
    });
  }

  /** `X-RateLimit-Remaining` of the last answer that had it: requests left today (refreshed ~10 min). */
  get remainingToday(): number | undefined {
    return this.remaining;
  }

  // ---- contacts ----

  async findContactByFacebookId(facebookId: string): Promise<PfContact | null> {
    const fieldId = this.options.fields.contactFacebookId;
    const { read, body } = await this.call({ method: 'POST', path: 'contact/list', json: contactSearch(fieldId, facebookId) });
    return matchingContact(read.contacts(body, fieldId), facebookId);
  }

  async createContact(contact: NewContact): Promise<PfContact> {
    const fileId = contact.photoUrl === undefined ? undefined : await this.uploadPhoto(contact.facebookId, contact.photoUrl);
    const id = await this.create({
      method: 'POST',
      path: 'contact/',
      json: contactCreation(this.options.contactTemplateId, this.options.fields.contactFacebookId, contact, fileId),
    });
    const out: PfContact = { id, name: contact.name };
    if (contact.lastname !== undefined) out.lastname = contact.lastname;
    return out;
  }

  /**
   * REST has no avatar field: the picture can only be attached as a file (notes §2 "Photo").
   * A photo is a nicety — any failure but a stopped side or a dead token leaves it out.
   */
  private async uploadPhoto(facebookId: string, url: string): Promise<number | undefined> {
    try {
      return await this.create({ method: 'POST', path: 'file/from-url/', json: { name: `facebook-${facebookId}.jpg`, url } });
    } catch (error) {
      if (error instanceof ThrottledError || error instanceof AuthError || error instanceof ConfigError) throw error;
      // PermissionError (no file_add scope), refused URL, transient trouble: the contact matters more.
      return undefined;
    }
  }

  /** No lastname clears it: "Ivan Petrov" renamed to "Ivan" must not stay Petrov. */
  async renameContact(contactId: number, name: string, lastname?: string): Promise<void> {
    await this.update({ method: 'POST', path: `contact/${contactId}`, query: { silent: 'true' }, json: { name, lastname: lastname ?? '' } });
  }

  // ---- tasks ----

  async findTasksByPostId(postId: string): Promise<PfTask[]> {
    const fieldId = this.options.fields.taskPostId;
    const raw = await this.listTasks(`${TASK_FIELDS},${fieldId}`, postTaskFilters(this.options.taskTemplateId, fieldId, postId));
    const tasks: PfTask[] = [];
    for (const { read, item } of raw) {
      if (carriesPost(item, postId)) tasks.push(await this.toTask(item, read));
    }
    return tasks;
  }

  async getTask(taskId: number): Promise<PfTask | null> {
    const fieldId = this.options.fields.taskPostId;
    try {
      const { read, body } = await this.call({ method: 'GET', path: `task/${taskId}`, query: { fields: `${TASK_FIELDS},${fieldId}` } });
      return await this.toTask(read.task(body, fieldId), read);
    } catch (error) {
      // Purged, trashed or out of the token's sight: all mean "open a new task" (notes §3 "Deleted").
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /**
   * The counterparty is a nicety, like a comment's owner: refused (by any code whose text names
   * it), the task is made without it, and this run's later tasks go without one (attribution.ts).
   */
  async createTask(task: NewTask): Promise<PfTask> {
    const counterparty = taskCounterparty(task.counterpartyContactId, this.counterpartyRefused);
    try {
      return await this.postTask(task, counterparty);
    } catch (error) {
      if (afterCounterpartyFailure(error, counterparty !== undefined) === 'fail') throw error;
    }
    const created = await this.postTask(task);
    this.counterpartyRefused = true;
    return created;
  }

  private async postTask(task: NewTask, counterparty?: string): Promise<PfTask> {
    const id = await this.create(
      {
        method: 'POST',
        path: 'task/',
        json: taskCreation(this.options.taskTemplateId, this.options.fields.taskPostId, task, counterparty),
      },
      (read, body) => {
        // Made, but without the counterparty: later tasks need not ask again. Read before the id,
        // so an answer without one (outcome unknown, written again later) goes without it too.
        if (counterparty !== undefined && counterpartyNotApplied(read.failures(body))) this.counterpartyRefused = true;
      },
    );
    return { id, name: task.name, isActive: true, isDeleted: false, postId: task.postId };
  }

  /** 200 = applied, 202 = queued because the task is busy (notes §1): both are success. */
  async updateTaskDescription(taskId: number, description: string): Promise<void> {
    await this.update({ method: 'POST', path: `task/${taskId}`, query: { silent: 'true' }, json: { description } });
  }

  /** `templateIds`: the tasks of these templates (several Pages, one template each; filter 51 takes an array, notes §3); default the configured one. */
  async listTasksChangedSince(since: Date, utcOffsetMinutes = 0, templateIds?: readonly number[]): Promise<number[]> {
    const raw = await this.listTasks('id', [
      templateIds && templateIds.length > 1 ? { type: FILTER_TEMPLATE, operator: 'equal', value: [...templateIds] } : templateFilter(templateIds?.[0] ?? this.options.taskTemplateId),
      // Planfix reads it in the token employee's zone; the caller knows the offset or overlaps generously.
      { type: FILTER_CHANGED, operator: 'gt', value: { dateType: 'otherDate_withTime', dateFrom: formatFilterDate(since, utcOffsetMinutes) } },
    ]);
    return raw.map(({ item }) => item.id).sort((a, b) => a - b);
  }

  // ---- comments ----

  /**
   * Written as the commenter's contact where Planfix allows it; a refusal of the comment with an
   * owner is asked again without one (the text names the author anyway). attribution.ts decides.
   */
  async addComment(taskId: number, comment: NewComment): Promise<{ id: number }> {
    const owner = commentOwner(comment.ownerContactId, this.ownerRefused);
    try {
      return await this.postComment(taskId, comment.description, owner);
    } catch (error) {
      if (afterOwnerFailure(error, owner !== undefined) === 'fail') throw error;
    }
    const created = await this.postComment(taskId, comment.description);
    // Only now is it proven that the owner was the problem.
    this.ownerRefused = true;
    return created;
  }

  private async postComment(taskId: number, description: string, owner?: string): Promise<{ id: number }> {
    const id = await this.create({ method: 'POST', path: `task/${taskId}/comments/`, json: commentCreation(description, owner) });
    return { id };
  }

  async updateComment(taskId: number, commentId: number, description: string): Promise<void> {
    await this.update({ method: 'POST', path: `task/${taskId}/comments/${commentId}`, query: { silent: 'true' }, json: { description } });
  }

  async listComments(taskId: number): Promise<PfComment[]> {
    const raw = await this.pages((offset) =>
      this.call({
        method: 'POST',
        path: `task/${taskId}/comments/list`,
        json: { offset, pageSize: PAGE, typeList: 'Comments', fields: COMMENT_FIELDS, resultOrder: [{ field: 'id', direction: 'Asc' }] },
      }).then(({ read, body }) => ({ read, items: read.comments(body, taskId) })),
    );
    // Whether resultOrder is honoured is unverified (notes §8.4): order here.
    return raw.map(({ item }) => item).sort((a, b) => a.id - b.id);
  }

  // ---- checks for `doctor` ----

  async ping(): Promise<void> {
    await this.call({ method: 'GET', path: 'ping' });
  }

  /** Every page of them: an account may have more than 100. */
  async listTaskTemplates(): Promise<PfTemplate[]> {
    return this.listPaged('task/templates', 'id,name', (read, body) => read.templates(body));
  }

  async listContactTemplates(): Promise<PfTemplate[]> {
    return this.listPaged('contact/templates', 'id,name', (read, body) => read.templates(body));
  }

  /**
   * Spec 1.3.3 lists no offset/pageSize here (it does for templates), while Planfix caps lists at
   * 100: fbsync pages anyway, and a page of ids already listed means the offset was ignored and
   * everything came at once.
   */
  async listCustomFields(kind: 'task' | 'contact'): Promise<PfCustomField[]> {
    return this.listPaged(`customfield/${kind}`, 'id,name,type', (read, body) => read.customFields(body), { repeatedPageEnds: true });
  }

  private async listPaged<T extends { id: number }>(
    path: string,
    fields: string,
    items: (read: AnswerReader, body: Record<string, unknown>) => T[],
    options: { repeatedPageEnds?: boolean } = {},
  ): Promise<T[]> {
    const raw = await this.pages(
      (offset) =>
        this.call({ method: 'GET', path, query: { offset: String(offset), pageSize: String(PAGE), fields } }).then(({ read, body }) => ({ read, items: items(read, body) })),
      options,
    );
    return raw.map(({ item }) => item);
  }

  // ---- plumbing ----

  private async call(call: Call): Promise<{ read: AnswerReader; body: Record<string, unknown> }> {
    const request: HttpRequest = {
      method: call.method,
      url: apiUrl(this.api, call.path, call.query),
      json: call.json,
      headers: { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' },
      // `…/list` POSTs only read: safe to repeat after a lost answer.
      idempotent: call.method === 'POST' && /\/list$/.test(call.path) ? true : undefined,
    };
    const response = await this.http.send(request);
    const read = new AnswerReader(describeRequest(request));
    return { read, body: read.body(response) };
  }

  /**
   * A create call; returns the new object's id. A 2xx answer that cannot be read (not a JSON
   * object, no id) most likely comes after the object was made: it is reported as a write whose
   * outcome is unknown, so the journal looks for the object before writing again — never as a
   * plain failure, after which the write would be repeated blindly and the object made twice.
   */
  private async create(call: Call, onAnswer?: (read: AnswerReader, body: Record<string, unknown>) => void): Promise<number> {
    try {
      const { read, body } = await this.call(call);
      onAnswer?.(read, body);
      return read.createdId(body);
    } catch (error) {
      if (!(error instanceof MalformedResponseError)) throw error;
      throw writeOutcomeUnknown('planfix', error);
    }
  }

  /**
   * Pages of 100 until a short one; items deduplicated by id (a page may shift under us). A full
   * page of nothing but ids already listed means the offset is being ignored: that ends the
   * listing with an error, not silently — a list cut short would hide a crashed write's result
   * (and it would be written twice) or an employee's reply (and it would never be sent).
   */
  private async pages<T extends { id: number }>(
    page: (offset: number) => Promise<{ read: AnswerReader; items: T[] }>,
    options: { repeatedPageEnds?: boolean } = {},
  ): Promise<{ read: AnswerReader; item: T }[]> {
    const seen = new Map<number, { read: AnswerReader; item: T }>();
    for (let offset = 0; ; offset += PAGE) {
      const { read, items } = await page(offset);
      let fresh = 0;
      for (const item of items) {
        if (seen.has(item.id)) continue;
        seen.set(item.id, { read, item });
        fresh++;
      }
      if (items.length < PAGE) break;
      if (fresh === 0 && options.repeatedPageEnds) break;
      if (fresh === 0) {
        throw new MalformedResponseError(
          'planfix',
          redact(`Planfix returned the same page twice on ${read.where} (offset ${offset}: every id on it was already listed); stopped instead of looping — try again later`),
        );
      }
    }
    return [...seen.values()];
  }

  /** Every page of `task/list` with these `filters` (notes §3), each task read with its post id field. */
  private listTasks(fields: string, filters: unknown[]): Promise<{ read: AnswerReader; item: RawTask }[]> {
    return this.pages((offset) =>
      this.call({ method: 'POST', path: 'task/list', json: { pageSize: PAGE, offset, fields, filters } }).then(({ read, body }) => ({
        read,
        items: read.tasks(body, this.options.fields.taskPostId),
      })),
    );
  }

  private async toTask(raw: RawTask, read: AnswerReader): Promise<PfTask> {
    const task: PfTask = { id: raw.id, name: raw.name, isActive: false, isDeleted: raw.isDeleted };
    if (raw.postId !== undefined) task.postId = raw.postId;
    if (raw.isDeleted) return task;
    task.isActive = raw.status?.isActive ?? (await this.statusIsActive(raw, read));
    return task;
  }

  /** Fallback when the task's status came without `isActive` (notes §3 "Status / active"). */
  private async statusIsActive(raw: RawTask, read: AnswerReader): Promise<boolean> {
    const statusId = raw.status?.id;
    if (statusId === undefined) throw read.malformed(`${raw.path}.status`, raw.status ? 'has neither isActive nor id' : 'is missing');
    if (raw.processId === undefined) throw read.malformed(`${raw.path}.processId`, `is missing (needed to learn whether status ${statusId} is active)`);
    const statuses = await this.statusesOf(raw.processId);
    const active = statuses.get(statusId);
    if (active === undefined) throw read.malformed(`${raw.path}.status.id`, `is ${statusId}, which is not a status of process ${raw.processId}`);
    return active;
  }

  private statusesOf(processId: number): Promise<Map<number, boolean>> {
    let cached = this.processStatuses.get(processId);
    if (!cached) {
      cached = this.call({ method: 'GET', path: `process/task/${processId}/statuses`, query: { fields: 'id,name,isActive' } }).then(({ read, body }) =>
        read.statuses(body),
      );
      // A failed lookup is not remembered: the next task asks again.
      cached.catch(() => this.processStatuses.delete(processId));
      this.processStatuses.set(processId, cached);
    }
    return cached;
  }

  /**
   * An update (task, contact, comment): 200 or 202, with a body or without one, is success — the
   * spec's answers. `failures` naming a field this call sent (or no field) means that change was
   * not applied: a refusal. A failure of a field not sent (the spec's example names
   * `counterparty` on any task update) is not this call's business.
   */
  private async update(call: Call & { json: Record<string, unknown> }): Promise<void> {
    const { read, body } = await this.call(call);
    const sent = Object.keys(call.json).map((k) => k.toLowerCase());
    const refused = read.failures(body).filter((f) => f.field === '' || sent.includes(f.field.toLowerCase()));
    if (refused.length > 0) {
      const what = refused.map((f) => [f.field || '?', f.error].filter(Boolean).join(': ')).join('; ');
      throw new RefusedError('planfix', redact(`Planfix did not apply ${read.where}: ${what}`));
    }
  }

  private readBudget(response: HttpResponse): void {
    const raw = response.headers['x-ratelimit-remaining'];
    const value = Number(Array.isArray(raw) ? raw[0] : raw);
    if (raw !== undefined && Number.isFinite(value)) this.remaining = value;
  }
}
