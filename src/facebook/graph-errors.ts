// Graph answers → typed errors (api-notes-facebook.md §7). Graph puts the cause in the body's
// `error.code` / `error_subcode`; the HTTP status is mostly 400 whatever happened, so it only
// decides when the body says nothing (5xx pages, cut-off bodies).

import { type HttpRequest, type HttpResponse, describeNonJson, parseJson } from '../http/client.js';
import {
  AuthError,
  MalformedResponseError,
  NotFoundError,
  PermissionError,
  PostponedError,
  RefusedError,
  type RemoteError,
  ThrottledError,
  TooMuchDataError,
  TransientError,
} from '../http/errors.js';
import { redact } from '../http/secrets.js';
import { readUsage } from './usage.js';

/** The `error` object of a Graph answer. */
export interface GraphError {
  message: string;
  type?: string;
  code?: number;
  subcode?: number;
  isTransient: boolean;
  userTitle?: string;
  userMessage?: string;
  fbtraceId?: string;
}

export interface ClassifyContext {
  /** Path part of `{graphUrl}` (usually ''), stripped from paths in messages. */
  basePath: string;
  /** How messages name the token the request carried, e.g. "Page access token". */
  tokenName: string;
}

/** Rate-limit codes: app (4), user (17), Page with a user token (32), 341, custom (613), BUC (80000–80014). */
export function isThrottleCode(code: number): boolean {
  return code === 4 || code === 17 || code === 32 || code === 341 || code === 613 || (code >= 80000 && code <= 80014);
}

/** Why Graph refused a token, by `error_subcode` of code 190 (notes §7 table). */
const TOKEN_REASONS: Record<number, string> = {
  458: 'the app was removed from the Facebook account that granted the token',
  459: 'the Facebook account is checkpointed: log in at facebook.com and clear the security check first',
  460: 'the password of the Facebook account changed',
  463: 'the token has expired',
  464: 'the Facebook account is not confirmed: finish its confirmation at facebook.com first',
  467: 'the token is invalid (logged out or revoked)',
  492: 'the person who granted the token no longer has a role on the Page',
  2069032: 'a Page access token is needed here, this is another kind of token',
};

/** The answer's `error` object, or undefined when the value has none. */
export function readGraphError(value: unknown): GraphError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    message: text(e.message) ?? '(no message)',
    type: text(e.type),
    code: int(e.code),
    subcode: int(e.error_subcode),
    isTransient: e.is_transient === true,
    userTitle: text(e.error_user_title),
    userMessage: text(e.error_user_msg),
    fbtraceId: text(e.fbtrace_id),
  };
}

/** "GET /123_456/comments": method and path, never the query (tokens ride in it). */
export function describeRequest(request: Pick<HttpRequest, 'method' | 'url'>, basePath = ''): string {
  let path: string;
  try {
    path = new URL(request.url).pathname;
  } catch {
    return `${request.method} (invalid URL)`;
  }
  if (basePath && basePath !== '/' && path.startsWith(basePath)) path = path.slice(basePath.replace(/\/$/, '').length);
  path = path.replace(/^\/v\d+(?:\.\d+)?(?=\/|$)/, '') || '/';
  return redact(`${request.method} ${path}`);
}

/** The `classify` hook of the Graph HttpClients. */
export function classifyGraphAnswer(response: HttpResponse, request: HttpRequest, context: ClassifyContext): RemoteError | undefined {
  const what = describeRequest(request, context.basePath);
  const write = request.method !== 'GET';
  const parsed = parseJson(response.body);
  if (!parsed) {
    // A cut-off 2xx answer to a write means the write most likely happened: the journal checks.
    return new TransientError('facebook', redact(`Facebook answered ${what} with ${describeNonJson(response)}`), write);
  }
  const error = readGraphError(parsed.value);
  if (error) return graphError(error, { what, write, status: response.status, tokenName: context.tokenName, headers: response.headers });
  if (response.status >= 500) {
    return new TransientError('facebook', redact(`Facebook answered ${what} with HTTP ${response.status} and no error details`), write);
  }
  if (response.status >= 300) {
    return new MalformedResponseError('facebook', redact(`Facebook answered ${what} with HTTP ${response.status} and no error object`));
  }
  return undefined;
}

interface ErrorContext {
  what: string;
  write: boolean;
  status: number;
  tokenName: string;
  headers: HttpResponse['headers'];
}

