import { describe, expect, it } from 'vitest';
import { malformedFrom } from '../malformed.js';
import { AnswerReader } from '../../src/planfix/parse.js';

// § Guarantees of behaviour.md, "Bad input gets a clear error … a malformed API answer — the
// message names what is wrong", for Planfix answers, on plain JSON values: every shape the spec
// and api-notes-planfix.md allow is read (ids as numbers or digit strings, keys left out,
// `failures` as an array or one object, an empty 2xx body), and every shape fbsync cannot read is
// a MalformedResponseError naming the request and the field. No process, no HTTP.

const WHERE = 'POST /rest/task/list';
const read = new AnswerReader(WHERE);
const FB_FIELD = 101;
const POST_FIELD = 202;

const malformed = (read: () => unknown) => malformedFrom('planfix', read);

const cf = (id: unknown, value: unknown) => ({ field: { id, name: 'FB id', type: 0 }, value });
const response = (body: string) => ({ status: 200, headers: {}, body });

describe('bad input: the body of a Planfix answer', () => {
  it('a JSON object is read; an empty 2xx body (the spec’s updates) reads as {}', () => {
    expect(read.body(response('{"result":"success","id":5}'))).toEqual({ result: 'success', id: 5 });
    expect(read.body(response(''))).toEqual({});
    expect(read.body(response('  \n'))).toEqual({});
  });

  it('a body that is not a JSON object is named', () => {
    for (const body of ['<html>502</html>', '{"result":', '[1,2]', '"success"', 'null']) {
      expect(malformed(() => read.body(response(body))).message).toBe(`Planfix answer to ${WHERE}: the body is not a JSON object`);
    }
  });
});

describe('bad input: Planfix ids', () => {
  it('an id is an integer or a digit string', () => {
    expect(read.id(1024, 'id')).toBe(1024);
    expect(read.id('1024', 'id')).toBe(1024);
    expect(read.optId(undefined, 'status.id')).toBeUndefined();
    expect(read.optId(null, 'status.id')).toBeUndefined();
    expect(read.optId('7', 'status.id')).toBe(7);
  });

  it('a created object’s id, as a number or a digit string', () => {
    expect(read.createdId({ result: 'success', id: 31 })).toBe(31);
    expect(read.createdId({ id: '31' })).toBe(31);
  });

  it('an id that is missing, fractional, too big or not digits is named, with what came', () => {
    expect(malformed(() => read.createdId({ result: 'success' })).message).toBe(`Planfix answer to ${WHERE}: id is missing`);
    expect(malformed(() => read.id(null, 'tasks[0].id')).message).toContain('tasks[0].id is missing');
    expect(malformed(() => read.id(1.5, 'tasks[0].id')).message).toContain('tasks[0].id is not an id (1.5)');
    expect(malformed(() => read.id(2 ** 60, 'tasks[0].id')).message).toContain('tasks[0].id is not an id');
    // A digit string too long to be read exactly would become another task's id.
    expect(malformed(() => read.id('12345678901234567890', 'tasks[0].id')).message).toContain('tasks[0].id is not an id ("12345678901234567890")');
    expect(malformed(() => read.id('12a', 'tasks[0].id')).message).toContain('tasks[0].id is not an id ("12a")');
    expect(malformed(() => read.id('', 'tasks[0].id')).message).toContain('tasks[0].id is not an id ("")');
    expect(malformed(() => read.id({ id: 1 }, 'tasks[0].id')).message).toContain('tasks[0].id is not an id ({"id":1})');
  });
});

describe('bad input: failures (fields Planfix did not change)', () => {
  it('absent or null: none', () => {
    expect(read.failures({ result: 'success' })).toEqual([]);
    expect(read.failures({ failures: null })).toEqual([]);
  });

  it('as an array (the spec’s schema) or as one object (its examples); a field or error left out is ""', () => {
    expect(read.failures({ failures: [{ field: 'description', error: 'Field change failed' }, { error: 'x' }] })).toEqual([
      { field: 'description', error: 'Field change failed' },
      { field: '', error: 'x' },
    ]);
    expect(read.failures({ failures: { field: 'counterparty', error: 'Field change failed' } })).toEqual([{ field: 'counterparty', error: 'Field change failed' }]);
    expect(read.failures({ failures: [{}] })).toEqual([{ field: '', error: '' }]);
  });

  it('names a failure that is not an object, or whose field is not text', () => {
    expect(malformed(() => read.failures({ failures: 'counterparty' })).message).toBe(`Planfix answer to ${WHERE}: failures is not an object`);
    expect(malformed(() => read.failures({ failures: [{ field: 'a' }, 3] })).message).toContain('failures[1] is not an object');
    expect(malformed(() => read.failures({ failures: [{ field: ['a'] }] })).message).toContain('failures[0].field is not a string');
    expect(malformed(() => read.failures({ failures: [{ field: 'a', error: true }] })).message).toContain('failures[0].error is not a string');
  });
});

