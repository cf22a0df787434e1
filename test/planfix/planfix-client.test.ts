import { describe, expect, it } from 'vitest';
import { answers, calls, fail, json, makeClient, ok, pf, rejection, server, useMsw } from './msw-harness.js';
import { RefusedError, ThrottledError } from '../../src/http/errors.js';

useMsw();

const cf = (id: number, value: unknown) => ({ field: { id, name: 'FB id', type: 0 }, value });
/** The body of the first `task/list` page: the configured template (12, filter 51) and `filter` (notes §3). */
const firstTaskPage = (fields: string, filter: Record<string, unknown>) => ({ pageSize: 100, offset: 0, fields, filters: [{ type: 51, operator: 'equal', value: 12 }, filter] });
const status = (id: number, isActive: boolean) => ({ id, name: isActive ? 'New' : 'Done', color: '#fff', isActive, hasDeadline: false, isAppliedIndividually: false });

describe('contacts', () => {
  it('finds a contact by the Facebook id field, exact match only, lowest id first', async () => {
    server.use(
      answers('POST', '/contact/list', {
        contacts: [
          { id: 40, name: 'Ivan', lastname: 'Petrov', customFieldData: [cf(101, '0123456789')] },
          { id: 15, name: 'Ivan', lastname: 'P.', customFieldData: [cf(101, '0123456789')] },
          { id: 9, name: 'Other', customFieldData: [cf(101, '01234567890')] },
        ],
      }),
    );
    const contact = await makeClient().findContactByFacebookId('0123456789');
    expect(contact).toEqual({ id: 15, name: 'Ivan', lastname: 'P.' });
    expect(calls[0].body).toEqual({
      offset: 0,
      pageSize: 100,
      fields: 'id,name,lastname,101',
      filters: [{ type: 4101, field: 101, operator: 'equal', value: '0123456789' }],
    });
  });

  it('answers null when no contact carries exactly that id', async () => {
    server.use(answers('POST', '/contact/list', { contacts: [{ id: 9, name: 'X', customFieldData: [cf(101, '0123456789 ')] }] }));
    expect(await makeClient().findContactByFacebookId('0123456789')).toBeNull();
  });

  it('creates a contact with its photo attached as a file', async () => {
    server.use(
      answers('POST', '/file/from-url/', { id: 77 }),
      pf('POST', '/contact/', () => ok({ id: 16 }, 201)),
    );
    const contact = await makeClient().createContact({ name: 'Ivan', lastname: 'Petrov', facebookId: '555', photoUrl: 'https://cdn.example/p.jpg' });
    expect(contact).toEqual({ id: 16, name: 'Ivan', lastname: 'Petrov' });
    expect(calls.map((c) => c.path)).toEqual(['/rest/file/from-url/', '/rest/contact/']);
    expect(calls[0].body).toEqual({ name: 'facebook-555.jpg', url: 'https://cdn.example/p.jpg' });
    expect(calls[1].body).toEqual({
      template: { id: 3 },
      name: 'Ivan',
      lastname: 'Petrov',
      customFieldData: [{ field: { id: 101 }, value: '555' }],
      files: [{ id: 77 }],
    });
  });

  it('creates a contact without a photo when none is given', async () => {
    server.use(pf('POST', '/contact/', () => ok({ id: 17 }, 201)));
    expect(await makeClient().createContact({ name: 'Solo', facebookId: '556' })).toEqual({ id: 17, name: 'Solo' });
    expect(calls[0].body).toEqual({ template: { id: 3 }, name: 'Solo', customFieldData: [{ field: { id: 101 }, value: '556' }] });
  });

  it('creates the contact without the photo when the upload fails', async () => {
    server.use(
      pf('POST', '/file/from-url/', () => fail(400, 41, 'Invalid parameter: url, file could not be downloaded')),
      pf('POST', '/contact/', () => ok({ id: 18 }, 201)),
    );
    await makeClient().createContact({ name: 'Ivan', facebookId: '557', photoUrl: 'https://cdn.example/gone.jpg' });
    expect(calls[1].body.files).toBeUndefined();
  });

  it('creates the contact without the photo when the token lacks file_add', async () => {
    server.use(
      pf('POST', '/file/from-url/', () => fail(403, 5, 'Forbidden: scope file_add required')),
      pf('POST', '/contact/', () => ok({ id: 19 }, 201)),
    );
    await makeClient().createContact({ name: 'Ivan', facebookId: '558', photoUrl: 'https://cdn.example/p.jpg' });
    expect(calls.map((c) => c.path)).toEqual(['/rest/file/from-url/', '/rest/contact/']);
  });

  it('does not create the contact when the photo upload hits the daily limit', async () => {
    server.use(pf('POST', '/file/from-url/', () => fail(200, 22, 'Rest API billing - rate limit exceeded, remaining:0, timeToReset:100')));
    const error = await rejection(makeClient().createContact({ name: 'Ivan', facebookId: '559', photoUrl: 'https://cdn.example/p.jpg' }));
    expect(error).toBeInstanceOf(ThrottledError);
    expect(calls).toHaveLength(1);
  });

  it('renames silently, sending name and lastname only', async () => {
    server.use(answers('POST', '/contact/15'));
    await makeClient().renameContact(15, 'Ivan', 'Sidorov');
    expect(calls[0].query).toEqual({ silent: 'true' });
    expect(calls[0].body).toEqual({ name: 'Ivan', lastname: 'Sidorov' });
  });
});

