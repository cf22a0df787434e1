import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { AuthError, MalformedResponseError, NotFoundError, PermissionError, RefusedError, ThrottledError, TransientError } from '../../src/http/errors.js';
import { ConfigError } from '../../src/errors.js';
import { answers, calls, fail, makeClient, ok, pf, rejection, server, TOKEN, useMsw } from './msw-harness.js';

useMsw();

const html502 = () =>
  new HttpResponse('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>', {
    status: 502,
    headers: { 'Content-Type': 'text/html' },
  });

describe('every fail body is an error, whatever the HTTP status', () => {
  it.each([
    [1, 401, 'Invalid token', AuthError, /Planfix refused the API token \(code 1: Invalid token\) on GET \/rest\/ping\. Check planfix\.token.*fbsync doctor/],
    [2, 401, 'Token is not active', AuthError, /refused the API token/],
    [16, 200, 'User is not active', AuthError, /refused the API token/],
    [10, 403, 'Account is blocked', AuthError, /the Planfix account is blocked/],
    [11, 403, 'Account is frozen', AuthError, /frozen/],
    [20, 402, 'Account is not paid', AuthError, /not paid/],
    [21, 402, 'Free plan', AuthError, /free plan/],
    [5, 403, 'Forbidden for scope task_readonly', PermissionError, /give the token the task_readonly scope/],
    [5, 403, 'Forbidden', PermissionError, /the scope this call needs/],
    [22, 200, 'Rest API billing - rate limit exceeded, remaining:0, timeToReset:57283', ThrottledError, /request limit reached.*resets in about 15\.9 h/],
    [0, 404, 'Unknown method', NotFoundError, /GET \/rest\/ping/],
    [0, 400, 'Bad request', RefusedError, /^Planfix refused GET \/rest\/ping \(code 0: Bad request, HTTP 400\)$/],
    [6, 403, 'Forbidden for user', RefusedError, /^Planfix does not allow the token's employee to do this \(code 6: Forbidden for user\) on GET \/rest\/ping$/],
  ] as const)('code %i (HTTP %i) → %s', async (code, status, text, Type, message) => {
    server.use(pf('GET', '/ping', () => fail(status, code, text)));
    const error = await rejection(makeClient().ping());
    expect(error).toBeInstanceOf(Type);
    expect(error.side).toBe('planfix');
    expect(error.apiCode).toBe(code);
    expect(error.message).toMatch(message);
    expect(calls).toHaveLength(1);
  });

  it.each([
    [1000, 404, 'Task not found', NotFoundError],
    [1002, 400, 'Task update error', RefusedError],
    [40, 400, 'Missing parameter: description', RefusedError],
    [30, 400, 'Invalid JSON', RefusedError],
    [77, 400, 'Something new', RefusedError],
  ] as const)('code %i (HTTP %i) on a write → %s, with the API text', async (code, status, text, Type) => {
    server.use(pf('POST', '/task/5', () => fail(status, code, text)));
    const error = await rejection(makeClient().updateTaskDescription(5, 'x'));
    expect(error).toBeInstanceOf(Type);
    expect(error.message).toContain(text);
    expect(error.message).toContain('POST /rest/task/5');
    expect(calls).toHaveLength(1);
  });

  it('a fail answer without a code is judged by its HTTP status', async () => {
    server.use(pf('GET', '/ping', () => HttpResponse.json({ result: 'fail', error: 'Bad request' }, { status: 400 })));
    const error = await rejection(makeClient().ping());
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.apiCode).toBeUndefined();
    expect(error.message).toBe('Planfix refused GET /rest/ping (no code: Bad request, HTTP 400)');
  });

  it('a 2000 on rename is NotFoundError; a 5000 on a comment update too', async () => {
    server.use(pf('POST', '/contact/15', () => fail(404, 2000, 'Contact not found')), pf('POST', '/task/5/comments/9', () => fail(404, 5000, 'Comment not found')));
    expect(await rejection(makeClient().renameContact(15, 'A'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(makeClient().updateComment(5, 9, 'x'))).toBeInstanceOf(NotFoundError);
  });

  it('"rate limit exceeded" text is a throttle whatever the code', async () => {
    server.use(pf('POST', '/task/list', () => fail(200, 0, 'Rest API billing - rate limit exceeded, too many requests per second, remaining:100, timeToReset:1')));
    const error = await rejection(makeClient().listTasksChangedSince(new Date()));
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.retryAfterMs).toBe(1000);
    expect(calls).toHaveLength(1);
  });
});

describe('throttle', () => {
  it('code 22 with HTTP 200 stops the Planfix side: retryAfterMs kept, no further request', async () => {
    server.use(pf('POST', '/contact/list', () => fail(200, 22, 'Rest API billing - rate limit exceeded, remaining:0, timeToReset:57283'), { once: true }));
    const client = makeClient();
    const first = await rejection(client.findContactByFacebookId('1'));
    expect(first).toBeInstanceOf(ThrottledError);
    expect(first.retryAfterMs).toBe(57_283_000);
    const second = await rejection(client.getTask(5));
    expect(second).toBeInstanceOf(ThrottledError);
    expect(second.retryAfterMs).toBe(57_283_000);
    expect(client.throttle.stopped).toBe(first);
    expect(calls).toHaveLength(1);
  });
});

describe('retries', () => {
  it('a 500 on a write is outcome-unknown and not repeated', async () => {
    server.use(pf('POST', '/task/', () => fail(500, 0, 'Unknown error')));
    const error = await rejection(makeClient().createTask({ name: 'n', description: 'd', postId: '1_2' }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.outcomeUnknown).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('a 500 on a …/list POST is a read: repeated like a GET', async () => {
    server.use(pf('POST', '/task/5/comments/list', () => fail(500, 0, 'Unknown error'), { once: true }), answers('POST', '/task/5/comments/list', { comments: [{ id: 1 }] }));
    expect(await makeClient().listComments(5)).toHaveLength(1);
    expect(calls).toHaveLength(2);
  });

  it('code 3 (object busy) on a write is retried: nothing was applied', async () => {
    server.use(pf('POST', '/task/5/comments/', () => fail(400, 3, 'Object is being modified'), { once: true }), pf('POST', '/task/5/comments/', () => ok({ id: 4 }, 201)));
    expect(await makeClient().addComment(5, { description: 'x' })).toEqual({ id: 4 });
    expect(calls).toHaveLength(2);
  });

  it('code 3 that persists ends as a transient error with nothing applied', async () => {
    server.use(pf('POST', '/task/5', () => fail(200, 3, 'Object is being modified')));
    const error = await rejection(makeClient().updateTaskDescription(5, 'x'));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.outcomeUnknown).toBe(false);
    expect(calls).toHaveLength(3);
  });
});

describe('answers that are not JSON', () => {
  it('an HTML 502 page is transient, named, and retried on GET', async () => {
    server.use(pf('GET', '/task/5', html502));
    const error = await rejection(makeClient({ backoff: { retries: 2, baseMs: 1, capMs: 2 } }).getTask(5));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe('Planfix answered GET /rest/task/5 with an HTML page (HTTP 502)');
    expect(calls).toHaveLength(3);
  });

  it('truncated JSON after a create is outcome-unknown and not repeated', async () => {
    server.use(pf('POST', '/task/', () => new HttpResponse('{"result":"success","i', { status: 201, headers: { 'Content-Type': 'application/json' } })));
    const error = await rejection(makeClient().createTask({ name: 'n', description: 'd', postId: '1_2' }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toContain('invalid or truncated JSON (HTTP 201)');
    expect(calls).toHaveLength(1);
  });

  it('an HTML 404 means the address is not the REST API: a config error on planfix.url', async () => {
    server.use(pf('GET', '/ping', () => new HttpResponse('<html><body>Not Found</body></html>', { status: 404, headers: { 'Content-Type': 'text/html' } })));
    const error = await rejection(makeClient().ping());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('planfix.url');
  });

  it('a redirect is a config error on planfix.url', async () => {
    server.use(pf('GET', '/ping', () => new HttpResponse(null, { status: 301, headers: { Location: 'https://acme.planfix.ru/rest/ping' } })));
    const error = await rejection(makeClient().ping());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('to https://acme.planfix.ru/rest/ping');
  });
});

describe('answers that are JSON of the wrong shape', () => {
  it('names the field that is wrong', async () => {
    server.use(answers('POST', '/task/list', { tasks: [{ id: 1 }, { name: 'no id' }] }));
    const error = await rejection(makeClient().listTasksChangedSince(new Date()));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toBe('Planfix answer to POST /rest/task/list: tasks[1].id is missing');
  });

  it('a create answer without id: the contact was probably made, so the outcome is unknown (the journal looks before writing again)', async () => {
    server.use(pf('POST', '/contact/', () => ok({}, 201)));
    const error = await rejection(makeClient().createContact({ name: 'A', facebookId: '1' }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toBe('Planfix answer to POST /rest/contact/: id is missing; the write may have been applied');
  });

  it('a status the process does not know', async () => {
    server.use(
      answers('GET', '/task/5', { task: { id: 5, name: 'A', status: { id: 9 }, processId: 7 } }),
      answers('GET', '/process/task/7/statuses', { statuses: [{ id: 1, name: 'New', isActive: true }] }),
    );
    const error = await rejection(makeClient().getTask(5));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toContain('task.status.id is 9, which is not a status of process 7');
  });
});

describe('configuration mistakes the answer proves', () => {
  it('an unknown task template → planfix.taskTemplateId', async () => {
    server.use(pf('POST', '/task/', () => fail(400, 41, 'Invalid parameter: template, task template not found by id - 12')));
    const error = await rejection(makeClient().createTask({ name: 'n', description: 'd', postId: '1' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('planfix.taskTemplateId');
    expect(error.message).toContain('Planfix has no task template 12');
  });

  it('an unknown contact template → planfix.contactTemplateId', async () => {
    server.use(pf('POST', '/contact/', () => fail(400, 2001, 'Contact add error: template not found')));
    const error = await rejection(makeClient().createContact({ name: 'A', facebookId: '1' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('planfix.contactTemplateId');
  });

  it('a custom field the task template lacks → planfix.fields.taskPostId', async () => {
    server.use(pf('POST', '/task/', () => fail(400, 1001, 'Task add error: custom field not found by id - 202')));
    const error = await rejection(makeClient().createTask({ name: 'n', description: 'd', postId: '1' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('planfix.fields.taskPostId');
    expect(error.message).toMatch(/has no custom field 202.*Set planfix\.fields\.taskPostId/);
  });

  it('a filter on an unknown contact field → planfix.fields.contactFacebookId', async () => {
    server.use(pf('POST', '/contact/list', () => fail(400, 41, 'Invalid parameter: filter type 4101, custom field not found by id - 101')));
    const error = await rejection(makeClient().findContactByFacebookId('1'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('planfix.fields.contactFacebookId');
  });

  it('an unrelated refusal that mentions a longer number stays a refusal', async () => {
    server.use(pf('POST', '/task/', () => fail(400, 41, 'Invalid parameter: counterparty, contact not found by id - 2021')));
    expect(await rejection(makeClient().createTask({ name: 'n', description: 'd', postId: '1', counterpartyContactId: 2021 }))).toBeInstanceOf(RefusedError);
  });
});

describe('secrets', () => {
  it('never puts the token into a message, even when Planfix echoes it', async () => {
    server.use(
      pf('GET', '/ping', () => fail(401, 1, `Invalid token ${TOKEN}`)),
      pf('POST', '/task/', () => fail(500, 0, `Unknown error for Bearer ${TOKEN}`)),
      answers('POST', '/task/list', { tasks: [{ id: TOKEN }] }),
    );
    const client = makeClient();
    for (const p of [client.ping(), client.createTask({ name: 'n', description: 'd', postId: '1' }), client.listTasksChangedSince(new Date())]) {
      const error = await rejection(p);
      expect(error.message).not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
    }
  });
});

describe('pacing', () => {
  it('spaces request starts by 1000 / requestsPerSecond', async () => {
    // The pace is decided by the side's Throttle; on a fake clock the decision is exact (real
    // arrival times under load are not, and tests never assert wall-clock time).
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const client = makeClient({ requestsPerSecond: 20, concurrency: 4 });
      const t0 = Date.now();
      const admitted: number[] = [];
      const all = Promise.all(Array.from({ length: 5 }, () => client.throttle.admit().then(() => admitted.push(Date.now() - t0))));
      await vi.advanceTimersByTimeAsync(1_000);
      await all;
      expect(admitted).toEqual([0, 50, 100, 150, 200]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('at 1 request/s Planfix is called strictly serially, whatever the concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    server.use(
      pf('GET', '/ping', async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Longer than the 1 s spacing: a second slot would overlap this one.
        await new Promise((r) => setTimeout(r, 1100));
        inFlight--;
        return ok();
      }),
    );
    const client = makeClient({ requestsPerSecond: 1, concurrency: 4 });
    await Promise.all([client.ping(), client.ping()]);
    expect(most).toBe(1);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1050);
  }, 10_000);
});
