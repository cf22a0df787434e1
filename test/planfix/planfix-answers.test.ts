import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { OWNER_REFUSALS } from './owner-refusals.js';
import { AuthError, NotFoundError, PermissionError, RefusedError, TransientError } from '../../src/http/errors.js';
import { ContactLimitError } from '../../src/planfix/planfix-errors.js';
import { answers, calls, fail, json, makeClient, ok, pf, rejection, server, useMsw } from './msw-harness.js';

// Every answer shape the Planfix spec (OpenAPI 1.3.3, `swagger.json`) gives for the calls fbsync
// makes, one test each, named after the shape. Success is every 2xx the spec lists, with or
// without a body; only `result:"fail"` or a 4xx/5xx is an error.

useMsw();

const empty = (status: number) => new HttpResponse(null, { status });

describe('update answers (POST /task/{id}, /contact/{id}, /task/{id}/comments/{commentId})', () => {
  it('task update: 202 Accepted with no body is success', async () => {
    server.use(pf('POST', '/task/5', () => empty(202)));
    await makeClient().updateTaskDescription(5, 'new');
    expect(calls).toHaveLength(1);
  });

  it('task update: 200 with no body is success', async () => {
    server.use(pf('POST', '/task/5', () => empty(200)));
    await makeClient().updateTaskDescription(5, 'new');
    expect(calls).toHaveLength(1);
  });

  it('task update: 200 {"result":"success"} is success', async () => {
    server.use(answers('POST', '/task/5'));
    await makeClient().updateTaskDescription(5, 'new');
  });

  it('task update: 200 with failures as one object naming a field not sent (the spec example: counterparty) is success', async () => {
    server.use(pf('POST', '/task/5', () => json({ failures: { field: 'counterparty', error: 'Field change failed' } })));
    await makeClient().updateTaskDescription(5, 'new');
    expect(calls).toHaveLength(1);
  });

  it('task update: failures as an array naming the field sent is a refusal', async () => {
    server.use(pf('POST', '/task/5', () => json({ failures: [{ field: 'counterparty', error: 'x' }, { field: 'description', error: 'Field change failed' }] })));
    const error = await rejection(makeClient().updateTaskDescription(5, 'new'));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toBe('Planfix did not apply POST /rest/task/5: description: Field change failed');
  });

  it('task update: failures as one object naming the field sent is a refusal', async () => {
    server.use(pf('POST', '/task/5', () => json({ failures: { field: 'description', error: 'Field change failed' } })));
    expect(await rejection(makeClient().updateTaskDescription(5, 'new'))).toBeInstanceOf(RefusedError);
  });

  it('task update: 404 {"result":"fail","code":1000} is a missing task', async () => {
    server.use(pf('POST', '/task/5', () => fail(404, 1000, 'Task for update not found by id 5')));
    expect(await rejection(makeClient().updateTaskDescription(5, 'new'))).toBeInstanceOf(NotFoundError);
  });

  it('task update: 405 code 5 (scope denied) is a permission error', async () => {
    server.use(pf('POST', '/task/5', () => fail(405, 5, 'Scope denied, method not allowed')));
    expect(await rejection(makeClient().updateTaskDescription(5, 'new'))).toBeInstanceOf(PermissionError);
  });

  it('comment update: 200 with no body is success', async () => {
    server.use(pf('POST', '/task/5/comments/31', () => empty(200)));
    await makeClient().updateComment(5, 31, 'edited');
    expect(calls).toHaveLength(1);
  });

  it('comment update: 400 code 5000 is a missing comment', async () => {
    server.use(pf('POST', '/task/5/comments/31', () => fail(400, 5000, 'Comment not found by id 31')));
    expect(await rejection(makeClient().updateComment(5, 31, 'edited'))).toBeInstanceOf(NotFoundError);
  });

  it('contact update: 202 with no body is success', async () => {
    server.use(pf('POST', '/contact/15', () => empty(202)));
    await makeClient().renameContact(15, 'Ivan', 'Petrov');
  });

  it('contact update: 200 with failures as one object naming a field not sent (the spec example: template) is success', async () => {
    server.use(pf('POST', '/contact/15', () => json({ failures: { field: 'template', error: 'Field change failed' } })));
    await makeClient().renameContact(15, 'Ivan', 'Petrov');
  });

  it('contact update: 404 code 2000 is a missing contact', async () => {
    server.use(pf('POST', '/contact/15', () => fail(404, 2000, 'Contact for update not found by id 15')));
    expect(await rejection(makeClient().renameContact(15, 'Ivan'))).toBeInstanceOf(NotFoundError);
  });
});

