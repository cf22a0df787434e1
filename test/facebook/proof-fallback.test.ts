import { http, HttpResponse } from 'msw';
import { expect, it } from 'vitest';
import { OAuthClient } from '../../src/facebook/oauth.js';
import { API, APP_ID, APP_SECRET, GRAPH, graphClient, graphError, PAGE_ID, proofOf, requests, server, TOKEN, useGraphMsw, V } from './msw-harness.js';

// A Graph that accepts only the classic proof (HMAC of the token alone) refuses the timestamped one
// with an OAuthException about appsecret_proof; the client then signs the classic way, once switched for good.

const classic = proofOf(TOKEN);

useGraphMsw();

it('falls back to the classic appsecret_proof when Graph refuses the timestamped one', async () => {
  server.use(
    http.get(`${API}/:id`, ({ request }) => {
      if (new URL(request.url).searchParams.get('appsecret_proof') !== classic) {
        return graphError(400, 100, 'Invalid appsecret_proof provided in the API argument', { type: 'GraphMethodException' });
      }
      return HttpResponse.json({ id: '1_2', message: 'hello', created_time: '2026-11-30T10:00:00+0000', updated_time: '2026-11-30T10:00:00+0000' });
    }),
  );
  const client = graphClient({ concurrency: 1, backoff: { retries: 0, baseMs: 1, capMs: 1 } });
  expect((await client.getPost('1_2')).message).toBe('hello');
  expect((await client.getPost('1_2')).message).toBe('hello');
  const signatures = requests.map((r) => ({ path: r.path, proof: r.query.appsecret_proof, time: r.query.appsecret_time }));
  // The first call signed token|time, with the time it sent; Graph refused it.
  expect(signatures[0]).toEqual({ path: `/${V}/1_2`, proof: proofOf(TOKEN, signatures[0]!.time), time: expect.stringMatching(/^\d{10}$/) });
  expect(signatures.slice(1)).toEqual([
    { path: `/${V}/1_2`, proof: classic, time: undefined },
    { path: `/${V}/1_2`, proof: classic, time: undefined },
  ]);
});

it('the OAuth client shares that signing: a call made with the user token falls back to the classic proof too', async () => {
  const user = 'fake-long-user-token-2';
  server.use(
    http.get(`${API}/:id`, ({ request }) => {
      if (new URL(request.url).searchParams.get('appsecret_proof') !== proofOf(user)) {
        return graphError(400, 100, 'Invalid appsecret_proof provided in the API argument', { type: 'GraphMethodException' });
      }
      return HttpResponse.json({ id: PAGE_ID, name: 'MyLife', access_token: TOKEN });
    }),
  );
  const oauth = new OAuthClient({ graphUrl: GRAPH, apiVersion: V, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 5_000, backoff: { retries: 0, baseMs: 1, capMs: 1 } });
  expect(await oauth.getPageToken(user, PAGE_ID)).toEqual({ id: PAGE_ID, name: 'MyLife', accessToken: TOKEN });
  expect(requests.map((r) => r.query.appsecret_proof)).toEqual([proofOf(user, requests[0]!.query.appsecret_time), proofOf(user)]);
});
