// The strictness both client harnesses share (test/planfix/msw-harness.ts, test/facebook/msw-harness.ts):
// a request nobody declared fails the test, so does a declared handler nobody called, and every
// request that reached the server is recorded in order (method, path, query) for the test to read.

import { RequestHandler } from 'msw';
import type { SetupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export interface Seen {
  method: string;
  /** Origin and path, without the query: `https://graph.facebook.test/v24.0/1_2/comments`. */
  url: string;
  path: string;
  query: Record<string, string>;
}

/**
 * Registers the hooks on `server`: listen before the file, check and reset after each test, close
 * after the file. `seen` is emptied after each test; `afterEachTest` runs before the checks (a
 * harness clears its own records there).
 */
export function useStrictMsw(server: SetupServer, { seen, afterEachTest }: { seen?: Seen[]; afterEachTest?: () => void } = {}): void {
  const unhandled: string[] = [];
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    server.events.on('request:unhandled', ({ request }) => unhandled.push(`${request.method} ${request.url}`));
    if (seen) {
      server.events.on('request:start', ({ request }) => {
        const url = new URL(request.url);
        seen.push({ method: request.method, url: `${url.origin}${url.pathname}`, path: url.pathname, query: Object.fromEntries(url.searchParams) });
      });
    }
  });
  afterEach(() => {
    const unused = server.listHandlers().filter((h): h is RequestHandler => h instanceof RequestHandler && !h.isUsed);
    server.resetHandlers();
    if (seen) seen.length = 0;
    afterEachTest?.();
    const stray = unhandled.splice(0);
    expect(stray, 'requests nobody declared').toEqual([]);
    expect(
      unused.map((h) => h.info.header),
      'declared requests nobody made',
    ).toEqual([]);
  });
  afterAll(() => server.close());
}
