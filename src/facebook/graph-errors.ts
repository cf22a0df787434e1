// Graph answers → typed errors (api-notes-facebook.md §7). Graph puts the cause in the body's
// `error.code` / `error_subcode`; the HTTP status is mostly 400 whatever happened, so it only
// decides when the body says nothing (5xx pages, cut-off bodies).

import { type HttpRequest, type HttpResponse, describeNonJson, parseJson } from '../http/client.js';
import { AuthError, MalformedResponseError, NotFoundError, PermissionError, PostponedError, RefusedError, type RemoteError, ThrottledError, TooMuchDataError, TransientError } from '../http/errors.js';
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

/** What a row of GRAPH_ERRORS builds its error from. */
interface Facts extends ErrorContext {
  error: GraphError;
  /** `error.code`, -1 when Graph gave none. */
  code: number;
  /** The API's own words for messages (apiText). */
  api: string;
}

type ErrorKind = new (side: 'facebook', message: string, code?: number, subcode?: number) => RemoteError;

/** One class of Graph errors: the row takes an error when every condition it names holds. */
interface GraphErrorRow {
  codes?: (code: number) => boolean;
  subcodes?: readonly number[];
  /** Tested against `error.message`. */
  text?: RegExp;
  /** Only on a write (POST/DELETE). */
  writes?: true;
  /** A condition the fields above cannot say. */
  when?: (facts: Facts) => boolean;
  make: (facts: Facts) => RemoteError;
}

const oneOf =
  (...codes: number[]) =>
  (code: number) =>
    codes.includes(code);
const between = (from: number, to: number) => (code: number) => code >= from && code <= to;

/** Rate-limit codes: app (4), user (17), Page with a user token (32), 341, custom (613), BUC (80000–80014). */
export function isThrottleCode(code: number): boolean {
  return oneOf(4, 17, 32, 341, 613)(code) || between(80000, 80014)(code);
}

/** An error of `Kind`, its message redacted, carrying Graph's code and subcode. */
const make = (Kind: ErrorKind, facts: Facts, message: string): RemoteError => new Kind('facebook', redact(message), facts.error.code, facts.error.subcode);

/**
 * Graph error classes, first match wins; every row cites where the code is documented
 * (api-notes-facebook.md, its sources in brackets). The last row takes whatever is left.
 */
