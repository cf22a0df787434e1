import { afterEach, describe, expect, it } from 'vitest';
import { startPlanfixSim, type PlanfixSimOptions } from '../../src/simulator/planfix/index.js';

// Contract: for every endpoint fbsync calls (src/planfix/planfix-client.ts), the simulator answers
// in the shapes the Planfix spec gives (OpenAPI 1.3.3, swagger.json of help.planfix.com; read in
// the copy at github.com/popstas/planfix-api-client). The shapes are written out here, not
// vendored. Objects are checked strictly: a key the spec does not name for that object is a
// violation, so the simulator cannot hand fbsync a field real Planfix never sends. Where the spec
// allows several shapes (a body or none, failures as array or object), each is produced by an
// option and checked.

// ---- a tiny schema language ----

type Schema =
  | 'integer'
  | 'number'
  | 'string'
  | 'boolean'
  | 'any'
  | { kind: 'object'; props: Record<string, Schema>; required: string[] }
  | { kind: 'array'; items: Schema }
  | { kind: 'oneOf'; of: Schema[] }
  | { kind: 'const'; value: unknown };

const obj = (props: Record<string, Schema>, required: string[] = []): Schema => ({ kind: 'object', props, required });
const arr = (items: Schema): Schema => ({ kind: 'array', items });
const oneOf = (...of: Schema[]): Schema => ({ kind: 'oneOf', of });
const is = (value: unknown): Schema => ({ kind: 'const', value });

function violations(v: unknown, s: Schema, path = '$'): string[] {
  if (s === 'any') return [];
  if (s === 'integer') return typeof v === 'number' && Number.isInteger(v) ? [] : [`${path} is not an integer: ${JSON.stringify(v)}`];
  if (s === 'number') return typeof v === 'number' ? [] : [`${path} is not a number`];
  if (s === 'string') return typeof v === 'string' ? [] : [`${path} is not a string: ${JSON.stringify(v)}`];
  if (s === 'boolean') return typeof v === 'boolean' ? [] : [`${path} is not a boolean`];
  switch (s.kind) {
    case 'const':
      return v === s.value ? [] : [`${path} is ${JSON.stringify(v)}, not ${JSON.stringify(s.value)}`];
    case 'oneOf':
      return s.of.some((x) => violations(v, x, path).length === 0) ? [] : [`${path} matches none of the allowed shapes: ${JSON.stringify(v)?.slice(0, 200)}`];
    case 'array':
      return Array.isArray(v) ? v.flatMap((x, i) => violations(x, s.items, `${path}[${i}]`)) : [`${path} is not an array`];
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return [`${path} is not an object`];
      const o = v as Record<string, unknown>;
      return [
        ...s.required.filter((k) => !(k in o)).map((k) => `${path}.${k} is required`),
        ...Object.entries(o).flatMap(([k, x]) => (k in s.props ? violations(x, s.props[k]!, `${path}.${k}`) : [`${path}.${k} is not in the spec`])),
      ];
    }
  }
}

// ---- the spec's shapes (components/schemas and the paths' responses) ----

