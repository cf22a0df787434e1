// Shared msw setup for the Graph client tests: every request must be declared, every declared
// handler must be used, and every request is recorded in order (test/msw-strict.ts). Answers are
// shaped like Graph's (api-notes-facebook.md): lists as `{data, paging}`, errors as
// `{"error":{message,type,code,…,fbtrace_id}}` with HTTP 400 and a `WWW-Authenticate` header, and
// signed calls carry `appsecret_proof` = HMAC-SHA256(token|appsecret_time) keyed with the app secret.

import { createHmac } from 'node:crypto';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { expect } from 'vitest';
import { type Seen, useStrictMsw } from '../msw-strict.js';
import { GraphClient } from '../../src/facebook/graph-client.js';
import { RemoteError } from '../../src/http/errors.js';

export const GRAPH = 'https://graph.facebook.test';
export const V = 'v24.0';
export const API = `${GRAPH}/${V}`;
export const PAGE_ID = '2121008874780932';
export const APP_ID = '1234567890';
export const TOKEN = 'fake-page-token-for-tests-0123456789';
export const APP_SECRET = 'f00dfacecafebabe0123456789abcdef';
/** Fast retries; pacing and backoff have their own tests. */
export const FAST = { retries: 2, baseMs: 1, capMs: 2 };

/** Every request that reached the Graph of this file, in order; emptied after each test. */
export const requests: Seen[] = [];

export const server = setupServer();

export function useGraphMsw(): void {
  useStrictMsw(server, { seen: requests });
}

export function graphClient(overrides: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}): GraphClient {
  return new GraphClient({
    graphUrl: GRAPH,
    apiVersion: V,
    pageId: PAGE_ID,
    appId: APP_ID,
    appSecret: APP_SECRET,
    accessToken: TOKEN,
    concurrency: 2,
    timeoutMs: 5_000,
    backoff: FAST,
    ...overrides,
  });
}

/** A list answer: `{data, paging}`, paging left out when not given (Graph's last page may omit it). */
export function graphPage(data: unknown[], paging?: { cursors?: { before?: string; after?: string }; next?: string; previous?: string }, init: ResponseInit = {}): Response {
  return HttpResponse.json(paging ? { data, paging } : { data }, init);
}

/** An error answer as Graph sends it. */
export function graphError(status: number, code: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return HttpResponse.json(
    { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: 'AQt_hJ68vFybS4Tn' } },
    { status, headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_request" "${message}"`, ...headers } },
  );
}

/** The timestamped proof (`token|time`), or the classic one (the token alone) without `time`. */
export function proofOf(token: string, time?: string, secret = APP_SECRET): string {
  return createHmac('sha256', secret)
    .update(time === undefined ? token : `${token}|${time}`)
    .digest('hex');
}

/**
 * Graph's answer to a call whose token or timestamped proof is wrong (code 190 or 100), or undefined
 * when it is signed right. `proofs` collects the signatures accepted.
 */
export function signatureRefusal(params: URLSearchParams, { token = TOKEN, proofs }: { token?: string; proofs?: { time: string; proof: string }[] } = {}): Response | undefined {
  const time = params.get('appsecret_time');
  const proof = params.get('appsecret_proof');
  if (params.get('access_token') !== token) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
  if (!time || !proof || proof !== proofOf(token, time)) return graphError(400, 100, 'Invalid appsecret_proof provided in the API argument');
  if (Math.abs(Number(time) - Date.now() / 1000) > 300) return graphError(400, 100, 'appsecret_time is too old');
  proofs?.push({ time, proof });
  return undefined;
}

/** The RemoteError `promise` rejects with, checked to carry none of `secrets` in its text or stack. */
export async function failure(promise: Promise<unknown>, secrets: string[] = [TOKEN, APP_SECRET, encodeURIComponent(TOKEN)]): Promise<RemoteError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RemoteError);
  expectNoSecrets(error, secrets);
  return error as RemoteError;
}

export function expectNoSecrets(error: unknown, secrets: string[] = [TOKEN, APP_SECRET, encodeURIComponent(TOKEN)]): void {
  const texts = [String(error), (error as Error).message, (error as Error).stack ?? '', JSON.stringify(error)];
  for (const text of texts) {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}
