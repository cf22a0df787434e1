// Endpoint handlers: parse the body with inputs.ts, change state, shape the answer with views.ts.
// Handlers are synchronous; the HTTP layer owns auth, budgets, faults and latency.

import { PfError, invalidParam } from './errors.js';
import { contactFilter, taskFilter } from './filters.js';
import {
  type Body,
  contactPathId,
  counterpartyRef,
  customFieldData,
  dateTimeInput,
  fileRefs,
  listOf,
  optBool,
  optString,
  paging,
  peopleSet,
  queryPaging,
  personRef,
  refId,
  reqString,
} from './inputs.js';
import type { CfValue, CommentRec, CustomFieldDef, PeopleSet, TaskPatch, TaskRec } from './model.js';
import type { PlanfixState } from './state.js';
import { commentView, contactView, isNotRead, parseFields, statusView, taskView } from './views.js';

export interface Ctx {
  state: PlanfixState;
  params: string[];
  query: URLSearchParams;
  body: Body;
}

export interface Result {
  status: number;
  /** null: an empty body (the spec's 202, and its comment update's 200). */
  body: Record<string, unknown> | null;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle: (ctx: Ctx) => Result;
}

const ok = (body: Record<string, unknown> = {}, status = 200): Result => ({ status, body: { result: 'success', ...body } });

/** The answer to an update: `{"result":"success"}`, or no body at all where the account is set so. */
const updated = (state: PlanfixState, status = 200): Result => (state.config.shapes.updatesAnswerNoBody ? { status, body: null } : ok({}, status));

/** `failures` as the spec's schema (an array) or its examples (one object). */
function failures(state: PlanfixState, list: { field: string; error: string }[]): Record<string, unknown> {
  if (list.length === 0) return {};
  return { failures: state.config.shapes.failuresAsObject && list.length === 1 ? list[0] : list };
}

/** Planfix's wording per code where it has one (REST_API:_Error_Codes), else the spec's generic text. */
function refusal(code: number, subject: string): PfError {
  const text =
    code === 6
      ? 'Access to this method/object for the user is forbidden'
      : code === 40 || code === 41
        ? `Invalid parameter: ${subject}`
        : code === 5001
          ? `Error adding comment: ${subject}`
          : code === 1001
            ? `Error adding task: ${subject}`
            : `Rest API error: ${subject}`;
  return new PfError(400, code, text);
}

const CONTACT_LIMIT_TEXT = 'The account limit for the number of contacts has been reached';

const taskMissing = (status: number) => new PfError(status, 1000, 'Task not found');
const contactMissing = () => new PfError(404, 2000, 'Contact not found');
const commentMissing = () => new PfError(404, 5000, 'Comment not found');

function liveTask(state: PlanfixState, raw: string, missingStatus = 404): TaskRec {
  const t = state.task(Number(raw));
  // Trash keeps the task readable but not writable; purge removes it entirely.
  if (!t || t.deleted) throw taskMissing(missingStatus);
  return t;
}

const nonNull = (m: Map<number, CfValue | null>) => new Map([...m].filter((e): e is [number, CfValue] => e[1] !== null && e[1] !== ''));

// ---- contacts ----

function contactFields(state: PlanfixState, b: Body) {
  const name = optString(b, 'name');
  if (name !== undefined && name.trim() === '') throw invalidParam('name must not be empty');
  return {
    name,
    lastname: optString(b, 'lastname'),
    midname: optString(b, 'midname'),
    email: optString(b, 'email'),
    description: optString(b, 'description'),
    facebook: optString(b, 'facebook'),
    phones: b.phones === undefined ? undefined : listOf(b.phones, 'phones'),
    files: b.files === undefined ? undefined : fileRefs(b.files, state),
    custom: customFieldData(b.customFieldData, state.contactFields),
  };
}

function contactTemplate(state: PlanfixState, v: unknown): number {
  const id = refId(v, 'template');
  if (!state.contactTemplates.has(id)) throw invalidParam(`template, contact template not found by id - ${id}`);
  return id;
}