const ApiResponseError = obj({ result: is('fail'), code: 'integer', error: 'string' }, ['result', 'code', 'error']);
const BaseEntity = obj({ id: 'integer', name: 'string' });
const TimePoint = obj({ date: 'string', time: 'string', datetime: 'string' });
const PersonResponse = obj({ id: 'string', name: 'string' });
const GroupResponse = obj({ id: 'integer', name: 'string' });
const PeopleResponse = obj({ users: arr(PersonResponse), groups: arr(GroupResponse) });
const TaskStatus = obj({ id: 'integer', name: 'string', color: 'string', isActive: 'boolean', hasDeadline: 'boolean', isAppliedIndividually: 'boolean', texts: 'any' });
const CustomField = obj({
  id: 'integer',
  name: 'string',
  names: 'any',
  type: 'integer',
  objectType: 'integer',
  groupId: 'integer',
  directoryId: 'integer',
  directoryFields: 'any',
  enumValues: 'any',
  mainValue: 'string',
});
/** CustomFieldValueResponse: `value` is typed `object` in the schema; its examples show strings, numbers, booleans, objects. */
const CustomFieldValue = obj({ field: CustomField, value: 'any' });
const TaskResponse = obj(
  Object.fromEntries(
    Object.entries({
      id: 'integer',
      sourceObjectId: 'string',
      sourceDataVersion: 'string',
      name: 'string',
      description: 'string',
      priority: 'string',
      status: TaskStatus,
      processId: 'integer',
      resultChecking: 'boolean',
      type: 'string',
      assigner: PersonResponse,
      parent: BaseEntity,
      template: BaseEntity,
      object: BaseEntity,
      project: BaseEntity,
      counterparty: PersonResponse,
      assignees: PeopleResponse,
      participants: PeopleResponse,
      auditors: PeopleResponse,
      isDeleted: 'boolean',
      customFieldData: arr(CustomFieldValue),
      files: 'any',
      dataTags: 'any',
      ...Object.fromEntries(
        ['dateTime', 'startDateTime', 'endDateTime', 'delayedTillDate', 'actualCompletionDate', 'dateOfLastUpdate'].map((k) => [k, TimePoint]),
      ),
      ...Object.fromEntries(
        ['hasStartDate', 'hasEndDate', 'hasStartTime', 'hasEndTime', 'overdue', 'closeToDeadLine', 'notAcceptedInTime', 'inFavorites', 'isSummary', 'isSequential'].map((k) => [
          k,
          'boolean',
        ]),
      ),
      duration: 'integer',
      durationUnit: 'string',
      durationType: 'string',
      recurrence: 'any',
    } satisfies Record<string, Schema>),
  ),
);
const ContactResponse = obj({
  ...Object.fromEntries(
    ['sourceObjectId', 'sourceDataVersion', 'name', 'midname', 'lastname', 'gender', 'description', 'address', 'site', 'email', 'skype', 'telegramId', 'telegram', 'facebook', 'instagram', 'vk', 'position'].map(
      (k) => [k, 'string' as Schema],
    ),
  ),
  id: 'integer',
  template: BaseEntity,
  processId: 'integer',
  group: GroupResponse,
  isCompany: 'boolean',
  isDeleted: 'boolean',
  birthDate: TimePoint,
  createdDate: TimePoint,
  dateOfLastUpdate: TimePoint,
  supervisors: PeopleResponse,
  additionalEmailAddresses: arr('string'),
  phones: 'any',
  companies: 'any',
  contacts: 'any',
  customFieldData: arr(CustomFieldValue),
  files: 'any',
  dataTags: 'any',
});
const CommentResponse = obj({
  id: 'integer',
  sourceObjectId: 'string',
  sourceDataVersion: 'string',
  dateTime: TimePoint,
  type: oneOf(is('Comment'), is('Reminder'), is('None')),
  fromType: 'string',
  description: 'string',
  task: BaseEntity,
  project: BaseEntity,
  contact: PersonResponse,
  owner: PersonResponse,
  isDeleted: 'boolean',
  isPinned: 'boolean',
  isHidden: 'boolean',
  isNotRead: 'boolean',
  recipients: PeopleResponse,
  reminders: 'any',
  dataTags: 'any',
  files: 'any',
  changeTaskStartDate: 'any',
  changeTaskExpectDate: 'any',
  changeStatus: 'any',
});
const Failure = obj({ field: 'string', error: 'string' });

/** `POST /task/`, `/contact/`, `/task/{id}/comments/`: 201, result and id required. `/file/from-url/`: 200, same keys. */
const Created = (extra: Record<string, Schema> = {}) => obj({ result: 'string', id: 'number', ...extra }, ['result', 'id']);
/** `POST /task/{id}`, `/contact/{id}`: 200 `{failures}` — an array in the schema, one object in the examples. */
const Updated = obj({ result: 'string', failures: oneOf(arr(Failure), Failure) });
const list = (key: string, item: Schema) => obj({ result: 'string', [key]: arr(item) }, [key]);

// ---- the simulator, over HTTP ----