describe('create answers (POST /task/, /contact/, /task/{id}/comments/, /file/from-url/)', () => {
  it('task create: 201 {"result":"success","id":N}', async () => {
    server.use(pf('POST', '/task/', () => ok({ id: 1024 }, 201)));
    expect((await makeClient().createTask({ name: 'T', description: 'd', postId: '1_2' })).id).toBe(1024);
  });

  it('task create: the id as a digit string', async () => {
    server.use(pf('POST', '/task/', () => ok({ id: '1024' }, 201)));
    expect((await makeClient().createTask({ name: 'T', description: 'd', postId: '1_2' })).id).toBe(1024);
  });

  it('task create: 201 with no body is a write whose outcome is unknown (the journal looks for the task)', async () => {
    server.use(pf('POST', '/task/', () => empty(201)));
    const error = await rejection(makeClient().createTask({ name: 'T', description: 'd', postId: '1_2' }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('task create: 400 code 41 is a refusal', async () => {
    server.use(pf('POST', '/task/', () => fail(400, 41, 'Status not find by id 2')));
    expect(await rejection(makeClient().createTask({ name: 'T', description: 'd', postId: '1_2' }))).toBeInstanceOf(RefusedError);
  });

  it('comment create: 201 {"result":"success","id":N}', async () => {
    server.use(pf('POST', '/task/5/comments/', () => ok({ id: 1 }, 201)));
    expect(await makeClient().addComment(5, { description: 'x' })).toEqual({ id: 1 });
  });

  it('comment create: the id as a digit string', async () => {
    server.use(pf('POST', '/task/5/comments/', () => ok({ id: '77' }, 201)));
    expect(await makeClient().addComment(5, { description: 'x' })).toEqual({ id: 77 });
  });

  it('comment create: 400 code 6 (no new comments in this process) without owner is a refusal with code 6', async () => {
    server.use(pf('POST', '/task/5/comments/', () => fail(400, 6, 'New comments not allowed in this process')));
    const error = await rejection(makeClient().addComment(5, { description: 'x' }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.apiCode).toBe(6);
  });

  it('contact create: 201 {"result":"success","id":N}', async () => {
    server.use(pf('POST', '/contact/', () => ok({ id: 15 }, 201)));
    expect((await makeClient().createContact({ name: 'Ivan', facebookId: '1' })).id).toBe(15);
  });

  it('contact create: 400 code 2001 is a refusal', async () => {
    server.use(pf('POST', '/contact/', () => fail(400, 2001, 'Rest API error')));
    expect(await rejection(makeClient().createContact({ name: 'Ivan', facebookId: '1' }))).toBeInstanceOf(RefusedError);
  });

  it('contact create: code 23 (the plan’s contact limit) is a ContactLimitError that says what to do', async () => {
    server.use(pf('POST', '/contact/', () => fail(400, 23, 'The account limit for the number of contacts has been reached')));
    const error = await rejection(makeClient().createContact({ name: 'Ivan', facebookId: '1' }));
    expect(error).toBeInstanceOf(ContactLimitError);
    expect(error.apiCode).toBe(23);
    expect(error.message).toMatch(/limit on the number of contacts.*Upgrade the Planfix plan or delete contacts/);
    expect(calls).toHaveLength(1);
  });

  it('file from URL: 200 {"result":"success","id":N} attaches the photo', async () => {
    server.use(
      answers('POST', '/file/from-url/', { id: 147 }),
      pf('POST', '/contact/', () => ok({ id: 15 }, 201)),
    );
    await makeClient().createContact({ name: 'Ivan', facebookId: '1', photoUrl: 'https://cdn.example/p.jpg' });
    expect(calls[1]!.body.files).toEqual([{ id: 147 }]);
  });
});

describe('GET /ping', () => {
  it('200 {"result":"success"}', async () => {
    server.use(answers('GET', '/ping'));
    await makeClient().ping();
  });

  it('401 code 1 is a refused token', async () => {
    server.use(pf('GET', '/ping', () => fail(401, 1, 'Access denied, unknown token')));
    expect(await rejection(makeClient().ping())).toBeInstanceOf(AuthError);
  });

  it('500 code 0 on a read is transient and retried', async () => {
    server.use(pf('GET', '/ping', () => fail(500, 0, 'Rest API error'), { once: true }), answers('GET', '/ping'));
    await makeClient().ping();
    expect(calls).toHaveLength(2);
  });
});

describe('comment authorship degrades, never loops', () => {
  it.each([...OWNER_REFUSALS, [2000, 'Contact not found']] as const)('owner refused with code %i: written without owner once, and the run remembers', async (code, text) => {
    server.use(pf('POST', '/task/5/comments/', ({ body }) => (body.owner ? fail(400, code, text) : ok({ id: 40 + calls.length }, 201))));
    const client = makeClient();
    // The id is the one Planfix gave the second attempt, the one without owner (40 + 2 calls).
    expect((await client.addComment(5, { description: 'one', ownerContactId: 15 })).id).toBe(42);
    await client.addComment(5, { description: 'two', ownerContactId: 15 });
    expect(calls.map((c) => c.body)).toEqual([{ description: 'one', owner: { id: 'contact:15' } }, { description: 'one' }, { description: 'two' }]);
  });

  it('code 6 with and without owner is the real refusal (comments closed in this status), and owner is not remembered as refused', async () => {
    server.use(
      pf('POST', '/task/5/comments/', () => fail(400, 6, 'New comments not allowed in this process')),
      pf('POST', '/task/6/comments/', () => ok({ id: 9 }, 201)),
    );
    const client = makeClient();
    const error = await rejection(client.addComment(5, { description: 'x', ownerContactId: 15 }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.apiCode).toBe(6);
    expect(error.message).toContain("Planfix does not allow new comments in this task's status");
    await client.addComment(6, { description: 'y', ownerContactId: 15 });
    expect(calls.map((c) => c.body)).toEqual([{ description: 'x', owner: { id: 'contact:15' } }, { description: 'x' }, { description: 'y', owner: { id: 'contact:15' } }]);
  });

  it('an answer that may come after the write (HTTP 500) is not repeated without owner', async () => {
    server.use(pf('POST', '/task/5/comments/', () => fail(500, 0, 'Rest API error')));
    const error = await rejection(makeClient().addComment(5, { description: 'x', ownerContactId: 15 }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });
});

describe('task counterparty degrades, never loops', () => {
  const task = { name: 'T', description: 'd', postId: '1_2', counterpartyContactId: 15 };

  it('counterparty refused by a code whose text names it: created without it once, and the run remembers', async () => {
    server.use(pf('POST', '/task/', ({ body }) => (body.counterparty ? fail(400, 41, 'Invalid parameter: counterparty') : ok({ id: 1000 + calls.length }, 201))));
    const client = makeClient();
    await client.createTask(task);
    await client.createTask({ ...task, postId: '1_3' });
    expect(calls.map((c) => c.body.counterparty)).toEqual([{ id: 'contact:15' }, undefined, undefined]);
  });

  it('failures naming counterparty on a created task: the task stands, and the run remembers', async () => {
    server.use(pf('POST', '/task/', ({ body }) => ok({ id: 1000 + calls.length, ...(body.counterparty ? { failures: [{ field: 'counterparty', error: 'Field change failed' }] } : {}) }, 201)));
    const client = makeClient();
    expect((await client.createTask(task)).id).toBe(1001);
    await client.createTask({ ...task, postId: '1_3' });
    expect(calls.map((c) => c.body.counterparty)).toEqual([{ id: 'contact:15' }, undefined]);
  });

  it('a refusal that does not name the counterparty is not retried', async () => {
    server.use(pf('POST', '/task/', () => fail(400, 1001, 'Error adding task')));
    expect(await rejection(makeClient().createTask(task))).toBeInstanceOf(RefusedError);
    expect(calls).toHaveLength(1);
  });
});

describe('doctor lists are paged, 100 a page', () => {
  const named = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ id: from + i, name: `T${from + i}` }));

  it('task and contact templates: every page, offset and pageSize in the query (spec: GET /task/templates, /contact/templates)', async () => {
    const all = named(230);
    const page = (q: Record<string, string>) => ok({ templates: all.slice(Number(q.offset), Number(q.offset) + Number(q.pageSize)) });
    server.use(pf('GET', '/task/templates', ({ query }) => page(query)), pf('GET', '/contact/templates', ({ query }) => page(query)));
    const client = makeClient();
    expect(await client.listTaskTemplates()).toHaveLength(230);
    expect(await client.listContactTemplates()).toHaveLength(230);
    expect(calls.map((c) => c.query)).toEqual(
      [0, 100, 200, 0, 100, 200].map((offset) => ({ offset: String(offset), pageSize: '100', fields: 'id,name' })),
    );
  });

  it('custom fields: every page when Planfix honours the offset', async () => {
    const all = named(150).map((f) => ({ ...f, type: 0 }));
    server.use(pf('GET', '/customfield/task', ({ query }) => ok({ customfields: all.slice(Number(query.offset), Number(query.offset) + 100) })));
    expect(await makeClient().listCustomFields('task')).toHaveLength(150);
    expect(calls).toHaveLength(2);
  });

  it('custom fields: a repeated page means the offset was ignored (the spec lists no paging there) and ends the list', async () => {
    const all = named(120).map((f) => ({ ...f, type: 0 }));
    server.use(answers('GET', '/customfield/contact', { customfields: all }));
    expect(await makeClient().listCustomFields('contact')).toHaveLength(120);
    expect(calls).toHaveLength(2);
  });
});

describe('an empty body on a read is not a success shape', () => {
  it('a 200 with no body on a list is retried like any answer that is not JSON', async () => {
    server.use(
      pf('POST', '/task/list', () => empty(200), { once: true }),
      answers('POST', '/task/list', { tasks: [] }),
    );
    expect(await makeClient().listTasksChangedSince(new Date('2026-01-01T00:00:00Z'))).toEqual([]);
    expect(calls).toHaveLength(2);
  });
});
