// Planfix answers every failure as {"result":"fail","code":N,"error":"text"}, with an HTTP status
// chosen per endpoint (200 included: the daily limit arrives as HTTP 200) — so the code decides,
// the status only breaks ties (api-notes-planfix.md §1 "Errors", "Rate limits").

import { type HttpRequest, type HttpResponse, describeNonJson, describeUrl, parseJson } from '../http/client.js';
import { AuthError, NotFoundError, PermissionError, PostponedError, RefusedError, ThrottledError, TransientError } from '../http/errors.js';
import { ConfigError, type FbsyncError } from '../errors.js';
import { redact } from '../http/secrets.js';
import { pathOf } from '../http/url.js';

/** The configured ids an answer can prove wrong. */
export interface PlanfixIds {
  taskTemplateId: number;
  contactTemplateId: number;
  fields: { contactFacebookId: number; taskPostId: number };
}

/** `POST /rest/task/list`: method and path, never the query string. */
export function describeRequest(request: Pick<HttpRequest, 'method' | 'url'>): string {
  return `${request.method} ${pathOf(request.url) ?? '(invalid URL)'}`;
}

/** A write whose answer was lost may have been applied; `…/list` POSTs are reads. */
function mayHaveApplied(request: HttpRequest): boolean {
  return request.method !== 'GET' && request.idempotent !== true;
}

/** The `classify` hook of Planfix's HttpClient. */
export function classifyPlanfixAnswer(response: HttpResponse, request: HttpRequest, ids: PlanfixIds): FbsyncError | undefined {
  const where = describeRequest(request);
  const { status } = response;

  // followRedirect is off: a redirect means the address is not the account's REST API.
  if (status >= 300 && status < 400) {
    const location = response.headers.location;
    const to = typeof location === 'string' ? ` to ${describeUrl(URL.canParse(location, request.url) ? new URL(location, request.url).href : location)}` : '';
    return new ConfigError(redact(`Planfix answered ${where} with a redirect (HTTP ${status}${to}): ${urlAdvice}`), 'planfix.url');
  }

  // The spec gives updates (task, contact, comment) a 200/202 with no body at all: a write so
  // answered succeeded; whether it needed a body (a create's id) is for the client to say. A read
  // always has a body: an empty one is a glitch, retried like any answer that is not JSON.
  if (status >= 200 && status < 300 && response.body.trim() === '' && mayHaveApplied(request)) return undefined;
  const parsed = parseJson(response.body);
  if (!parsed) {
    // Planfix's missing objects are JSON (code 1000/2000/5000); a non-JSON 404 is some other site.
    if (status === 404) {
      return new ConfigError(redact(`Planfix answered ${where} with ${describeNonJson(response)}, not the REST API: ${urlAdvice}`), 'planfix.url');
    }
    return new TransientError('planfix', redact(`Planfix answered ${where} with ${describeNonJson(response)}`), mayHaveApplied(request));
  }

  const body = parsed.value;
  if (isObject(body) && body.result === 'fail') return failure(body, response, request, ids);
  if (status >= 200 && status < 300) return undefined;
  return byStatus(status, `HTTP ${status}`, where, request);
}

const urlAdvice = 'check planfix.url (the account address, e.g. https://example.planfix.com, without /rest); run `fbsync doctor`';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Planfix's own wording for codes 10–21 (REST_API:_Error_Codes). */
const ACCOUNT_REASONS: Record<number, string> = {
  10: 'the Planfix account is blocked',
  11: 'the Planfix account is frozen',
  20: 'the Planfix account is not paid',
  21: 'the Planfix account is on the free plan, which has no REST API',
};

/**
 * Code 23 (REST_API:_Error_Codes): the plan's limit on the number of contacts is reached. Not a
 * refusal for good: it lifts when the plan is upgraded or contacts are deleted.
 */
export class ContactLimitError extends PostponedError {}

export const CONTACT_LIMIT_CODE = 23;

/** Codes that refuse one write or read for a reason in the text; some prove the config wrong. */
const REFUSAL_CODES = new Set([30, 40, 41, 1001, 1002, 2001, 2002, 5001, 5002]);

const SCOPE = /\b(?:task|contact|comment|file|user|datatag)_(?:readonly|add|update|delete)\b|\bcommon_metadata\b/i;