describe('tasks', () => {
  it("finds the post's tasks of the template, checking the field value and reading status.isActive", async () => {
    server.use(
      answers('POST', '/task/list', {
        tasks: [
          { id: 5, name: 'Facebook: «old»', status: status(3, false), processId: 1, isDeleted: false, customFieldData: [cf(202, '1_2')] },
          { id: 8, name: 'Facebook: «new»', status: status(1, true), processId: 1, isDeleted: false, customFieldData: [cf(202, '1_2')] },
          { id: 9, name: 'lookalike', status: status(1, true), processId: 1, isDeleted: false, customFieldData: [cf(202, '1_23')] },
        ],
      }),
    );
    const tasks = await makeClient().findTasksByPostId('1_2');
    expect(tasks).toEqual([
      { id: 5, name: 'Facebook: «old»', isActive: false, isDeleted: false, postId: '1_2' },
      { id: 8, name: 'Facebook: «new»', isActive: true, isDeleted: false, postId: '1_2' },
    ]);
    expect(calls[0].body).toEqual(firstTaskPage('id,name,status,processId,isDeleted,202', { type: 101, field: 202, operator: 'equal', value: '1_2' }));
  });

  it('gets a task and reads isActive from its status', async () => {
    server.use(answers('GET', '/task/5', { task: { id: 5, name: 'T', status: status(3, false), processId: 1, isDeleted: false, customFieldData: [cf(202, '1_2')] } }));
    expect(await makeClient().getTask(5)).toEqual({ id: 5, name: 'T', isActive: false, isDeleted: false, postId: '1_2' });
    expect(calls[0].query).toEqual({ fields: 'id,name,status,processId,isDeleted,202' });
  });

  it("falls back to the process's statuses when the status has no isActive, once per process", async () => {
    server.use(
      answers('GET', '/task/5', { task: { id: 5, name: 'A', status: { id: 3, name: 'Done' }, processId: 7 } }),
      answers('GET', '/task/6', { task: { id: 6, name: 'B', status: { id: 1, name: 'New' }, processId: 7 } }),
      answers('GET', '/process/task/7/statuses', { statuses: [{ id: 1, name: 'New', isActive: true }, { id: 3, name: 'Done', isActive: false }] }, { once: true }),
    );
    const client = makeClient();
    expect((await client.getTask(5))?.isActive).toBe(false);
    expect((await client.getTask(6))?.isActive).toBe(true);
    expect(calls.map((c) => c.path)).toEqual(['/rest/task/5', '/rest/process/task/7/statuses', '/rest/task/6']);
    expect(calls[1].query).toEqual({ fields: 'id,name,isActive' });
  });

  it('treats a trashed task as inactive and a missing one as gone', async () => {
    server.use(
      answers('GET', '/task/5', { task: { id: 5, name: 'T', status: status(1, true), processId: 1, isDeleted: true } }),
      pf('GET', '/task/6', () => fail(404, 1000, 'Task not found')),
    );
    const client = makeClient();
    expect(await client.getTask(5)).toEqual({ id: 5, name: 'T', isActive: false, isDeleted: true });
    expect(await client.getTask(6)).toBeNull();
  });

  it('creates a task with the counterparty and the post id', async () => {
    server.use(pf('POST', '/task/', () => ok({ id: 1024 }, 201)));
    const task = await makeClient().createTask({ name: 'Facebook: «hi»', description: 'Post<br>text', postId: '1_2', counterpartyContactId: 15 });
    expect(task).toEqual({ id: 1024, name: 'Facebook: «hi»', isActive: true, isDeleted: false, postId: '1_2' });
    expect(calls[0].body).toEqual({
      template: { id: 12 },
      name: 'Facebook: «hi»',
      description: 'Post<br>text',
      counterparty: { id: 'contact:15' },
      customFieldData: [{ field: { id: 202 }, value: '1_2' }],
    });
  });

  it('updates a description silently; 202 (queued) is success', async () => {
    server.use(pf('POST', '/task/5', () => ok({}, 202)));
    await makeClient().updateTaskDescription(5, 'new <b>text</b>');
    expect(calls[0]).toMatchObject({ query: { silent: 'true' }, body: { description: 'new <b>text</b>' } });
  });

  it('reports fields Planfix did not change as a refusal', async () => {
    server.use(answers('POST', '/task/5', { failures: [{ field: 'description', error: 'Field change failed' }] }));
    const error = await rejection(makeClient().updateTaskDescription(5, 'x'));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toContain('description: Field change failed');
  });

  it('lists tasks changed since a time: UTC minute date, template filter, paging', async () => {
    const ids = Array.from({ length: 130 }, (_, i) => i + 1);
    server.use(
      pf('POST', '/task/list', ({ body }) => ok({ tasks: ids.slice(body.offset, body.offset + body.pageSize).map((id) => ({ id })) })),
    );
    const changed = await makeClient().listTasksChangedSince(new Date('2026-03-05T07:08:59.900Z'));
    expect(changed).toEqual(ids);
    expect(calls.map((c) => c.body.offset)).toEqual([0, 100]);
    expect(calls[0].body).toEqual(firstTaskPage('id', { type: 79, operator: 'gt', value: { dateType: 'otherDate_withTime', dateFrom: '05-03-2026 07:08' } }));
  });

  it('stops paging on exactly 100 when the next page is empty', async () => {
    server.use(
      pf('POST', '/task/list', ({ body }) => ok({ tasks: body.offset === 0 ? Array.from({ length: 100 }, (_, i) => ({ id: i + 1 })) : [] })),
    );
    expect(await makeClient().listTasksChangedSince(new Date('2026-01-01T00:00:00Z'))).toHaveLength(100);
    expect(calls).toHaveLength(2);
  });
});