/** The typed error for one Graph `error` object. */
export function graphError(error: GraphError, context: ErrorContext): RemoteError {
  const { what, tokenName } = context;
  const code = error.code ?? -1;
  const subcode = error.subcode;
  const api = apiText(error);
  const make = <T extends RemoteError>(Kind: new (side: 'facebook', message: string, code?: number, subcode?: number) => T, message: string) =>
    new Kind('facebook', redact(message), error.code, subcode);

  if (code === 190 || code === 102) {
    const reason = (subcode !== undefined && TOKEN_REASONS[subcode]) || 'invalid or expired';
    return make(AuthError, `Facebook refused the ${tokenName} (${reason}). Run \`fbsync reconnect\`. ${what}: ${api}`);
  }
  if (/appsecret_(?:proof|time)/i.test(error.message)) {
    const clock = /appsecret_time/i.test(error.message) ? " and this machine's clock" : '';
    return make(
      AuthError,
      `Facebook refused the request signature (appsecret_proof): check facebook.appSecret${clock} — the secret must belong to the app the ${tokenName} was issued for (or run \`fbsync reconnect\` with this app). ${what}: ${api}`,
    );
  }
  if (code === 10 || (code >= 200 && code <= 299) || (code === 100 && /permission/i.test(error.message) && requiredPermission(error.message))) {
    const permission = requiredPermission(error.message);
    const named = permission ? ` (${permission})` : '';
    return make(
      PermissionError,
      `Facebook says the ${tokenName} lacks a permission${named} for ${what}. Run \`fbsync reconnect\` and grant${permission ? ` ${permission}` : ' every permission asked'} for this Page. ${api}`,
    );
  }
  if (code === 1 && subcode === 2853006) {
    return make(
      PermissionError,
      `Facebook says the account behind the ${tokenName} has no suitable task on the Page (MODERATE is needed to read and answer comments): fix its Page role, then run \`fbsync reconnect\`. ${what}: ${api}`,
    );
  }
  if (isThrottleCode(code)) {
    const regain = readUsage(context.headers)?.regainAfterMinutes ?? 0;
    const after = regain > 0 ? ` Facebook expects access back in about ${regain} min.` : '';
    return new ThrottledError(
      'facebook',
      redact(`Facebook rate limit reached on ${what}: ${api}.${after} No more Facebook calls this run; the next run continues.`),
      regain > 0 ? regain * 60_000 : undefined,
      error.code,
    );
  }
  if (isTooMuchData(error)) {
    // A read: the same page with a smaller `limit` may pass at once (the paging in graph-client.ts
    // does that). Not a TransientError, so HttpClient does not ask the same heavy page again.
    if (!context.write) return make(TooMuchDataError, `Facebook refused ${what} as too much data at once: ${api}`);
    return make(RefusedError, `Facebook refused ${what} as too much data at once: ${api}`);
  }
  if (code === 1 || code === 2 || error.isTransient || (error.code === undefined && context.status >= 500)) {
    // An explicit Graph error means the write was not applied — unless the server itself failed (5xx).
    const unknown = context.write && context.status >= 500;
    return new TransientError('facebook', redact(`Facebook failed on ${what}, temporarily: ${api}`), unknown, error.code);
  }
  if (code === 803 || (code === 100 && (subcode === 33 || /does not exist/i.test(error.message)))) {
    return make(NotFoundError, `Facebook says the object of ${what} does not exist (deleted, or not visible to the ${tokenName}): ${api}`);
  }
  if (code === 368 && context.write) {
    // Graph's error table: "Temporarily blocked for policies violations — wait and retry the operation".
    return make(
      PostponedError,
      `Facebook temporarily blocks ${what} for policy reasons (often many similar replies in a short time): ${api}. Nothing was published; retry later.`,
    );
  }
  const hint =
    code === 368
      ? ' Facebook blocks the Page for a while for policy reasons (often many identical replies); the reply waits, retry later.'
      : code === 506
        ? ' Facebook refuses an identical message posted twice; change the text.'
        : code === 1705
          ? ' The token posts as a person, not as the Page: run `fbsync reconnect` to get a Page access token.'
          : '';
  const known = code === 100 || code === 368 || code === 506 || code === 1705;
  if (!known && context.status >= 500) {
    return new TransientError('facebook', redact(`Facebook failed on ${what}: ${api}`), context.write, error.code);
  }
  return make(RefusedError, `Facebook refused ${what}: ${api}.${hint}`);
}

/**
 * Graph's "the answer would be too heavy" (notes §3 "Limits", §7): code 1 with the message "Please
 * reduce the amount of data you're asking for, then retry your request", HTTP 500, usually no subcode
 * (facebook-python-business-sdk#470, singer-io/tap-facebook#65); the same as code 1 subcode 99,
 * whose message is sometimes only "An unknown error occurred" (php-graph-sdk#948, goes-funky's tap).
 */
export function isTooMuchData(error: GraphError): boolean {
  if (error.code !== 1) return false;
  return error.subcode === 99 || /reduce the amount of data|request (?:is )?too large|too much data/i.test(error.message);
}

/** "message [code 100/33, fbtrace_id …] — user message": the API's own words, redacted by the caller. */
function apiText(error: GraphError): string {
  const code = error.code === undefined ? '' : `code ${error.code}${error.subcode !== undefined ? `/${error.subcode}` : ''}`;
  const trace = error.fbtraceId ? `fbtrace_id ${error.fbtraceId}` : '';
  const tags = [code, trace].filter(Boolean).join(', ');
  const user = error.userMessage && error.userMessage !== error.message ? ` — ${error.userMessage}` : '';
  return `${error.message.trim()}${tags ? ` [${tags}]` : ''}${user}`;
}

/** The permission an error message names ("requires the 'pages_read_engagement' permission", "(#200) Requires pages_manage_engagement permission"). */
export function requiredPermission(message: string): string | undefined {
  const match = /\b(pages_[a-z_]+|business_management|read_insights|publish_video|public_profile)\b/.exec(message);
  return match?.[1];
}
