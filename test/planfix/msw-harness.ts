// Shared msw setup for the Planfix client tests: every request must be declared, every declared
// handler must be used (test/msw-strict.ts), and every request is recorded (method, path, query, body, start time).
// Handlers answer like Planfix (api-notes-planfix.md): failures are {"result":"fail",code,error},
// often with HTTP 200 or 400, and a wrong token is 401 code 1.

import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { expect } from 'vitest';
import { useStrictMsw } from '../msw-strict.js';
import { PlanfixClient, type PlanfixClientOptions } from '../../src/planfix/planfix-client.js';

export const BASE = 'https://acme.planfix.com';
export const TOKEN = 'pf-TOKEN-7f3a9c1e55b2';
export const IDS = { taskTemplateId: 12, contactTemplateId: 3, fields: { contactFacebookId: 101, taskPostId: 202 } } as const;

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  at: number;
}

export const calls: Recorded[] = [];

export const server = setupServer();

export function useMsw(): void {
  useStrictMsw(server, { afterEachTest: () => void (calls.length = 0) });
}

export const ok = (body: Record<string, unknown> = {}, status = 200, headers: Record<string, string> = {}) =>
  HttpResponse.json({ result: 'success', ...body }, { status, headers });

export const fail = (status: number, code: number, error: string) => HttpResponse.json({ result: 'fail', code, error }, { status });

type Resolver = (req: Recorded) => Response | Promise<Response>;

/**
 * A Planfix endpoint below /rest. Checks the Bearer token as Planfix does; `once` handlers let a
 * test script a sequence of answers for the same path.
 */
export function pf(method: 'GET' | 'POST', path: string, resolve: Resolver, options: { once?: boolean } = {}) {
  const route = method === 'GET' ? http.get : http.post;
  return route(
    `${BASE}/rest${path}`,
    async ({ request }) => {
      const url = new URL(request.url);
      const text = method === 'POST' ? await request.text() : '';
      const rec: Recorded = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text ? JSON.parse(text) : undefined,
        at: performance.now(),
      };
      calls.push(rec);
      if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) return fail(401, 1, 'Invalid token');
      if (method === 'POST' && !/^application\/json/.test(request.headers.get('content-type') ?? '')) return fail(400, 30, 'Invalid JSON');
      return resolve(rec);
    },
    options,
  );
}

/** An endpoint below /rest that answers `{"result":"success", …body}` (HTTP 200). */
export function answers(method: 'GET' | 'POST', path: string, body: Record<string, unknown> = {}, options: { once?: boolean } = {}) {
  return pf(method, path, () => ok(body), options);
}

export function json(body: JsonBodyType, status = 200) {
  return HttpResponse.json(body, { status });
}

export function makeClient(overrides: Partial<PlanfixClientOptions> = {}): PlanfixClient {
  return new PlanfixClient({
    url: BASE,
    token: TOKEN,
    ...IDS,
    fields: { ...IDS.fields },
    // Fast by default; pacing has its own tests.
    requestsPerSecond: 1000,
    concurrency: 1,
    timeoutMs: 2000,
    backoff: { retries: 2, baseMs: 1, capMs: 2 },
    ...overrides,
  });
}

/** The rejection of `p`, checked to be free of the token. */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, any>> {
  const error = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(String((error as Error).message)).not.toContain(TOKEN);
  expect(String((error as Error).stack)).not.toContain(TOKEN);
  return error as Error & Record<string, any>;
}