const GRAPH_ERRORS: readonly GraphErrorRow[] = [
  // §7 "Codes": 190 invalid or expired token, its subcodes saying why (TOKEN_REASONS); 102 session key invalid [S12].
  {
    codes: oneOf(190, 102),
    make: (f) => make(AuthError, f, `Facebook refused the ${f.tokenName} (${tokenReason(f.error.subcode)}). Run \`fbsync reconnect\`. ${f.what}: ${f.api}`),
  },
  // §6 "appsecret_proof": a refused signature names appsecret_proof, or appsecret_time when the clock is off [S35].
  {
    text: /appsecret_(?:proof|time)/i,
    make: (f) =>
      make(
        AuthError,
        f,
        `Facebook refused the request signature (appsecret_proof): check facebook.appSecret${/appsecret_time/i.test(f.error.message) ? " and this machine's clock" : ''} — the secret must belong to the app the ${f.tokenName} was issued for (or run \`fbsync reconnect\` with this app). ${f.what}: ${f.api}`,
      ),
  },
  // §7 "Codes": 10 and 200–299 permission missing or removed [S12][S36].
  { codes: (code) => code === 10 || between(200, 299)(code), make: (f) => missingPermission(f) },
  // §7 real fixture (pyfacebook error_data.json [S6]): 100 "…requires the 'pages_read_engagement' permission".
  { codes: oneOf(100), text: /permission/i, when: (f) => requiredPermission(f.error.message) !== undefined, make: (f) => missingPermission(f) },
  // §7 "Codes": 1/2853006 the viewer lacks the task on the Page [S36].
  {
    codes: oneOf(1),
    subcodes: [2853006],
    make: (f) =>
      make(
        PermissionError,
        f,
        `Facebook says the account behind the ${f.tokenName} has no suitable task on the Page (MODERATE is needed to read and answer comments): fix its Page role, then run \`fbsync reconnect\`. ${f.what}: ${f.api}`,
      ),
  },
  // §7 "Codes" and "Recommended client policy": 4, 17, 32, 341, 613, 80001 (BUC range 80000–80014) stop the side [S13].
  { codes: isThrottleCode, make: (f) => throttled(f) },
  // §3 "Limits", §7: 1/99 or "reduce the amount of data" — a read may pass at once with a smaller page
  // (graph-client.ts does that); not a TransientError, so HttpClient does not ask the same heavy page again.
  { when: (f) => isTooMuchData(f.error), make: (f) => make(f.write ? RefusedError : TooMuchDataError, f, `Facebook refused ${f.what} as too much data at once: ${f.api}`) },
  // §7 "Codes": 1 unknown / possibly temporary, 2 service unavailable [S12]; `is_transient` (restfb [S7]);
  // §7 "Error JSON": a 5xx with an error object but no code. An explicit Graph error means a write was
  // not applied — unless the server itself failed (5xx).
  { when: (f) => f.code === 1 || f.code === 2 || f.error.isTransient || (f.error.code === undefined && f.status >= 500), make: (f) => transient(f, `Facebook failed on ${f.what}, temporarily: ${f.api}`, f.write && f.status >= 500) },
  // §7 "Codes": 100/33 "does not exist" [S12]. 803 is not in the notes: a real answer reads "(#803) Some of
  // the aliases you requested do not exist: 2147483647" (a client's log, pastebin.com/1P0e42ZR).
  {
    when: (f) => f.code === 803 || (f.code === 100 && (f.error.subcode === 33 || /does not exist/i.test(f.error.message))),
    make: (f) => make(NotFoundError, f, `Facebook says the object of ${f.what} does not exist (deleted, or not visible to the ${f.tokenName}): ${f.api}`),
  },
  // §5, §7 "Codes": 368 "temporarily blocked for policy violations — wait and retry the operation" [S12]: a write waits.
  {
    codes: oneOf(368),
    writes: true,
    make: (f) => make(PostponedError, f, `Facebook temporarily blocks ${f.what} for policy reasons (often many similar replies in a short time): ${f.api}. Nothing was published; retry later.`),
  },
  // §7 "Codes": 368 on a read [S12].
  { codes: oneOf(368), make: (f) => refused(f, ' Facebook blocks the Page for a while for policy reasons (often many identical replies); the reply waits, retry later.') },
  // §5, §7 "Codes": 506 duplicate post [S12].
  { codes: oneOf(506), make: (f) => refused(f, ' Facebook refuses an identical message posted twice; change the text.') },
  // §5, §7 "Codes": 1705 "There was an error posting to this wall" — posting as a person, not as the Page [S5c].
  { codes: oneOf(1705), make: (f) => refused(f, ' The token posts as a person, not as the Page: run `fbsync reconnect` to get a Page access token.') },
  // §7 "Codes": 100 invalid parameter [S12].
  { codes: oneOf(100), make: (f) => refused(f) },
  // Any other code: §7 "Recommended client policy" retries a server failure (5xx); the rest is a refusal.
  { make: (f) => (f.status >= 500 ? transient(f, `Facebook failed on ${f.what}: ${f.api}`, f.write) : refused(f)) },
];

/** The typed error for one Graph `error` object: the first row of GRAPH_ERRORS that takes it. */
export function graphError(error: GraphError, context: ErrorContext): RemoteError {
  const facts: Facts = { ...context, error, code: error.code ?? -1, api: apiText(error) };
  return GRAPH_ERRORS.find((row) => takes(row, facts))!.make(facts);
}

function takes(row: GraphErrorRow, facts: Facts): boolean {
  return (
    (row.codes === undefined || row.codes(facts.code)) &&
    (row.subcodes === undefined || (facts.error.subcode !== undefined && row.subcodes.includes(facts.error.subcode))) &&
    (row.text === undefined || row.text.test(facts.error.message)) &&
    (row.writes === undefined || facts.write) &&
    (row.when === undefined || row.when(facts))
  );
}

function tokenReason(subcode: number | undefined): string {
  return (subcode !== undefined && TOKEN_REASONS[subcode]) || 'invalid or expired';
}

function missingPermission(f: Facts): RemoteError {
  const permission = requiredPermission(f.error.message);
  const named = permission ? ` (${permission})` : '';
  return make(
    PermissionError,
    f,
    `Facebook says the ${f.tokenName} lacks a permission${named} for ${f.what}. Run \`fbsync reconnect\` and grant${permission ? ` ${permission}` : ' every permission asked'} for this Page. ${f.api}`,
  );
}

function throttled(f: Facts): RemoteError {
  const regain = readUsage(f.headers)?.regainAfterMinutes ?? 0;
  const after = regain > 0 ? ` Facebook expects access back in about ${regain} min.` : '';
  return new ThrottledError(
    'facebook',
    redact(`Facebook rate limit reached on ${f.what}: ${f.api}.${after} No more Facebook calls this run; the next run continues.`),
    regain > 0 ? regain * 60_000 : undefined,
    f.error.code,
  );
}

function transient(f: Facts, message: string, outcomeUnknown: boolean): RemoteError {
  return new TransientError('facebook', redact(message), outcomeUnknown, f.error.code);
}

function refused(f: Facts, hint = ''): RemoteError {
  return make(RefusedError, f, `Facebook refused ${f.what}: ${f.api}.${hint}`);
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