describe('comments', () => {
  it('adds a comment as the contact, without recipients or dateTime', async () => {
    // The notes' summary shows this answer without "result" (notes §"Summary").
    server.use(pf('POST', '/task/5/comments/', () => json({ id: 31 }, 201)));
    expect(await makeClient().addComment(5, { description: 'Ivan on Facebook:<br>hi', ownerContactId: 15 })).toEqual({ id: 31 });
    expect(calls[0].body).toEqual({ description: 'Ivan on Facebook:<br>hi', owner: { id: 'contact:15' } });
  });

  it('retries without owner when Planfix refuses a contact as author, and remembers', async () => {
    server.use(
      pf('POST', '/task/5/comments/', ({ body }) =>
        body.owner ? fail(400, 41, `Invalid parameter: owner, a contact cannot be the author of a comment - ${body.owner.id}`) : ok({ id: 32 }, 201),
      ),
    );
    const client = makeClient();
    expect(await client.addComment(5, { description: 'one', ownerContactId: 15 })).toEqual({ id: 32 });
    await client.addComment(5, { description: 'two', ownerContactId: 15 });
    expect(calls.map((c) => c.body)).toEqual([
      { description: 'one', owner: { id: 'contact:15' } },
      { description: 'one' },
      { description: 'two' },
    ]);
  });

  it("refuses a comment in a status that forbids comments once the ownerless retry is refused too", async () => {
    server.use(pf('POST', '/task/5/comments/', () => fail(400, 6, 'New comments not allowed in this process')));
    const error = await rejection(makeClient().addComment(5, { description: 'x', ownerContactId: 15 }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toContain("Planfix does not allow new comments in this task's status");
    expect(calls.map((c) => c.body)).toEqual([{ description: 'x', owner: { id: 'contact:15' } }, { description: 'x' }]);
  });

  it('updates a comment silently', async () => {
    server.use(answers('POST', '/task/5/comments/31'));
    await makeClient().updateComment(5, 31, 'edited');
    expect(calls[0]).toMatchObject({ query: { silent: 'true' }, body: { description: 'edited' } });
  });

  it('lists all comments over several pages, oldest first, with owner, time and recipients', async () => {
    const all = Array.from({ length: 230 }, (_, i) => ({
      id: 1000 + i,
      dateTime: { date: '01-06-2022', time: '12:25', datetime: '2022-06-01T12:25Z' },
      type: 'Comment',
      description: `text ${i}`,
      owner: i % 2 ? { id: 'user:2', name: 'Alex' } : { id: 'contact:5', name: 'Ivan' },
      isDeleted: false,
      isHidden: false,
      recipients: { users: i % 2 ? [{ id: 'contact:5', name: 'Ivan' }] : [], groups: [{ id: 1, name: 'Develop' }] },
    }));
    server.use(
      pf('POST', '/task/5/comments/list', ({ body }) => {
        const asc = body.resultOrder?.[0]?.direction === 'Asc';
        const ordered = asc ? all : [...all].reverse();
        return ok({ comments: ordered.slice(body.offset, body.offset + body.pageSize) });
      }),
    );
    const comments = await makeClient().listComments(5);
    expect(comments).toHaveLength(230);
    expect(comments.map((c) => c.id)).toEqual(all.map((c) => c.id));
    expect(comments[1]).toEqual({
      id: 1001,
      taskId: 5,
      description: 'text 1',
      ownerId: 'user:2',
      ownerName: 'Alex',
      dateTime: '2022-06-01T12:25:00.000Z',
      localTime: '01-06-2022 12:25',
      recipientIds: ['contact:5'],
      isDeleted: false,
      isHidden: false,
    });
    expect(calls.map((c) => c.body.offset)).toEqual([0, 100, 200]);
    expect(calls[0].body).toEqual({
      offset: 0,
      pageSize: 100,
      typeList: 'Comments',
      fields: 'id,dateTime,type,description,owner,recipients,isDeleted,isHidden',
      resultOrder: [{ field: 'id', direction: 'Asc' }],
    });
  });

  it('orders comments itself when Planfix ignores resultOrder', async () => {
    server.use(answers('POST', '/task/5/comments/list', { comments: [{ id: 9 }, { id: 3 }, { id: 7 }] }));
    expect((await makeClient().listComments(5)).map((c) => c.id)).toEqual([3, 7, 9]);
  });
});

describe('doctor checks', () => {
  it('pings, lists templates and custom fields', async () => {
    server.use(
      answers('GET', '/ping'),
      answers('GET', '/task/templates', { templates: [{ id: 12, name: 'Facebook post' }] }),
      answers('GET', '/contact/templates', { templates: [{ id: 3, name: 'Client' }] }),
      answers('GET', '/customfield/task', { customfields: [{ id: 202, name: 'FB post', type: 0, objectType: 0 }] }),
      answers('GET', '/customfield/contact', { customfields: [{ id: 101, name: 'FB id', type: 0, objectType: 1 }] }),
    );
    const client = makeClient();
    await client.ping();
    expect(await client.listTaskTemplates()).toEqual([{ id: 12, name: 'Facebook post' }]);
    expect(await client.listContactTemplates()).toEqual([{ id: 3, name: 'Client' }]);
    expect(await client.listCustomFields('task')).toEqual([{ id: 202, name: 'FB post', type: 0 }]);
    expect(await client.listCustomFields('contact')).toEqual([{ id: 101, name: 'FB id', type: 0 }]);
    const paged = { offset: '0', pageSize: '100' };
    expect(calls.slice(1).map((c) => c.query)).toEqual([
      { ...paged, fields: 'id,name' },
      { ...paged, fields: 'id,name' },
      { ...paged, fields: 'id,name,type' },
      { ...paged, fields: 'id,name,type' },
    ]);
    expect(client.requestCount).toBe(5);
  });

  it('keeps the last X-RateLimit-Remaining', async () => {
    server.use(
      pf('GET', '/ping', () => ok({}, 200, { 'X-RateLimit-Remaining': '19876' }), { once: true }),
      pf('GET', '/ping', () => ok({}, 200, { 'X-RateLimit-Remaining': '19875' }), { once: true }),
    );
    const client = makeClient();
    expect(client.remainingToday).toBeUndefined();
    await client.ping();
    expect(client.remainingToday).toBe(19876);
    await client.ping();
    expect(client.remainingToday).toBe(19875);
  });

  it('sends the token as a Bearer header on GET too', async () => {
    // pf() answers 401 code 1 to a wrong or missing header, so success proves the header.
    server.use(answers('GET', '/ping'));
    await makeClient().ping();
    expect(calls).toHaveLength(1);
  });
});