const TOKEN = 'contract-token';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function boot(opts: PlanfixSimOptions = {}) {
  const srv = await startPlanfixSim({ token: TOKEN, ...opts });
  close = srv.close;
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, token = TOKEN) => {
    const r = await fetch(`${srv.url}/rest${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, text, json: text === '' ? undefined : (JSON.parse(text) as any) };
  };
  return { sim: srv.sim, call };
}

/** Fails with every violation listed, not just the first. */
function expectShape(answer: { json: unknown }, schema: Schema) {
  expect(violations(answer.json, schema)).toEqual([]);
}

/** What fbsync asks for (planfix-client.ts), so the checks see the fields it reads. */
const TASK_FIELDS = 'id,name,status,processId,isDeleted,202';
const COMMENT_FIELDS = 'id,dateTime,type,description,owner,recipients,isDeleted,isHidden';

async function account(opts: PlanfixSimOptions = {}) {
  const b = await boot(opts);
  const contact = await b.call('POST', '/contact/', { template: { id: 3 }, name: 'Ivan', lastname: 'Petrov', customFieldData: [{ field: { id: 101 }, value: '555' }] });
  const contactId = Number(contact.json.id);
  const task = await b.call('POST', '/task/', {
    template: { id: 12 },
    name: 'Facebook: «hi»',
    description: 'Post',
    counterparty: { id: `contact:${contactId}` },
    customFieldData: [{ field: { id: 202 }, value: '1_2' }],
  });
  const taskId = Number(task.json.id);
  const comment = await b.call('POST', `/task/${taskId}/comments/`, { description: 'Ivan on Facebook:<br>hi', owner: { id: `contact:${contactId}` } });
  return { ...b, contact, contactId, task, taskId, comment, commentId: Number(comment.json.id) };
}

describe('Planfix simulator contract: the calls fbsync makes answer in the spec’s shapes', () => {
  it('GET /ping: 200 {"result":"success"}; 401 ApiResponseError code 1', async () => {
    const { call } = await boot();
    const ping = await call('GET', '/ping');
    expect(ping.status).toBe(200);
    expectShape(ping, obj({ result: is('success') }, ['result']));
    const refused = await call('GET', '/ping', undefined, 'wrong-token');
    expect(refused.status).toBe(401);
    expectShape(refused, ApiResponseError);
    expect(refused.json.code).toBe(1);
  });

  it('POST /contact/, /task/, /task/{id}/comments/: 201 {result, id}; POST /file/from-url/: 200 {result, id}', async () => {
    const { contact, task, comment, call } = await account();
    for (const created of [contact, task, comment]) {
      expect(created.status).toBe(201);
      expectShape(created, Created());
    }
    const file = await call('POST', '/file/from-url/', { name: 'facebook-555.jpg', url: 'https://cdn.example/p.jpg' });
    expect(file.status).toBe(200);
    expectShape(file, obj({ result: 'string', id: 'integer' }, ['id']));
  });

  it('POST /contact/list: {result, contacts: ContactResponse[]} with the Facebook-id field', async () => {
    const { call } = await account();
    const r = await call('POST', '/contact/list', { offset: 0, pageSize: 100, fields: 'id,name,lastname,101', filters: [{ type: 4101, field: 101, operator: 'equal', value: '555' }] });
    expect(r.status).toBe(200);
    expectShape(r, list('contacts', ContactResponse));
    expect(r.json.contacts).toHaveLength(1);
  });

  it('POST /task/list and GET /task/{id}: TaskResponse with status (TaskStatus) and the post-id field', async () => {
    const { call, taskId } = await account();
    const l = await call('POST', '/task/list', { offset: 0, pageSize: 100, fields: TASK_FIELDS, filters: [{ type: 51, operator: 'equal', value: 12 }] });
    expectShape(l, list('tasks', TaskResponse));
    expect(l.json.tasks[0].status.isActive).toBe(true);
    const changed = await call('POST', '/task/list', {
      offset: 0,
      pageSize: 100,
      fields: 'id',
      filters: [{ type: 51, operator: 'equal', value: 12 }, { type: 79, operator: 'gt', value: { dateType: 'otherDate_withTime', dateFrom: '01-01-2020 00:00' } }],
    });
    expectShape(changed, list('tasks', TaskResponse));
    const one = await call('GET', `/task/${taskId}?fields=${TASK_FIELDS}`);
    expectShape(one, obj({ result: 'string', task: TaskResponse }, ['task']));
  });

  it('GET /process/task/{id}/statuses: {result, statuses: TaskStatus[]}', async () => {
    const { call } = await boot();
    const r = await call('GET', '/process/task/1/statuses?fields=id,name,isActive');
    expectShape(r, list('statuses', TaskStatus));
    expect(r.json.statuses).toEqual([
      { id: 1, name: 'New', isActive: true },
      { id: 2, name: 'In progress', isActive: true },
      { id: 3, name: 'Completed', isActive: false },
      { id: 4, name: 'Cancelled', isActive: false },
    ]);
  });

  it('POST /task/{id}/comments/list: {result, comments: CommentResponse[]}', async () => {
    const { call, taskId } = await account();
    const r = await call('POST', `/task/${taskId}/comments/list`, { offset: 0, pageSize: 100, typeList: 'Comments', fields: COMMENT_FIELDS, resultOrder: [{ field: 'id', direction: 'Asc' }] });
    expectShape(r, list('comments', CommentResponse));
    expect(r.json.comments).toHaveLength(1);
  });

  it('updates, by default: 200 {"result":"success"} (task, contact, comment); 202 while the task is busy', async () => {
    const { call, sim, taskId, contactId, commentId } = await account();
    const t = await call('POST', `/task/${taskId}?silent=true`, { description: 'new' });
    const c = await call('POST', `/contact/${contactId}?silent=true`, { name: 'Ivan', lastname: 'Sidorov' });
    const m = await call('POST', `/task/${taskId}/comments/${commentId}?silent=true`, { description: 'edited' });
    for (const r of [t, c, m]) {
      expect(r.status).toBe(200);
      expectShape(r, Updated);
    }
    sim.setTaskBusy(taskId);
    const busy = await call('POST', `/task/${taskId}?silent=true`, { description: 'queued' });
    expect(busy.status).toBe(202);
    expectShape(busy, Updated);
  });

  it('updates with updatesAnswerNoBody: 200 (202 while busy) with an empty body, as the spec lists them', async () => {
    const { call, sim, taskId, contactId, commentId } = await account({ updatesAnswerNoBody: true });
    const t = await call('POST', `/task/${taskId}?silent=true`, { description: 'new' });
    const c = await call('POST', `/contact/${contactId}?silent=true`, { name: 'Ivan', lastname: 'Sidorov' });
    const m = await call('POST', `/task/${taskId}/comments/${commentId}?silent=true`, { description: 'edited' });
    for (const r of [t, c, m]) expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: '' });
    expect(sim.tasks()[0]!.description).toBe('new');
    expect(sim.comments(taskId)[0]!.description).toBe('edited');
    sim.setTaskBusy(taskId);
    const busy = await call('POST', `/task/${taskId}?silent=true`, { description: 'queued' });
    expect({ status: busy.status, text: busy.text }).toEqual({ status: 202, text: '' });
  });

  it('failures as an array (the schema) and as one object (failuresAsObject, the examples)', async () => {
    for (const failuresAsObject of [false, true]) {
      const { call, taskId, contactId } = await account({ counterparty: 'failures', failuresAsObject });
      const created = await call('POST', '/task/', { template: { id: 12 }, name: 'T', counterparty: { id: `contact:${contactId}` }, customFieldData: [{ field: { id: 202 }, value: '3_4' }] });
      expectShape(created, Created({ failures: failuresAsObject ? Failure : arr(Failure) }));
      const updated = await call('POST', `/task/${taskId}`, { counterparty: { id: `contact:${contactId}` } });
      expectShape(updated, Updated);
      expect(Array.isArray(updated.json.failures)).toBe(!failuresAsObject);
      expect(JSON.stringify(updated.json.failures)).toContain('counterparty');
      await close?.();
    }
  });

  it('ids as digit strings (idsAsStrings) on creates and in lists', async () => {
    const { call, contact, task, comment, taskId } = await account({ idsAsStrings: true });
    for (const created of [contact, task, comment]) expect(created.json.id).toMatch(/^\d+$/);
    const l = await call('POST', `/task/${taskId}/comments/list`, { fields: COMMENT_FIELDS });
    expect(l.json.comments[0].id).toMatch(/^\d+$/);
    const t = await call('GET', `/task/${taskId}?fields=${TASK_FIELDS}`);
    expect(t.json.task.id).toMatch(/^\d+$/);
    expect(t.json.task.status.id).toMatch(/^\d+$/);
  });

  it('a contact as comment owner: accepted, ignored (the token’s employee is stored), or refused with the code asked', async () => {
    const accepted = await account();
    expect(accepted.sim.comments(accepted.taskId)[0]!.owner.id).toBe(`contact:${accepted.contactId}`);
    await close?.();
    const ignored = await account({ commentOwner: 'ignore' });
    expectShape(ignored.comment, Created());
    expect(ignored.sim.comments(ignored.taskId)[0]!.owner.id).toBe('user:1');
    await close?.();
    for (const code of [6, 0, 41, 5001]) {
      const refused = await account({ commentOwner: { refuseCode: code } });
      expect(refused.comment.status).toBe(400);
      expectShape(refused.comment, ApiResponseError);
      expect(refused.comment.json.code).toBe(code);
      const ownerless = await refused.call('POST', `/task/${refused.taskId}/comments/`, { description: 'x' });
      expect(ownerless.status).toBe(201);
      await close?.();
    }
  });

  it('a counterparty on task creation refused with the code asked, its text naming it', async () => {
    const { task } = await account({ counterparty: { refuseCode: 41 } });
    expect(task.status).toBe(400);
    expectShape(task, ApiResponseError);
    expect(task.json.error).toMatch(/counterparty/);
  });

  it('contact creation past contactLimit: ApiResponseError code 23', async () => {
    const { call } = await boot({ contactLimit: 1 });
    expect((await call('POST', '/contact/', { template: { id: 3 }, name: 'A' })).status).toBe(201);
    const over = await call('POST', '/contact/', { template: { id: 3 }, name: 'B' });
    expectShape(over, ApiResponseError);
    expect(over.json).toMatchObject({ code: 23, error: 'The account limit for the number of contacts has been reached' });
  });

  it('errors of the calls fbsync makes are ApiResponseError: missing task 404/1000 (500 on comments/list), comment 5000, contact 2000, closed status 6', async () => {
    const { call, sim, taskId } = await account();
    const cases = [
      [await call('GET', `/task/99?fields=id`), 404, 1000],
      [await call('POST', '/task/99', { description: 'x' }), 404, 1000],
      [await call('POST', '/task/99/comments/list', { fields: 'id' }), 500, 1000],
      [await call('POST', `/task/${taskId}/comments/999`, { description: 'x' }), 404, 5000],
      [await call('POST', '/contact/999', { name: 'x' }), 404, 2000],
    ] as const;
    for (const [r, status, code] of cases) {
      expect(r.status).toBe(status);
      expectShape(r, ApiResponseError);
      expect(r.json.code).toBe(code);
    }
    sim.setCommentsForbidden(taskId);
    const closed = await call('POST', `/task/${taskId}/comments/`, { description: 'x' });
    expect(closed.status).toBe(400);
    expectShape(closed, ApiResponseError);
    expect(closed.json.code).toBe(6);
  });

  it('templates and custom fields: {result, templates[]} / {result, customfields: CustomField[]}, 100 a page by offset/pageSize, more than 100 of them', async () => {
    const { call, sim } = await boot();
    for (let i = 0; i < 120; i++) sim.addTemplate('task', `Template ${i}`);
    for (let i = 0; i < 105; i++) sim.addCustomField('contact', `Field ${i}`);
    const page = async (path: string, key: string, item: Schema) => {
      const ids: number[] = [];
      for (let offset = 0; ; offset += 100) {
        const r = await call('GET', `${path}?offset=${offset}&pageSize=100&fields=id,name`);
        expectShape(r, list(key, item));
        ids.push(...r.json[key].map((x: { id: number }) => x.id));
        if (r.json[key].length < 100) return ids;
      }
    };
    const templates = await page('/task/templates', 'templates', obj({ id: 'integer', name: 'string' }));
    expect(templates.length).toBe(121);
    expect(new Set(templates).size).toBe(121);
    expect((await page('/contact/templates', 'templates', obj({ id: 'integer', name: 'string' }))).length).toBe(2);
    const fields = await page('/customfield/contact', 'customfields', CustomField);
    expect(fields.length).toBe(106);
    expect((await page('/customfield/task', 'customfields', CustomField)).length).toBe(1);
    // Without paging parameters: the first 100, as every Planfix list.
    expect((await call('GET', '/task/templates?fields=id,name')).json.templates).toHaveLength(100);
  });
});
