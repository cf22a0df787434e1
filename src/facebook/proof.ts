// appsecret_proof, timestamped form (api-notes-facebook.md §6 "appsecret_proof"):
// hex(HMAC-SHA256(key = app secret, msg = token + "|" + unix time)), sent with appsecret_time.
// A timestamped proof expires after 5 minutes, so every try of every request gets a fresh one.

import { createHmac } from 'node:crypto';

export interface SignedParams {
  access_token: string;
  appsecret_proof: string;
  appsecret_time: string;
}

/** Query/form keys that carry the token and its proof: replaced on every try, ignored when comparing URLs. */
export const SIGNATURE_PARAMS: ReadonlySet<string> = new Set(['access_token', 'appsecret_proof', 'appsecret_time']);

export function appsecretProof(accessToken: string, appSecret: string, unixTime: number): string {
  return createHmac('sha256', appSecret).update(`${accessToken}|${unixTime}`).digest('hex');
}

/**
 * The classic proof, hex(HMAC-SHA256(app secret, token)) with no time: what older Graph setups and
 * most client libraries send. Used only after Graph refused the timestamped form.
 */
export function classicSignatureParams(accessToken: string, appSecret: string): Omit<SignedParams, 'appsecret_time'> {
  return { access_token: accessToken, appsecret_proof: createHmac('sha256', appSecret).update(accessToken).digest('hex') };
}

export function signatureParams(accessToken: string, appSecret: string, now: Date = new Date()): SignedParams {
  const time = Math.floor(now.getTime() / 1000);
  return { access_token: accessToken, appsecret_proof: appsecretProof(accessToken, appSecret, time), appsecret_time: String(time) };
}

/**
 * `url` with its token and proof replaced by `params`. Every other part of the URL (host, path,
 * the other query parameters and their encoding) is kept byte for byte: a `paging.next` URL is
 * followed as Facebook gave it (it carries `__paging_token` and friends).
 */
export function withParams(url: string, params: Record<string, string>): string {
  const hashAt = url.indexOf('#');
  const withoutHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const base = queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt);
  const query = queryAt === -1 ? '' : withoutHash.slice(queryAt + 1);
  // Every signature key is replaced (or dropped): a stale appsecret_time must not travel with a classic proof.
  const replaced = new Set([...Object.keys(params), ...SIGNATURE_PARAMS]);
  const kept = query.split('&').filter((part) => part !== '' && !replaced.has(decodeKey(part)));
  const added = Object.entries(params).map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  return `${base}?${[...kept, ...added].join('&')}`;
}

/** `url` without token and proof, for telling whether two `paging.next` URLs are the same page. */
export function withoutSignature(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return url;
  const kept = url
    .slice(queryAt + 1)
    .split('&')
    .filter((part) => part !== '' && !SIGNATURE_PARAMS.has(decodeKey(part)));
  return `${url.slice(0, queryAt)}?${kept.join('&')}`;
}

function decodeKey(part: string): string {
  const eq = part.indexOf('=');
  const raw = eq === -1 ? part : part.slice(0, eq);
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