describe('bad input: contacts (rule 1’s lookup)', () => {
  it('a contact with its Facebook id field; the id as a digit string, the field id as a string, the value as a number', () => {
    const body = {
      contacts: [
        { id: 15, name: 'Ivan', lastname: 'Petrov', customFieldData: [cf(99, 'other'), cf(FB_FIELD, '0123456789')] },
        { id: '16', name: 'Olga', customFieldData: [cf(String(FB_FIELD), 123)] },
      ],
    };
    expect(read.contacts(body, FB_FIELD)).toEqual([
      { contact: { id: 15, name: 'Ivan', lastname: 'Petrov' }, facebookId: '0123456789' },
      { contact: { id: 16, name: 'Olga' }, facebookId: '123' },
    ]);
  });

  it('a contact without name, custom fields or the Facebook id field (or with a value that is not a line) has no Facebook id', () => {
    expect(read.contacts({ contacts: [{ id: 1 }, { id: 2, customFieldData: null }, { id: 3, customFieldData: [cf(99, 'x')] }, { id: 4, customFieldData: [cf(FB_FIELD, { v: 1 })] }] }, FB_FIELD)).toEqual([
      { contact: { id: 1, name: '' }, facebookId: undefined },
      { contact: { id: 2, name: '' }, facebookId: undefined },
      { contact: { id: 3, name: '' }, facebookId: undefined },
      { contact: { id: 4, name: '' }, facebookId: undefined },
    ]);
    expect(read.contacts({ contacts: [] }, FB_FIELD)).toEqual([]);
  });

  it('names what is wrong in a contact list', () => {
    expect(malformed(() => read.contacts({ result: 'success' }, FB_FIELD)).message).toBe(`Planfix answer to ${WHERE}: contacts is missing`);
    expect(malformed(() => read.contacts({ contacts: {} }, FB_FIELD)).message).toContain('contacts is not an array');
    expect(malformed(() => read.contacts({ contacts: [{ id: 1 }, { name: 'x' }] }, FB_FIELD)).message).toContain('contacts[1].id is missing');
    expect(malformed(() => read.contacts({ contacts: [{ id: 1, name: {} }] }, FB_FIELD)).message).toContain('contacts[0].name is not a string');
    expect(malformed(() => read.contacts({ contacts: [{ id: 1, customFieldData: {} }] }, FB_FIELD)).message).toContain('contacts[0].customFieldData is not an array');
    expect(malformed(() => read.contacts({ contacts: [{ id: 1, customFieldData: [{ value: 'x' }] }] }, FB_FIELD)).message).toContain('contacts[0].customFieldData[0].field is missing');
    expect(malformed(() => read.contacts({ contacts: [{ id: 1, customFieldData: [cf('F', 'x')] }] }, FB_FIELD)).message).toContain('contacts[0].customFieldData[0].field.id is not an id');
  });
});

describe('bad input: tasks (rule 2’s lookup)', () => {
  it('a task with status, process, deletion and its post id; ids as digit strings', () => {
    const body = { tasks: [{ id: '1024', name: 'Facebook: «hi»', status: { id: '3', isActive: false }, processId: '8', isDeleted: true, customFieldData: [cf(POST_FIELD, '104_555')] }] };
    expect(read.tasks(body, POST_FIELD)).toEqual([
      { path: 'tasks[0]', id: 1024, name: 'Facebook: «hi»', status: { id: 3, isActive: false }, processId: 8, isDeleted: true, postId: '104_555' },
    ]);
  });

  it('a task without name, status, process, isDeleted or post id: defaults, and the status left to be looked up', () => {
    expect(read.tasks({ tasks: [{ id: 7 }, { id: 8, status: { id: 2 } }] }, POST_FIELD)).toEqual([
      { path: 'tasks[0]', id: 7, name: '', status: undefined, processId: undefined, isDeleted: false, postId: undefined },
      { path: 'tasks[1]', id: 8, name: '', status: { id: 2, isActive: undefined }, processId: undefined, isDeleted: false, postId: undefined },
    ]);
  });

  it('one task (GET /task/{id}) is read the same way, under `task`', () => {
    expect(read.task({ task: { id: 5, status: { isActive: true } } }, POST_FIELD)).toMatchObject({ path: 'task', id: 5, status: { isActive: true } });
  });

  it('names what is wrong in a task or a task list', () => {
    expect(malformed(() => read.tasks({}, POST_FIELD)).message).toBe(`Planfix answer to ${WHERE}: tasks is missing`);
    expect(malformed(() => read.tasks({ tasks: [{ id: 1 }, 'task'] }, POST_FIELD)).message).toContain('tasks[1] is not an object');
    expect(malformed(() => read.tasks({ tasks: [{ id: 1, status: 'active' }] }, POST_FIELD)).message).toContain('tasks[0].status is not an object');
    expect(malformed(() => read.tasks({ tasks: [{ id: 1, status: { isActive: 'yes' } }] }, POST_FIELD)).message).toContain('tasks[0].status.isActive is not a boolean');
    expect(malformed(() => read.tasks({ tasks: [{ id: 1, isDeleted: 0 }] }, POST_FIELD)).message).toContain('tasks[0].isDeleted is not a boolean');
    expect(malformed(() => read.tasks({ tasks: [{ id: 1, processId: 'p' }] }, POST_FIELD)).message).toContain('tasks[0].processId is not an id');
    expect(malformed(() => read.task({ result: 'success' }, POST_FIELD)).message).toBe(`Planfix answer to ${WHERE}: task is missing`);
  });

  it('a process’s statuses: id → active; a status without isActive is named', () => {
    expect(read.statuses({ statuses: [{ id: 1, name: 'New', isActive: true }, { id: '3', isActive: false }] })).toEqual(new Map([[1, true], [3, false]]));
    expect(malformed(() => read.statuses({ statuses: [{ id: 1, isActive: true }, { id: 2 }] })).message).toContain('statuses[1].isActive is missing');
    expect(malformed(() => read.statuses({ statuses: [{ id: 1, isActive: 'no' }] })).message).toContain('statuses[0].isActive is not a boolean');
    expect(malformed(() => read.statuses({})).message).toContain('statuses is missing');
  });
});