/** What a row of PLANFIX_CODES builds its error from. */
interface Failure {
  code: number | undefined;
  /** Planfix's `error` text, redacted and cut to 500 characters. */
  text: string;
  /** "code 6: text" for messages. */
  detail: string;
  where: string;
  response: HttpResponse;
  request: HttpRequest;
  ids: PlanfixIds;
}

type FailureRow = (f: Failure) => FbsyncError;

const msg = (s: string) => redact(s);

/**
 * Planfix's codes (api-notes-planfix.md §1 "Errors", from REST_API:_Error_Codes [S6]) → the error
 * they mean for fbsync. Code 22, the daily limit, is read before this table (its text matters too);
 * a code not listed falls to byStatus.
 */
const PLANFIX_CODES = new Map<number | undefined, FailureRow>([
  // 23: the plan's limit on contacts (REST_API:_Error_Codes [S6], not in the notes' list).
  [CONTACT_LIMIT_CODE, (f) => new ContactLimitError('planfix', msg(`Planfix refused ${f.where}: the account has reached its plan's limit on the number of contacts (${f.detail}). Upgrade the Planfix plan or delete contacts that are no longer needed`), f.code)],
  // 1 invalid token, 2 token inactive, 16 user inactive: the notes' exit-3 set [S6].
  ...rows([1, 2, 16], (f) =>
    new AuthError(
      'planfix',
      msg(`Planfix refused the API token (${f.detail}) on ${f.where}. Check planfix.token: a REST API token from Account management → API access → REST API, whose employee is active; run \`fbsync doctor\``),
      f.code,
    ),
  ),
  // 10/11 account blocked/frozen, 20/21 unpaid/free plan [S6].
  ...rows([10, 11, 20, 21], (f) => new AuthError('planfix', msg(`Planfix refused ${f.where}: ${ACCOUNT_REASONS[f.code!]} (${f.detail}). The REST API needs an active paid account; run \`fbsync doctor\` once it is restored`), f.code)),
  // 5 forbidden for the token's scope [S6]; the scope names are REST_API:_Access_Levels_List_–_scope's [S4].
  [5, (f) => {
    const scope = SCOPE.exec(f.text)?.[0];
    const fix = scope ? `give the token the ${scope} scope` : 'give the token the scope this call needs';
    return new PermissionError('planfix', msg(`Planfix token may not call ${f.where} (${f.detail}): ${fix} (Account management → API access); run \`fbsync doctor\``), f.code);
  }],
  // 3 object being modified (a scenario or another request locked it): nothing was applied, retry later [S6].
  [3, (f) => new TransientError('planfix', msg(`Planfix object is being changed by someone else (${f.detail}) on ${f.where}; nothing was applied`), false, f.code)],
  // 6 forbidden for the user, also "New comments not allowed in this process" (§1 "Errors" [S6], §4 [S1]).
  [6, (f) =>
    new RefusedError(
      'planfix',
      msg(
        /\/comments\/?$/.test(pathOf(f.request.url) ?? '')
          ? `Planfix does not allow new comments in this task's status (${f.detail}) on ${f.where}`
          : `Planfix does not allow the token's employee to do this (${f.detail}) on ${f.where}`,
      ),
      f.code,
    ),
  ],
  // 1000 task, 2000 contact, 5000 comment missing [S6].
  ...rows([1000, 2000, 5000], (f) => new NotFoundError('planfix', msg(`Planfix has no such ${f.code === 1000 ? 'task' : f.code === 2000 ? 'contact' : 'comment'} (${f.detail}) on ${f.where}`), f.code)),
  // 0 unknown, or no code at all [S6]: the HTTP status tells. A fail answer with a 4xx says the request
  // was refused, so nothing was applied; a 5xx may come after the write.
  ...rows([0, undefined], (f) => {
    const { status } = f.response;
    if (status === 404) return new NotFoundError('planfix', msg(`Planfix found nothing at ${f.where} (${f.detail}, HTTP 404)`), f.code);
    if (status >= 400 && status < 500) return new RefusedError('planfix', msg(`Planfix refused ${f.where} (${f.detail}, HTTP ${status})`), f.code);
    return new TransientError('planfix', msg(`Planfix failed on ${f.where} (${f.detail}, HTTP ${status})`), mayHaveApplied(f.request) && status >= 500, f.code);
  }),
  // 30 bad JSON, 40/41 missing/invalid parameter, 1001/1002, 2001/2002, 5001/5002 add/update failed [S6].
  ...rows([...REFUSAL_CODES], (f) => configProblem(f.text, f.detail, f.request, f.ids) ?? new RefusedError('planfix', msg(`Planfix refused ${f.where} (${f.detail})`), f.code)),
]);

