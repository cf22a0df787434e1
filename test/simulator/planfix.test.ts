import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPlanfixSim, type PlanfixSim, type PlanfixSimOptions } from '../../src/simulator/planfix/index.js';

const TOKEN = 'test-token';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

type Srv = Awaited<ReturnType<typeof startPlanfixSim>>;

let srv: Srv;
let sim: PlanfixSim;

async function boot(opts: PlanfixSimOptions = {}) {
  srv = await startPlanfixSim({ token: TOKEN, ...opts });
  sim = srv.sim;
}

async function raw(method: string, path: string, init: { body?: unknown; token?: string | null; rawBody?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const r = await fetch(`${srv.url}/rest${path}`, { method, headers, body });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

const post = (path: string, body: unknown = {}) => raw('POST', path, { body });
const get = (path: string) => raw('GET', path);

/** Planfix's refusal: HTTP 400 with error `code`, its text naming `naming` when given. */
function expectRefused(reply: Reply, code: number, naming?: string): void {
  expect(reply.status).toBe(400);
  expect(reply.json.code).toBe(code);
  if (naming !== undefined) expect(reply.json.error).toContain(naming);
}

async function newContact(fbId: string, name = 'Ivan') {
  const r = await post('/contact/', {
    template: { id: 3 },
    name,
    lastname: 'Petrov',
    customFieldData: [{ field: { id: 101 }, value: fbId }],
  });
  expect(r.status).toBe(201);
  return r.json.id as number;
}

async function newTask(postId: string, contactId?: number) {
  const r = await post('/task/', {
    template: { id: 12 },
    name: `Facebook: ${postId}`,
    description: 'Post text<br>more',
    ...(contactId ? { counterparty: { id: `contact:${contactId}` } } : {}),
    customFieldData: [{ field: { id: 202 }, value: postId }],
  });
  expect(r.status).toBe(201);
  return r.json.id as number;
}

describe('planfix simulator', () => {
  afterEach(async () => {
    await srv?.close();
  });

  describe('basics', () => {
    beforeEach(() => boot());

    it('rejects a missing or wrong token with 401 code 1 and never logs the token', async () => {
      const none = await raw('GET', '/ping', { token: null });
      expect(none.status).toBe(401);
      expect(none.json).toEqual({ result: 'fail', code: 1, error: 'Invalid token' });
      const wrong = await raw('GET', '/ping', { token: 'nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.json.code).toBe(1);

      const ok = await get('/ping');
      expect(ok.status).toBe(200);
      expect(ok.json).toEqual({ result: 'success' });

      // access_token in the query is documented for GET only
      const q = await fetch(`${srv.url}/rest/ping?access_token=${TOKEN}`);
      expect(q.status).toBe(200);
      const qp = await fetch(`${srv.url}/rest/contact/list?access_token=${TOKEN}`, { method: 'POST', body: '{}' });
      expect(qp.status).toBe(401);

      expect(JSON.stringify(sim.requestLog)).not.toContain(TOKEN);
      expect(sim.requestLog.map((e) => e.status)).toEqual([401, 401, 200, 200, 401]);
    });

    it('answers bad JSON with code 30 and unknown routes with 404', async () => {
      const bad = await raw('POST', '/task/list', { rawBody: '{"pageSize":' });
      expectRefused(bad, 30);
      expect((await get('/nothing/here')).status).toBe(404);
      expect((await get('/task/list')).status).toBe(405);
    });

    it('carries X-RateLimit-Remaining on every answer', async () => {
      const a = await get('/ping');
      const b = await get('/ping');
      expect(Number(a.headers.get('x-ratelimit-remaining'))).toBe(99_999);
      expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(99_998);
    });
  });

  describe('contacts', () => {
    beforeEach(() => boot());

    it('creates a contact and finds it by the Facebook-id custom field', async () => {
      const id = await newContact('0123456789');
      expect(id).toBe(1);
      await newContact('555', 'Other');

      const found = await post('/contact/list', {
        pageSize: 100,
        fields: 'id,name,lastname,101',
        filters: [{ type: 4101, field: 101, operator: 'equal', value: '0123456789' }],
      });
      expect(found.status).toBe(200);
      expect(found.json).toEqual({
        result: 'success',
        contacts: [
          {
            id: 1,
            name: 'Ivan',
            lastname: 'Petrov',
            customFieldData: [{ field: { id: 101, name: 'Facebook ID', type: 0 }, value: '0123456789' }],
          },
        ],
      });

      // Custom fields come back only when asked for.
      const bare = await post('/contact/list', { fields: 'id,name', filters: [{ type: 4101, field: 101, operator: 'equal', value: '555' }] });
      expect(bare.json.contacts).toEqual([{ id: 2, name: 'Other' }]);

      const none = await post('/contact/list', { filters: [{ type: 4101, field: 101, operator: 'equal', value: '01234' }] });
      expect(none.json.contacts).toEqual([]);

      expect(sim.contacts()[0]).toMatchObject({ id: 1, templateId: 3, facebookId: '0123456789', customFields: { 101: '0123456789' } });
    });

    it('gets by 12 or contact:12, updates, and 404s with code 2000', async () => {
      const id = await newContact('42');
      const g1 = await get(`/contact/${id}?fields=id,name,lastname`);
      expect(g1.json).toEqual({ result: 'success', contact: { id, name: 'Ivan', lastname: 'Petrov' } });
      const g2 = await get(`/contact/contact:${id}?fields=name`);
      expect(g2.json.contact.name).toBe('Ivan');

      const up = await post(`/contact/${id}?silent=true`, { name: 'Ivan2', lastname: 'P' });
      expect(up.status).toBe(200);
      expect(up.json).toEqual({ result: 'success' });
      expect(sim.contacts()[0]).toMatchObject({ name: 'Ivan2', lastname: 'P', facebookId: '42' });

      const missing = await get('/contact/999');
      expect(missing.status).toBe(404);
      expect(missing.json.code).toBe(2000);
    });

    it('refuses unknown templates and custom fields with code 41', async () => {
      const t = await post('/contact/', { template: { id: 77 }, name: 'X' });
      expectRefused(t, 41, '77');

      const f = await post('/contact/', { template: { id: 3 }, name: 'X', customFieldData: [{ field: { id: 202 }, value: 'x' }] });
      expectRefused(f, 41, 'by id - 202');

      const wrongType = await post('/contact/', { template: { id: 3 }, name: 'X', customFieldData: [{ field: { id: 101 }, value: 12 }] });
      expect(wrongType.json.code).toBe(41);
      expect(sim.contacts()).toEqual([]);
    });

    it('lists templates, custom fields, and attaches files from a URL', async () => {
      const tpl = await get('/contact/templates');
      expect(tpl.json.templates).toContainEqual({ id: 3, name: 'Facebook contact' });
      const cf = await get('/customfield/contact');
      expect(cf.json.customfields).toEqual([{ id: 101, name: 'Facebook ID', type: 0, objectType: 1 }]);
      const tcf = await get('/customfield/task');
      expect(tcf.json.customfields).toEqual([{ id: 202, name: 'Facebook post ID', type: 0, objectType: 0 }]);

      const file = await post('/file/from-url/', { name: 'avatar.jpg', url: 'https://example.com/a.jpg' });
      expect(file.json).toEqual({ result: 'success', id: 1 });
      const c = await post('/contact/', { template: { id: 3 }, name: 'P', files: [{ id: 1 }] });
      expect(c.status).toBe(201);
      expect(sim.contacts()[0].files).toEqual([1]);
      const badFile = await post('/contact/', { template: { id: 3 }, name: 'P', files: [{ id: 9 }] });
      expect(badFile.json.code).toBe(41);
    });
  });

  describe('tasks', () => {
    beforeEach(() => boot());

    it('creates a task and finds it by post id within the template', async () => {
      const cid = await newContact('1');
      const id = await newTask('111_222', cid);
      expect(id).toBe(1000);
      await newTask('333_444');

      const found = await post('/task/list', {
        pageSize: 100,
        fields: 'id,name,status,processId,202',
        filters: [
          { type: 51, operator: 'equal', value: 12 },
          { type: 101, field: 202, operator: 'equal', value: '111_222' },
        ],
      });
      expect(found.json.tasks).toHaveLength(1);
      expect(found.json.tasks[0]).toMatchObject({
        id: 1000,
        processId: 1,
        status: { id: 1, name: 'New', isActive: true },
        customFieldData: [{ field: { id: 202 }, value: '111_222' }],
      });
      const t = sim.tasks()[0];
      expect(t).toMatchObject({ id: 1000, status: 'New', isActive: true, postId: '111_222', counterparty: `contact:${cid}`, counterpartyContactId: cid });

      const otherTemplate = await post('/task/list', { filters: [{ type: 51, operator: 'equal', value: [7] }] });
      expect(otherTemplate.json.tasks).toEqual([]);
    });

    it('addEmployeeTask stores a task as POST /task/ does: filter 101 finds it by its exact post id, within its template, in its status', async () => {
      const viaRest = await newTask('111_222');
      const byHand = sim.addEmployeeTask({ name: 'Made by Anna', postId: '111_222' }).id;
      const done = sim.addEmployeeTask({ name: 'Done already', postId: '111_222', status: 'Completed' }).id;
      sim.addEmployeeTask({ name: 'Prefix', postId: '111_22' });
      sim.addEmployeeTask({ name: 'No post id' });
      const other = sim.addTemplate('task', 'Other template', [202]).id;
      sim.addEmployeeTask({ name: 'Other template', postId: '111_222', templateId: other });

      const list = (template: number) =>
        post('/task/list', {
          fields: 'id,name,status,processId,202',
          filters: [
            { type: 51, operator: 'equal', value: template },
            { type: 101, field: 202, operator: 'equal', value: '111_222' },
          ],
        });
      const found = (await list(12)).json.tasks;
      expect(found.map((t: any) => t.id)).toEqual([viaRest, byHand, done]);
      // The same answer shape as fbsync's own task: the field is read back like any value POST /task/ stored.
      const { id: _r, name: _rn, ...restShape } = found[0];
      const { id: _h, name: _hn, ...handShape } = found[1];
      expect(handShape).toEqual(restShape);
      expect(found[2]).toMatchObject({ status: { id: 3, name: 'Completed', isActive: false }, customFieldData: [{ field: { id: 202 }, value: '111_222' }] });
      expect((await list(other)).json.tasks).toHaveLength(1);
      expect(sim.tasks().find((t) => t.id === byHand)).toMatchObject({ templateId: 12, postId: '111_222', status: 'New', assigner: 'user:5', counterparty: undefined });
      expect(sim.tasks().find((t) => t.name === 'No post id')!.customFields).toEqual({});

      const bare = sim.addTemplate('task', 'No post field').id;
      expect(() => sim.addEmployeeTask({ name: 'x', postId: '1', templateId: bare })).toThrow(/no post-id field/);
      expect(() => sim.addEmployeeTask({ name: 'x', templateId: 99 })).toThrow(/no task template 99/);
    });

    it('refuses unknown templates, fields outside the template and unknown counterparties', async () => {
      const t = await post('/task/', { template: { id: 99 }, name: 'x' });
      expectRefused(t, 41, '99');

      const f = await post('/task/', { template: { id: 12 }, name: 'x', customFieldData: [{ field: { id: 101 }, value: 'x' }] });
      expectRefused(f, 41, 'by id - 101');

      const c = await post('/task/', { template: { id: 12 }, name: 'x', counterparty: { id: 'contact:5' } });
      expect(c.json.code).toBe(41);
      const noName = await post('/task/', { template: { id: 12 } });
      expect(noName.json.code).toBe(40);
      expect(sim.tasks()).toEqual([]);
    });

    it('reports isActive from the status, in the task and in the process statuses', async () => {
      const id = await newTask('p1');
      sim.setTaskStatus(id, 'Completed');
      const g = await get(`/task/${id}?fields=id,name,status,processId,isDeleted,202`);
      expect(g.json.task).toMatchObject({ id, processId: 1, isDeleted: false, status: { id: 3, name: 'Completed', isActive: false } });
      const idOnly = await get(`/task/${id}`);
      expect(idOnly.json.task).toEqual({ id });

      const st = await get('/process/task/1/statuses?fields=id,name,isActive');
      expect(st.json.statuses).toEqual([
        { id: 1, name: 'New', isActive: true },
        { id: 2, name: 'In progress', isActive: true },
        { id: 3, name: 'Completed', isActive: false },
        { id: 4, name: 'Cancelled', isActive: false },
      ]);
      expect(sim.tasks()[0]).toMatchObject({ status: 'Completed', isActive: false });
    });

    it('updates the description and answers 202 while the task is busy', async () => {
      const id = await newTask('p1');
      const up = await post(`/task/${id}?silent=true`, { description: 'new<br>text' });
      expect(up.status).toBe(200);
      expect(sim.tasks()[0].description).toBe('new<br>text');

      sim.setTaskBusy(id);
      const busy = await post(`/task/${id}`, { name: 'Later' });
      expect(busy.status).toBe(202);
      expect(sim.tasks()[0].name).not.toBe('Later');
      sim.setTaskBusy(id, false);
      expect(sim.tasks()[0].name).toBe('Later');

      const missing = await post('/task/5/', { description: 'x' });
      expect(missing.status).toBe(404);
      expect(missing.json.code).toBe(1000);
    });

    it('shows trashed tasks as isDeleted, hides them from lists, and 404s purged ones', async () => {
      const a = await newTask('a');
      const b = await newTask('b');
      sim.trashTask(a);
      const g = await get(`/task/${a}?fields=id,isDeleted`);
      expect(g.status).toBe(200);
      expect(g.json.task).toEqual({ id: a, isDeleted: true });
      const list = await post('/task/list', { fields: 'id' });
      expect(list.json.tasks).toEqual([{ id: b }]);
      const write = await post(`/task/${a}/comments/`, { description: 'x' });
      expect(write.json.code).toBe(1000);

      sim.purgeTask(a);
      const gone = await get(`/task/${a}?fields=id,isDeleted`);
      expect(gone.status).toBe(404);
      expect(gone.json).toEqual({ result: 'fail', code: 1000, error: 'Task not found' });
      const comments = await post(`/task/${a}/comments/list`, {});
      expect(comments.status).toBe(500);
      expect(comments.json.code).toBe(1000);
      expect(sim.tasks().map((t) => t.id)).toEqual([b]);
    });

    it('filter 79 returns tasks changed or commented after the minute given', async () => {
      const t0 = Date.UTC(2024, 5, 1, 12, 0, 0);
      sim.setClock(t0);
      const old = await newTask('old');
      const quiet = await newTask('quiet');
      sim.advanceClock(10 * 60_000 + 30_000); // 12:10:30
      const fresh = await newTask('fresh');
      sim.advanceClock(60_000); // 12:11:30
      sim.addEmployeeComment(old, { description: 'reply' });

      const since = (dateFrom: string, operator = 'gt') =>
        post('/task/list', {
          fields: 'id',
          filters: [
            { type: 51, operator: 'equal', value: 12 },
            { type: 79, operator, value: { dateType: 'otherDate_withTime', dateFrom } },
          ],
        }).then((r) => r.json.tasks.map((t: { id: number }) => t.id));

      expect(await since('01-06-2024 12:05')).toEqual([old, fresh]);
      // Minute resolution: a change at 12:10:30 is not "after 12:10".
      expect(await since('01-06-2024 12:10')).toEqual([old]);
      expect(await since('01-06-2024 12:10', 'gtAndEqual')).toEqual([old, fresh]);
      expect(await since('01-06-2024 12:11')).toEqual([]);
      expect(await since('31-05-2024 23:59')).toEqual([old, quiet, fresh]);

      // 21 only looks at comments; 38 only at changes.
      const by = (type: number) =>
        post('/task/list', { fields: 'id', filters: [{ type, operator: 'gt', value: { dateType: 'otherDate_withTime', dateFrom: '01-06-2024 12:05' } }] }).then(
          (r) => r.json.tasks.map((t: { id: number }) => t.id),
        );
      expect(await by(21)).toEqual([old]);
      expect(await by(38)).toEqual([fresh]);

      const bad = await post('/task/list', { filters: [{ type: 79, operator: 'gt', value: { dateType: 'otherDate_withTime', dateFrom: '2024-06-01 12:05' } }] });
      expect(bad.json.code).toBe(41);
      const unsupported = await post('/task/list', { filters: [{ type: 9999, operator: 'equal', value: 1 }] });
      expect(unsupported.json.code).toBe(41);
    });
  });

  describe('comments', () => {
    beforeEach(() => boot());

    it('adds comments (contact owner, past dateTime) with global ids and bumps the task', async () => {
      sim.setClock(Date.UTC(2024, 5, 12, 13, 0, 0));
      const cid = await newContact('fb1');
      const t1 = await newTask('p1', cid);
      const t2 = await newTask('p2', cid);
      const a = await post(`/task/${t1}/comments/`, {
        description: 'Ivan Petrov on Facebook:<br>hello',
        owner: { id: `contact:${cid}` },
        dateTime: { date: '12-06-2024', time: '12:15' },
      });
      expect(a.status).toBe(201);
      expect(a.json).toEqual({ result: 'success', id: 1 });
      const b = await post(`/task/${t2}/comments/`, { description: 'second', dateTime: '12-06-2024 12:16:30' });
      expect(b.json.id).toBe(2);

      const list = await post(`/task/${t1}/comments/list`, { fields: 'id,dateTime,type,fromType,description,task,owner,recipients,isDeleted,isHidden' });
      expect(list.json.comments).toEqual([
        {
          id: 1,
          dateTime: { date: '12-06-2024', time: '12:15', datetime: '2024-06-12T12:15Z' },
          type: 'Comment',
          fromType: 'None',
          description: 'Ivan Petrov on Facebook:<br>hello',
          task: { id: t1 },
          owner: { id: `contact:${cid}`, name: 'Ivan Petrov' },
          isDeleted: false,
          isHidden: false,
          recipients: { users: [], groups: [] },
        },
      ]);
      expect(sim.tasks().find((t) => t.id === t1)?.lastCommentAt).toBe('2024-06-12T13:00:00.000Z');
      expect(sim.comments(t2)[0]).toMatchObject({ owner: { id: 'user:1', name: 'fbsync robot' }, dateTime: '2024-06-12T12:16:30.000Z' });

      const badDate = await post(`/task/${t1}/comments/`, { description: 'x', dateTime: '2024-06-12T12:15:00Z' });
      expect(badDate.json.code).toBe(41);
      const missing = await post('/task/4242/comments/', { description: 'x' });
      expect(missing.json.code).toBe(1000);
    });

    it('lists in id order by default, honours resultOrder, paging and typeList', async () => {
      const cid = await newContact('fb1');
      const t = await newTask('p1', cid);
      for (let i = 1; i <= 5; i++) await post(`/task/${t}/comments/`, { description: `c${i}` });
      sim.deleteComment(3);
      const ids = (body: object) => post(`/task/${t}/comments/list`, { fields: 'id', ...body }).then((r) => r.json.comments.map((c: { id: number }) => c.id));

      expect(await ids({})).toEqual([1, 2, 4, 5]);
      expect(await ids({ resultOrder: [{ field: 'id', direction: 'Desc' }] })).toEqual([5, 4, 2, 1]);
      expect(await ids({ pageSize: 2 })).toEqual([1, 2]);
      expect(await ids({ pageSize: 2, offset: 2 })).toEqual([4, 5]);
      expect(await ids({ pageSize: 2, offset: 4 })).toEqual([]);
      expect(await ids({ typeList: 'All' })).toEqual([1, 2, 3, 4, 5]);
      expect(await ids({ typeList: 'Deleted' })).toEqual([3]);

      const big = await post(`/task/${t}/comments/list`, { pageSize: 101 });
      expect(big.json.code).toBe(41);
      const badOrder = await post(`/task/${t}/comments/list`, { resultOrder: [{ filed: 'id', direction: 'Desc' }] });
      expect(badOrder.json.code).toBe(41);
    });

    it('shows an employee reply addressed to the contact, and updates comments', async () => {
      const cid = await newContact('fb1');
      const t = await newTask('p1', cid);
      await post(`/task/${t}/comments/`, { description: 'from fb', owner: { id: `contact:${cid}` } });
      const { id } = sim.quickReply(t, cid, 'Thanks <3\nBye');
      const list = await post(`/task/${t}/comments/list`, { fields: 'id,owner,recipients,description,isNotRead' });
      expect(list.json.comments[1]).toEqual({
        id,
        owner: { id: 'user:5', name: 'Anna Manager' },
        recipients: { users: [{ id: `contact:${cid}`, name: 'Ivan Petrov' }], groups: [] },
        description: 'Thanks &lt;3<br>Bye',
        isNotRead: true,
      });

      const up = await post(`/task/${t}/comments/${id}?silent=true`, { description: 'edited' });
      expect(up.status).toBe(200);
      expect(sim.comments(t)[1].description).toBe('edited');
      const miss = await post(`/task/${t}/comments/999`, { description: 'x' });
      expect(miss.json.code).toBe(5000);
      const one = await get(`/comment/${id}?fields=id,description`);
      expect(one.json.comment).toEqual({ id, description: 'edited' });
    });

    it('allows comments on completed tasks but not where the process forbids them', async () => {
      const t = await newTask('p1');
      sim.setTaskStatus(t, 'Completed');
      expect((await post(`/task/${t}/comments/`, { description: 'late' })).status).toBe(201);
      sim.setCommentsForbidden(t);
      const r = await post(`/task/${t}/comments/`, { description: 'later' });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ result: 'fail', code: 6, error: 'New comments not allowed in this process' });
    });

    it('refuses new comments (400, code 6) in a status named by statusesRefusingComments, and still takes task updates', async () => {
      await srv.close();
      await boot({ statusesRefusingComments: ['Completed'] });
      const t = await newTask('p1');
      expect((await post(`/task/${t}/comments/`, { description: 'while active' })).status).toBe(201);
      sim.setTaskStatus(t, 'Completed');
      const r = await post(`/task/${t}/comments/`, { description: 'after' });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ result: 'fail', code: 6, error: 'New comments not allowed in this process' });
      expect((await post(`/task/${t}?silent=true`, { description: 'note' })).status).toBe(200);
      sim.setTaskStatus(t, 'Cancelled');
      expect((await post(`/task/${t}/comments/`, { description: 'cancelled takes them' })).status).toBe(201);
    });

    it('refuses a contact owner when the account does not accept it', async () => {
      await srv.close();
      await boot({ acceptContactOwner: false });
      const cid = await newContact('fb1');
      const t = await newTask('p1', cid);
      const r = await post(`/task/${t}/comments/`, { description: 'x', owner: { id: `contact:${cid}` } });
      expectRefused(r, 41);
      expect((await post(`/task/${t}/comments/`, { description: 'x' })).status).toBe(201);
    });
  });

  describe('limits', () => {
    it('answers HTTP 200 code 22 once the daily budget is spent, and resets the next day', async () => {
      await boot({ dailyBudget: 3 });
      sim.setClock(Date.UTC(2024, 0, 1, 8, 0, 0));
      for (let i = 0; i < 3; i++) expect((await get('/ping')).status).toBe(200);
      const over = await get('/ping');
      expect(over.status).toBe(200);
      expect(over.json.result).toBe('fail');
      expect(over.json.code).toBe(22);
      expect(over.json.error).toBe('Rest API billing - rate limit exceeded, remaining:0, timeToReset:57600');
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      sim.advanceClock(16 * 3600_000);
      expect((await get('/ping')).json).toEqual({ result: 'success' });
      expect(sim.remainingToday).toBe(2);
    });

    it('limits requests per second when asked, and throttleNext forces one over-limit answer', async () => {
      await boot();
      sim.setMaxRps(2);
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await get('/ping')).json.code ?? 'ok');
      expect(codes).toEqual(['ok', 'ok', 22, 22]);
      sim.setMaxRps(null);
      sim.throttleNext();
      const t = await get('/ping');
      expect(t.status).toBe(200);
      expect(t.json.code).toBe(22);
      expect(t.json.error).toMatch(/timeToReset:\d$/);
      expect((await get('/ping')).json.result).toBe('success');
    });
  });

  describe('fault injection', () => {
    async function faultRun(seed: number) {
      await boot();
      sim.setFaults({ rate: 0.4, kinds: ['http500', 'html', 'truncated', 'throttle'], seed });
      const out: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await get('/ping');
        out.push(`${r.status}:${r.json?.code ?? (r.json ? 'ok' : 'nojson')}`);
      }
      const faulted = sim.requestLog.map((e) => e.faulted ?? '-');
      await srv.close();
      return { out, faulted };
    }

    it('is deterministic for a seed and differs across seeds', async () => {
      const a = await faultRun(7);
      const b = await faultRun(7);
      const c = await faultRun(8);
      expect(a).toEqual(b);
      expect(a.faulted).not.toEqual(c.faulted);
      const n = a.faulted.filter((f) => f !== '-').length;
      expect(n).toBeGreaterThan(3);
      expect(n).toBeLessThan(25);
      expect(a.out).toContain('502:nojson');
      expect(a.out).toContain('500:0');
    });

    it('close() does not wait for a pending slow answer', async () => {
      await boot({ latencyMs: 5 });
      sim.setFaults({ rate: 1, kinds: ['slow'] });
      const pending = get('/ping').catch((e: Error) => e);
      await new Promise((r) => setTimeout(r, 30));
      const started = Date.now();
      await srv.close();
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await pending).toBeInstanceOf(Error);
    });

    it('reset drops the write; resetAfterWrite applies it; slow answers late without applying', async () => {
      await boot();
      sim.setFaults({ rate: 1, kinds: ['reset'] });
      await expect(post('/contact/', { template: { id: 3 }, name: 'A' })).rejects.toThrow();
      expect(sim.contacts()).toHaveLength(0);

      sim.setFaults({ rate: 1, kinds: ['resetAfterWrite'] });
      await expect(post('/contact/', { template: { id: 3 }, name: 'B' })).rejects.toThrow();
      expect(sim.contacts().map((c) => c.name)).toEqual(['B']);

      sim.setFaults({ rate: 1, kinds: ['truncated'] });
      const tr = await post('/contact/', { template: { id: 3 }, name: 'C' });
      expect(tr.status).toBe(201); // the real status; only the body is cut
      expect(tr.json).toBeUndefined();
      expect(sim.contacts()).toHaveLength(2);

      sim.setFaults({ rate: 1, kinds: ['slow'], slowMs: 50 });
      const started = Date.now();
      const slow = await post('/contact/', { template: { id: 3 }, name: 'D' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      expect(slow.status).toBe(504);
      expect(sim.contacts()).toHaveLength(2);

      sim.setFaults(null);
      expect((await get('/ping')).status).toBe(200);
      expect(sim.requestLog.map((e) => e.faulted ?? '-')).toEqual(['reset', 'resetAfterWrite', 'truncated', 'slow', '-']);
    });
  });
});