function createContact({ state, body }: Ctx): Result {
  const limit = state.config.shapes.contactLimit;
  if (limit !== null && state.contacts.size >= limit) throw new PfError(400, 23, CONTACT_LIMIT_TEXT);
  // Without a template Planfix files the card under the default one; here that is template 1.
  const templateId = body.template === undefined ? 1 : contactTemplate(state, body.template);
  const name = reqString(body, 'name');
  const { custom, phones, files, ...rest } = contactFields(state, body);
  const rec = state.createContact({ ...rest, name, templateId, phones: phones ?? [], files: files ?? [], custom: nonNull(custom) });
  return ok({ id: rec.id }, 201);
}

function listContacts({ state, body }: Ctx): Result {
  if (body.filterId !== undefined) throw invalidParam('filterId is not supported by the simulator');
  const { offset, pageSize } = paging(body);
  const f = parseFields(body.fields);
  const pred = contactFilter(body.filters, state);
  const contacts = [...state.contacts.values()]
    .filter(pred)
    .sort((a, b) => a.id - b.id)
    .slice(offset, offset + pageSize)
    .map((c) => contactView(state, c, f));
  return ok({ contacts });
}

function getContact({ state, params, query }: Ctx): Result {
  const c = state.contact(contactPathId(params[0]));
  if (!c) throw contactMissing();
  return ok({ contact: contactView(state, c, parseFields(query.get('fields') ?? undefined)) });
}

function updateContact({ state, params, body }: Ctx): Result {
  const c = state.contact(contactPathId(params[0]));
  if (!c) throw contactMissing();
  const templateId = body.template === undefined ? undefined : contactTemplate(state, body.template);
  const { custom, ...rest } = contactFields(state, body);
  state.updateContact(c, { ...rest, templateId }, custom);
  return updated(state);
}

// ---- files ----