describe('bad input: comments (rule 4’s answers)', () => {
  it('a comment with owner, time and recipients; ids as numbers or strings', () => {
    const body = {
      comments: [
        {
          id: '31',
          description: 'Thanks!',
          owner: { id: 'user:5', name: 'Anna' },
          dateTime: { date: '05-01-2026', time: '11:00', datetime: '2026-01-05T10:00Z' },
          recipients: { users: [{ id: 'contact:15' }, { id: 7 }] },
          isDeleted: false,
          isHidden: true,
        },
      ],
    };
    expect(read.comments(body, 5)).toEqual([
      {
        id: 31,
        taskId: 5,
        description: 'Thanks!',
        recipientIds: ['contact:15', '7'],
        isDeleted: false,
        isHidden: true,
        ownerId: 'user:5',
        ownerName: 'Anna',
        dateTime: '2026-01-05T10:00:00.000Z',
        localTime: '05-01-2026 11:00',
      },
    ]);
  });

  it('a comment without description, owner, time, recipients or flags: empty text, nobody notified, not deleted or hidden', () => {
    expect(read.comments({ comments: [{ id: 31 }, { id: 32, recipients: {}, dateTime: { datetime: 'garbage' } }] }, 5)).toEqual([
      { id: 31, taskId: 5, description: '', recipientIds: [], isDeleted: false, isHidden: false },
      { id: 32, taskId: 5, description: '', recipientIds: [], isDeleted: false, isHidden: false },
    ]);
  });

  it('names what is wrong in a comment', () => {
    expect(malformed(() => read.comments({ comments: [{ id: 1, recipients: { users: [{ name: 'x' }] } }] }, 5)).message).toBe(
      `Planfix answer to ${WHERE}: comments[0].recipients.users[0].id is missing`,
    );
    expect(malformed(() => read.comments({ comments: [{ id: 1, recipients: { users: 'all' } }] }, 5)).message).toContain('comments[0].recipients.users is not an array');
    expect(malformed(() => read.comments({ comments: [{ id: 1, owner: 'user:5' }] }, 5)).message).toContain('comments[0].owner is not an object');
    expect(malformed(() => read.comments({ comments: [{ id: 1, isHidden: 'no' }] }, 5)).message).toContain('comments[0].isHidden is not a boolean');
    expect(malformed(() => read.comments({ comments: [{ description: 'x' }] }, 5)).message).toContain('comments[0].id is missing');
  });
});

describe('bad input: doctor’s lists', () => {
  it('templates and custom fields: ids as numbers or strings, a name left out is ""', () => {
    expect(read.templates({ templates: [{ id: 12, name: 'Facebook' }, { id: '3' }] })).toEqual([{ id: 12, name: 'Facebook' }, { id: 3, name: '' }]);
    expect(read.customFields({ customfields: [{ id: 101, name: 'FB id', type: 0 }, { id: '202', type: 1 }] })).toEqual([
      { id: 101, name: 'FB id', type: 0 },
      { id: 202, name: '', type: 1 },
    ]);
  });

  it('names a missing list, a template without id, a custom field without a numeric type', () => {
    expect(malformed(() => read.templates({})).message).toBe(`Planfix answer to ${WHERE}: templates is missing`);
    expect(malformed(() => read.templates({ templates: [{ name: 'x' }] })).message).toContain('templates[0].id is missing');
    expect(malformed(() => read.customFields({ customfields: [{ id: 1 }] })).message).toContain('customfields[0].type is missing');
    expect(malformed(() => read.customFields({ customfields: [{ id: 1, type: 'Line' }] })).message).toContain('customfields[0].type is not a number');
  });
});

describe('bad input: the message never carries a secret', () => {
  it('a token Planfix echoes in a bad id is redacted from the message', async () => {
    const { registerSecret } = await import('../../src/http/secrets.js');
    registerSecret('pf-TOKEN-7f3a9c1e55b2');
    const error = malformed(() => read.id('pf-TOKEN-7f3a9c1e55b2', 'id'));
    expect(error.message).not.toContain('pf-TOKEN-7f3a9c1e55b2');
    expect(error.message).toContain('id is not an id');
  });
});