function rows(codes: readonly (number | undefined)[], row: FailureRow): [number | undefined, FailureRow][] {
  return codes.map((code) => [code, row]);
}

function failure(body: Record<string, unknown>, response: HttpResponse, request: HttpRequest, ids: PlanfixIds): FbsyncError {
  const where = describeRequest(request);
  const code = typeof body.code === 'number' ? body.code : typeof body.code === 'string' && /^\d+$/.test(body.code) ? Number(body.code) : undefined;
  const text = redact(typeof body.error === 'string' ? body.error.slice(0, 500) : '');
  const detail = [code === undefined ? 'no code' : `code ${code}`, text].filter(Boolean).join(': ');

  // Working code saw the daily limit as HTTP 200 + this text; the documented code is 22 (notes §1).
  if (code === 22 || /rate limit exceeded/i.test(text)) {
    const reset = /timeToReset\s*[:=]\s*(\d+)/i.exec(text);
    const retryAfterMs = reset ? Number(reset[1]) * 1000 : undefined;
    const when = reset ? `; it resets in about ${formatSeconds(Number(reset[1]))}` : '';
    return new ThrottledError('planfix', msg(`Planfix request limit reached on ${where} (${detail})${when}. No more Planfix calls this run`), retryAfterMs, code);
  }
  const row = PLANFIX_CODES.get(code);
  return row ? row({ code, text, detail, where, response, request, ids }) : byStatus(response.status, detail, where, request, code);
}

function byStatus(status: number, detail: string, where: string, request: HttpRequest, code?: number): FbsyncError {
  if (status === 404) return new NotFoundError('planfix', redact(`Planfix found nothing at ${where} (${detail})`), code);
  if (status >= 500) return new TransientError('planfix', redact(`Planfix failed on ${where} (${detail})`), mayHaveApplied(request), code);
  return new RefusedError('planfix', redact(`Planfix refused ${where} (${detail})`), code);
}

/** "…not found by id - 202": the id as a whole number, not part of a longer one. */
const mentions = (text: string, id: number) => new RegExp(`(?<!\\d)${id}(?!\\d)`).test(text);

/**
 * A create or list call refused because the configured template or custom field does not exist
 * (working code saw "…by id - 202" for a field the template lacks, notes §3). Those are
 * configuration mistakes: retrying, or the next run, fails the same way.
 */
function configProblem(text: string, detail: string, request: HttpRequest, ids: PlanfixIds): ConfigError | undefined {
  const path = pathOf(request.url) ?? '';
  const m = /^\/rest\/(task|contact)\/?(list)?\/?$/.exec(path);
  if (!m || request.method !== 'POST') return undefined;
  const kind = m[1] as 'task' | 'contact';
  const isCreate = m[2] === undefined;
  const where = describeRequest(request);
  const templateId = kind === 'task' ? ids.taskTemplateId : ids.contactTemplateId;
  const templateKey = kind === 'task' ? 'planfix.taskTemplateId' : 'planfix.contactTemplateId';
  const fieldId = kind === 'task' ? ids.fields.taskPostId : ids.fields.contactFacebookId;
  const fieldKey = kind === 'task' ? 'planfix.fields.taskPostId' : 'planfix.fields.contactFacebookId';

  if (/template/i.test(text) && (isCreate || mentions(text, templateId))) {
    return new ConfigError(
      redact(`Planfix has no ${kind} template ${templateId} (${detail}) on ${where}. Set ${templateKey} to the id of an existing ${kind} template; \`fbsync doctor\` lists them`),
      templateKey,
    );
  }
  if (mentions(text, fieldId) && /field|by id/i.test(text)) {
    return new ConfigError(
      redact(
        `Planfix ${kind} template ${templateId} has no custom field ${fieldId} (${detail}) on ${where}. Set ${fieldKey} to the id of a Line field of that template (\`fbsync doctor\` lists them), or add field ${fieldId} to the template`,
      ),
      fieldKey,
    );
  }
  return undefined;
}

function formatSeconds(s: number): string {
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 360) / 10} h`;
}
