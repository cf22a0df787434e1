import { createHmac } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GraphClient } from '../../src/facebook/graph-client.js';

// A Graph that accepts only the classic proof (HMAC of the token alone) refuses the timestamped one
// with an OAuthException about appsecret_proof; the client then signs the classic way, once switched for good.

const TOKEN = 'fake-page-token-123';
const SECRET = 'app-secret-xyz';
const classic = createHmac('sha256', SECRET).update(TOKEN).digest('hex');
const seen: { proof: string | null; time: string | null }[] = [];

const server = setupServer(
  http.get('http://graph.test/v24.0/:id', ({ request }) => {
    const url = new URL(request.url);
    seen.push({ proof: url.searchParams.get('appsecret_proof'), time: url.searchParams.get('appsecret_time') });
    if (url.searchParams.get('appsecret_proof') !== classic) {
      return HttpResponse.json({ error: { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100, fbtrace_id: 'x' } }, { status: 400 });
    }
    return HttpResponse.json({ id: '1_2', message: 'hello', created_time: '2026-11-30T10:00:00+0000', updated_time: '2026-11-30T10:00:00+0000' });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('falls back to the classic appsecret_proof when Graph refuses the timestamped one', async () => {
  const client = new GraphClient({ graphUrl: 'http://graph.test', apiVersion: 'v24.0', pageId: '1', appId: '9', appSecret: SECRET, accessToken: TOKEN, concurrency: 1, backoff: { retries: 0, baseMs: 1, capMs: 1 } });
  expect((await client.getPost('1_2')).message).toBe('hello');
  expect((await client.getPost('1_2')).message).toBe('hello');
  expect(seen[0]!.time).not.toBeNull();
  expect(seen.slice(1)).toEqual([
    { proof: classic, time: null },
    { proof: classic, time: null },
  ]);
});