function fileFromUrl({ state, body }: Ctx): Result {
  const name = reqString(body, 'name');
  const url = reqString(body, 'url');
  if (!/^https?:\/\//i.test(url)) throw invalidParam('url must be an http(s) address');
  return ok({ id: state.createFile(name, url).id });
}

// ---- tasks ----

function taskPeople(state: PlanfixState, b: Body) {
  const set = (key: string): PeopleSet | undefined => (b[key] === undefined ? undefined : peopleSet(b[key], key, state));
  return {
    counterparty: b.counterparty === undefined ? undefined : counterpartyRef(b.counterparty, state),
    assigner: b.assigner === undefined ? undefined : personRef(b.assigner, 'assigner', state),
    assignees: set('assignees'),
    participants: set('participants'),
    auditors: set('auditors'),
  };
}

function statusIn(state: PlanfixState, processId: number, v: unknown): number {
  const id = refId(v, 'status');
  if (!state.process(processId)?.statuses.some((s) => s.id === id)) throw invalidParam(`status, status not found in process by id - ${id}`);
  return id;
}

function createTask({ state, body }: Ctx): Result {
  let templateId: number | undefined;
  if (body.template !== undefined) {
    templateId = refId(body.template, 'template');
    if (!state.taskTemplates.has(templateId)) throw invalidParam(`template, task template not found by id - ${templateId}`);
  }
  if (body.object !== undefined) throw invalidParam('object is not supported by the simulator');
  const name = reqString(body, 'name');
  const description = optString(body, 'description') ?? '';
  const processId = templateId === undefined ? 1 : state.taskTemplates.get(templateId)!.processId;
  const statusId = body.status === undefined ? undefined : statusIn(state, processId, body.status);
  const custom = customFieldData(body.customFieldData, state.taskFieldDefs(templateId));
  const people = taskPeople(state, body);
  const mode = state.config.shapes.counterparty;
  const dropped: { field: string; error: string }[] = [];
  if (people.counterparty !== undefined && mode !== 'accept') {
    if (mode !== 'failures') throw refusal(mode.refuseCode, `counterparty, a contact cannot be the counterparty - ${people.counterparty}`);
    people.counterparty = undefined;
    dropped.push({ field: 'counterparty', error: 'Field change failed' });
  }
  const rec = state.createTask({ name, description, templateId, statusId, custom, ...people });
  return ok({ id: rec.id, ...failures(state, dropped) }, 201);
}

function getTask({ state, params, query }: Ctx): Result {
  const t = state.task(Number(params[0]));
  if (!t) throw taskMissing(404);
  return ok({ task: taskView(state, t, parseFields(query.get('fields') ?? undefined)) });
}

function updateTask({ state, params, body }: Ctx): Result {
  const t = liveTask(state, params[0]);
  const name = optString(body, 'name');
  if (name !== undefined && name.trim() === '') throw invalidParam('name must not be empty');
  const patch: TaskPatch = {
    name,
    description: optString(body, 'description'),
    statusId: body.status === undefined ? undefined : statusIn(state, t.processId, body.status),
    custom: body.customFieldData === undefined ? undefined : customFieldData(body.customFieldData, state.taskFieldDefs(t.templateId)),
    ...taskPeople(state, body),
  };
  // A counterparty this account does not take is left as it was, and named (the spec's example).
  const dropped: { field: string; error: string }[] = [];
  if (patch.counterparty !== undefined && state.config.shapes.counterparty !== 'accept') {
    patch.counterparty = undefined;
    dropped.push({ field: 'counterparty', error: 'Field change failed' });
  }
  // A busy task queues the change: Planfix answers 202 and applies it later.
  const applied = state.updateTask(t, patch);
  if (dropped.length > 0) return ok(failures(state, dropped));
  return updated(state, applied ? 200 : 202);
}

function listTasks({ state, body }: Ctx): Result {
  if (body.filterId !== undefined) throw invalidParam('filterId is not supported by the simulator');
  const { offset, pageSize } = paging(body);
  const f = parseFields(body.fields);
  const pred = taskFilter(body.filters, state);
  const tasks = [...state.tasks.values()]
    .filter((t) => !t.deleted && pred(t))
    .sort((a, b) => a.id - b.id)
    .slice(offset, offset + pageSize)
    .map((t) => taskView(state, t, f));
  return ok({ tasks });
}

function processStatuses({ state, params, query }: Ctx): Result {
  const p = state.process(Number(params[0]));
  if (!p) throw invalidParam(`process not found by id - ${params[0]}`);
  const f = parseFields(query.get('fields') ?? undefined);
  return ok({ statuses: p.statuses.map((s) => statusView(s, f)) });
}

// ---- comments ----

const ROLES = ['assignee', 'participant', 'auditor', 'assigner'] as const;

/** Roles are resolved to the task's people now, so the stored recipients show who was notified. */
function recipients(state: PlanfixState, task: TaskRec, v: unknown): PeopleSet {
  const set = peopleSet(v, 'recipients', state);
  const roles = listOf((v as Body).roles, 'recipients.roles');
  for (const r of roles) {
    if (typeof r !== 'string' || !(ROLES as readonly string[]).includes(r)) throw invalidParam(`recipients.roles must be of ${ROLES.join('|')}`);
    const from: PeopleSet =
      r === 'assigner' ? { users: task.assigner ? [task.assigner] : [], groups: [] } : task[r === 'assignee' ? 'assignees' : r === 'participant' ? 'participants' : 'auditors'];
    set.users.push(...from.users);
    set.groups.push(...from.groups);
  }
  return { users: [...new Set(set.users)], groups: [...new Set(set.groups)] };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sourceFields(b: Body) {
  const sourceObjectId = optString(b, 'sourceObjectId');
  if (sourceObjectId !== undefined && !UUID_RE.test(sourceObjectId)) throw invalidParam('sourceObjectId must be a UUID');
  const sourceDataVersion = optString(b, 'sourceDataVersion');
  if (sourceDataVersion !== undefined && sourceDataVersion.length > 100) throw invalidParam('sourceDataVersion is longer than 100 characters');
  return { sourceObjectId, sourceDataVersion };
}

function addComment({ state, params, body }: Ctx): Result {
  const task = liveTask(state, params[0]);
  if (!state.takesComments(task)) throw new PfError(400, 6, 'New comments not allowed in this process');
  let ownerId = state.robot;
  if (body.owner !== undefined) {
    ownerId = personRef(body.owner, 'owner', state);
    const mode = state.config.shapes.commentOwner;
    if (ownerId.startsWith('contact:') && mode !== 'accept') {
      if (mode !== 'ignore') throw refusal(mode.refuseCode, `owner, a contact cannot be the author of a comment - ${ownerId}`);
      // Accepted, and the token's employee is stored as author instead.
      ownerId = state.robot;
    }
  }
  const rec = state.addComment({
    taskId: task.id,
    description: optString(body, 'description') ?? '',
    ownerId,
    dateTime: body.dateTime === undefined ? undefined : dateTimeInput(body.dateTime, state.config.timeZoneOffsetMin),
    isHidden: optBool(body, 'isHidden') ?? false,
    isPinned: optBool(body, 'isPinned') ?? false,
    recipients: body.recipients === undefined ? { users: [], groups: [] } : recipients(state, task, body.recipients),
    files: fileRefs(body.files, state),
    sourceId: optString(body, 'sourceId'),
    ...sourceFields(body),
    origin: 'api',
  });
  return ok({ id: rec.id }, 201);
}

const TYPE_LISTS = ['Comments', 'All', 'New', 'Deleted'];

function orderOf(v: unknown): (a: CommentRec, b: CommentRec) => number {
  const keys = listOf(v, 'resultOrder').map((o, i) => {
    const e = o as Body;
    if (typeof e !== 'object' || e === null || (e.field !== 'id' && e.field !== 'dateTime')) {
      throw invalidParam(`resultOrder[${i}].field must be id|dateTime`);
    }
    const dir = e.direction ?? 'Asc';
    if (dir !== 'Asc' && dir !== 'Desc') throw invalidParam(`resultOrder[${i}].direction must be Asc|Desc`);
    return { field: e.field, sign: dir === 'Asc' ? 1 : -1 };
  });
  return (a, b) => {
    for (const k of keys) {
      const d = k.field === 'id' ? a.id - b.id : a.dateTime - b.dateTime;
      if (d !== 0) return d * k.sign;
    }
    return a.id - b.id;
  };
}

function listComments({ state, params, body }: Ctx): Result {
  const task = state.task(Number(params[0]));
  // The spec's own example: a missing task here is HTTP 500, code 1000.
  if (!task) throw taskMissing(500);
  const { offset, pageSize } = paging(body);
  const f = parseFields(body.fields);
  const typeList = body.typeList ?? 'Comments';
  if (typeof typeList !== 'string' || !TYPE_LISTS.includes(typeList)) throw invalidParam(`typeList must be of ${TYPE_LISTS.join('|')}`);
  const keep = (c: CommentRec) =>
    typeList === 'All' ? true : typeList === 'Deleted' ? c.isDeleted : typeList === 'New' ? !c.isDeleted && isNotRead(state, c) : !c.isDeleted;
  const comments = state
    .commentsOf(task.id)
    .filter(keep)
    .sort(orderOf(body.resultOrder))
    .slice(offset, offset + pageSize)
    .map((c) => commentView(state, c, f));
  return ok({ comments });
}

function updateComment({ state, params, body }: Ctx): Result {
  const task = liveTask(state, params[0]);
  const c = state.comments.get(Number(params[1]));
  if (!c || c.taskId !== task.id || c.isDeleted) throw commentMissing();
  state.updateComment(c, {
    description: optString(body, 'description'),
    isPinned: optBool(body, 'isPinned'),
    isHidden: optBool(body, 'isHidden'),
    recipients: body.recipients === undefined ? undefined : recipients(state, task, body.recipients),
    files: body.files === undefined ? undefined : fileRefs(body.files, state),
    ...sourceFields(body),
  });
  return updated(state);
}

function getComment({ state, params, query }: Ctx): Result {
  const c = state.comments.get(Number(params[0]));
  if (!c) throw commentMissing();
  return ok({ comment: commentView(state, c, parseFields(query.get('fields') ?? undefined)) });
}

function deleteComment({ state, params }: Ctx): Result {
  const c = state.comments.get(Number(params[0]));
  if (!c || c.isDeleted) throw commentMissing();
  state.deleteComment(c);
  return ok();
}

// ---- metadata ----

const named = (xs: Iterable<{ id: number; name: string }>) => [...xs].map(({ id, name }) => ({ id, name }));

const customFieldsOf = (m: Map<number, CustomFieldDef>) => [...m.values()].map(({ id, name, type, objectType }) => ({ id, name, type, objectType }));

/**
 * Metadata lists, 100 a page like every Planfix list. The spec gives templates offset/pageSize
 * query parameters; for custom fields it lists none, and the simulator pages them the same way
 * (the stricter reading: a client that reads only the first page misses fields).
 */
function metaPage<T>(query: URLSearchParams, all: T[]): T[] {
  const { offset, pageSize } = queryPaging(query);
  return all.slice(offset, offset + pageSize);
}

const ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/ping$/, handle: () => ok() },
  { method: 'GET', pattern: /^\/contact\/templates$/, handle: ({ state, query }) => ok({ templates: metaPage(query, named(state.contactTemplates.values())) }) },
  { method: 'GET', pattern: /^\/task\/templates$/, handle: ({ state, query }) => ok({ templates: metaPage(query, named(state.taskTemplates.values())) }) },
  { method: 'GET', pattern: /^\/customfield\/contact$/, handle: ({ state, query }) => ok({ customfields: metaPage(query, customFieldsOf(state.contactFields)) }) },
  { method: 'GET', pattern: /^\/customfield\/task$/, handle: ({ state, query }) => ok({ customfields: metaPage(query, customFieldsOf(state.taskFields)) }) },
  { method: 'POST', pattern: /^\/contact$/, handle: createContact },
  { method: 'POST', pattern: /^\/contact\/list$/, handle: listContacts },
  { method: 'GET', pattern: /^\/contact\/((?:contact(?::|%3A))?\d+)$/i, handle: getContact },
  { method: 'POST', pattern: /^\/contact\/((?:contact(?::|%3A))?\d+)$/i, handle: updateContact },
  { method: 'POST', pattern: /^\/file\/from-url$/, handle: fileFromUrl },
  { method: 'POST', pattern: /^\/task$/, handle: createTask },
  { method: 'POST', pattern: /^\/task\/list$/, handle: listTasks },
  { method: 'GET', pattern: /^\/task\/(\d+)$/, handle: getTask },
  { method: 'POST', pattern: /^\/task\/(\d+)$/, handle: updateTask },
  { method: 'POST', pattern: /^\/task\/(\d+)\/comments$/, handle: addComment },
  { method: 'POST', pattern: /^\/task\/(\d+)\/comments\/list$/, handle: listComments },
  { method: 'POST', pattern: /^\/task\/(\d+)\/comments\/(\d+)$/, handle: updateComment },
  { method: 'GET', pattern: /^\/comment\/(\d+)$/, handle: getComment },
  { method: 'DELETE', pattern: /^\/comment\/(\d+)$/, handle: deleteComment },
  { method: 'GET', pattern: /^\/process\/task\/(\d+)\/statuses$/, handle: processStatuses },
];

export type Match = { route: Route; params: string[] } | { methodNotAllowed: true } | null;

/** `path` is below /rest, without the trailing slash (`/task/` and `/task` are one endpoint). */
export function matchRoute(method: string, path: string): Match {
  let pathKnown = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1) };
    pathKnown = true;
  }
  return pathKnown ? { methodNotAllowed: true } : null;
}

