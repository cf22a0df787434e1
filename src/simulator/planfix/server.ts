// The HTTP edge: the order of checks mirrors a real gateway + API — faults that happen "in front"
// (proxy errors, dropped connections) come before auth; budgets come after auth, before routing.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { PfError, failBody } from './errors.js';
import type { FaultKind, FaultPlan } from './faults.js';
import type { DailyBudget, RpsLimiter } from './limits.js';
import { matchRoute } from './routes.js';
import type { PlanfixState } from './state.js';
import { applyOverride, requestInfo, type ResponseOverride, type SimAnswer } from '../override.js';

export interface RequestLogEntry {
  method: string;
  /** Path and query below the host, with any access_token removed. */
  path: string;
  /** HTTP status sent; 0 when the connection was dropped instead. */
  status: number;
  /** Sim-clock ms when the request arrived. */
  time: number;
  /** Planfix `code` of a fail answer. */
  code?: number;
  faulted?: FaultKind;
  /** Answered by the test hook (PlanfixSim.setResponseOverride). */
  overridden?: true;
}

export interface ServerDeps {
  state: PlanfixState;
  token: string;
  faults: FaultPlan;
  budget: DailyBudget;
  rps: RpsLimiter;
  log: RequestLogEntry[];
  latencyMs: () => number;
  sleep: (ms: number) => Promise<void>;
  /** The test hook, if one is set. */
  override: () => ResponseOverride | null;
}

interface Answer {
  status: number;
  /** null: sent with an empty body. */
  body: Record<string, unknown> | null;
}

const bodyText = (body: Record<string, unknown> | null) => (body === null ? '' : JSON.stringify(body));

/** Every numeric `id` as a digit string (the shape `idsAsStrings` asks for). */
function stringIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stringIds);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'id' && typeof x === 'number' ? String(x) : stringIds(x)]));
}

const nginxPage = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

const overLimit = (remaining: number, timeToReset: number, perSecond: boolean) =>
  failBody(
    22,
    perSecond
      ? `Rest API billing - rate limit exceeded, too many requests per second, remaining:${remaining}, timeToReset:${timeToReset}`
      : `Rest API billing - rate limit exceeded, remaining:${remaining}, timeToReset:${timeToReset}`,
  );

/** Short enough for a retry test, long enough to tell apart from "try again now". */
const THROTTLE_RESET_S = 2;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function authorised(req: IncomingMessage, url: URL, token: string): boolean {
  const h = req.headers.authorization;
  if (h !== undefined) {
    const m = /^bearer\s+(.+)$/i.exec(h.trim());
    return m !== null && m[1] === token;
  }
  // The query-string token is documented for GET only.
  return req.method === 'GET' && url.searchParams.get('access_token') === token;
}

function answerFor(deps: ServerDeps, req: IncomingMessage, url: URL, raw: string): Answer {
  const method = req.method ?? 'GET';
  const fail = (status: number, code: number, error: string): Answer => ({ status, body: failBody(code, error) });
  if (!url.pathname.startsWith('/rest/')) return fail(404, 0, 'Not found');
  if (!authorised(req, url, deps.token)) return fail(401, 1, 'Invalid token');
  if (!deps.budget.consume()) return { status: 200, body: overLimit(0, deps.budget.secondsToReset(), false) };
  if (!deps.rps.allow()) return { status: 200, body: overLimit(deps.budget.remaining(), 1, true) };

  const path = url.pathname.slice('/rest'.length).replace(/\/+$/, '') || '/';
  const match = matchRoute(method, path);
  if (match === null) return fail(404, 0, `Unknown method ${method} ${path}`);
  if ('methodNotAllowed' in match) return fail(405, 0, 'Method not allowed');

  let body: Record<string, unknown> = {};
  if (method === 'POST' && raw.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return fail(400, 30, 'Invalid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail(400, 30, 'Invalid JSON: an object is expected');
    body = parsed as Record<string, unknown>;
  }
  try {
    const answer = match.route.handle({ state: deps.state, params: match.params, query: url.searchParams, body });
    if (!deps.state.config.shapes.idsAsStrings || answer.body === null) return answer;
    return { status: answer.status, body: stringIds(answer.body) as Record<string, unknown> };
  } catch (e) {
    if (e instanceof PfError) return fail(e.status, e.code, e.message);
    return fail(500, 0, `Unknown error: ${(e as Error).message}`);
  }
}

function logPath(url: URL): string {
  const q = new URLSearchParams(url.searchParams);
  q.delete('access_token');
  const s = q.toString();
  return url.pathname + (s ? `?${s}` : '');
}

export function createHandler(deps: ServerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: logPath(url), status: 0, time: deps.state.now() };
    deps.log.push(entry);
    const raw = await readBody(req).catch(() => '');
    const realAnswer = (): SimAnswer => {
      const a = answerFor(deps, req, url, raw);
      return { status: a.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: bodyText(a.body) };
    };
    // Before the fault draw, and without consuming one: an answered request is not faulted.
    const overridden = applyOverride(deps.override(), requestInfo(req.method ?? 'GET', url, raw), realAnswer);
    const fault = overridden ? undefined : deps.faults.next(THROTTLE_RESET_S);
    if (fault) entry.faulted = fault;

    const latency = deps.latencyMs();
    if (latency > 0) await deps.sleep(latency);
    if (res.destroyed) return;

    const drop = () => {
      entry.status = 0;
      req.socket.destroy();
    };
    const sendRaw = (status: number, type: string, text: string, withBudget = true) => {
      entry.status = status;
      const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) };
      if (withBudget) headers['X-RateLimit-Remaining'] = deps.budget.remaining();
      res.writeHead(status, headers);
      res.end(text);
    };
    const sendJson = (status: number, body: Record<string, unknown> | null) => {
      if (body?.result === 'fail') entry.code = body.code as number;
      sendRaw(status, 'application/json; charset=utf-8', bodyText(body));
    };

    if (overridden) {
      entry.overridden = true;
      const code = /"result"\s*:\s*"fail"/.test(overridden.body) ? /"code"\s*:\s*(\d+)/.exec(overridden.body)?.[1] : undefined;
      if (code !== undefined) entry.code = Number(code);
      return sendRaw(overridden.status, overridden.headers?.['content-type'] ?? 'application/json; charset=utf-8', overridden.body);
    }

    switch (fault) {
      case 'reset':
        return drop();
      case 'html':
        // A proxy page: no API headers, nothing applied.
        return sendRaw(502, 'text/html', nginxPage(502, 'Bad Gateway'), false);
      case 'slow':
        await deps.sleep(deps.faults.slowMs);
        if (res.destroyed) return;
        return sendRaw(504, 'text/html', nginxPage(504, 'Gateway Time-out'), false);
      case 'http500':
        return sendJson(500, failBody(0, 'Unknown error'));
      case 'throttle':
        return sendJson(200, overLimit(0, deps.faults.throttleResetSeconds, false));
    }

    const answer = answerFor(deps, req, url, raw);
    // Applied, then the connection dies: the client cannot know whether its write landed.
    if (fault === 'resetAfterWrite') return drop();
    if (fault === 'truncated') {
      // The change (if any) stands; only the answer is cut, and Content-Length agrees with the cut.
      const full = bodyText(answer.body);
      if (answer.body?.result === 'fail') entry.code = answer.body.code as number;
      return sendRaw(answer.status, 'application/json; charset=utf-8', full.slice(0, Math.floor(full.length / 2)));
    }
    sendJson(answer.status, answer.body);
  };
}
