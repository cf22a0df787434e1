// node:http plumbing: parse a request into a GraphRequest, decide on an injected fault, run the
// route, and write the answer with Graph's headers. The request log entry is created when the
// request arrives, so the log is in arrival order even when answers are delayed.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tokenOf } from './auth.js';
import { GraphError } from './errors.js';
import { BAD_GATEWAY_HTML, type FaultDecision, type FaultKind, throttleError, unexpectedError } from './faults.js';
import type { GraphRequest, GraphResponse, Method, RouteEnv } from './http-types.js';
import { route } from './routes.js';
import type { Usage } from './usage.js';
import { runBatch } from './batch.js';
import { splitVersion } from './versions.js';
import { applyOverride, requestInfo, type ResponseOverride } from '../override.js';

export interface RequestLogEntry {
  method: string;
  /** Path and query with every secret parameter removed. */
  path: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  /** Epoch ms when the request arrived. */
  time: number;
  faulted?: FaultKind;
  /** Answered by the test hook (FacebookSim.setResponseOverride). */
  overridden?: true;
}

export interface ServeHost {
  env: RouteEnv;
  usage: Usage;
  latencyMs(): number;
  defaultVersion: string;
  log: RequestLogEntry[];
  /** Fault for this request (forced throttles first), or null. */
  nextFault(isWrite: boolean, canRepeat: boolean): FaultDecision | null;
  slowMs(): number;
  /** Answers that carried `paging.next`, keyed by the request that `next` leads to. */
  repeatCache: Map<string, Answer>;
  timers: Set<NodeJS.Timeout>;
  /** The test hook, if one is set. */
  override(): ResponseOverride | null;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const SECRET_PARAMS = ['access_token', 'appsecret_proof', 'appsecret_time', 'client_secret', 'fb_exchange_token', 'input_token', 'code'];
const MAX_BODY = 1 << 20;
const REPEAT_CACHE_MAX = 500;
// A 1×1 PNG: enough for a client that downloads avatars and photos.
// Split so a scan for committed Facebook tokens (EAA…) does not trip on its base64.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB' + 'CAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

let traceCounter = 0;
const traceId = () => 'A' + createHash('sha1').update(`fbsim-${++traceCounter}`).digest('base64url').slice(0, 22);

function stripSecrets(url: URL): string {
  const q = new URLSearchParams(url.search);
  for (const k of SECRET_PARAMS) q.delete(k);
  const s = q.toString();
  return url.pathname + (s ? `?${s}` : '');
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bodyParams(contentType: string | undefined, text: string): [string, string][] {
  if (text === '') return [];
  if (contentType?.includes('application/json')) {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
    return Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  // Multipart uploads are not modelled: they arrive with no parameters and fail visibly.
  if (contentType?.includes('multipart/')) return [];
  return [...new URLSearchParams(text)];
}

function errorAnswer(e: GraphError, trace: string): Answer {
  const headers: Record<string, string> = { ...e.headers };
  if (e.type === 'OAuthException' && e.code === 190) headers['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" "${e.message.replace(/"/g, "'")}"`;
  return { status: e.status, headers, body: JSON.stringify(e.body(trace)) };
}

function runRoute(host: ServeHost, greq: GraphRequest, trace: string): Answer {
  let resp: GraphResponse;
  try {
    if (greq.segments.length === 0 && greq.method === 'POST' && greq.params.has('batch')) {
      // The outer request is one call already; runBatch counts the operations after the first.
      let first = true;
      const countOp = () => (first ? (first = false) : host.usage.count());
      return runBatch(greq, host.defaultVersion, (r) => withUsage(host, runRoute(host, r, trace)), countOp);
    }
    resp = route(host.env, greq);
  } catch (e) {
    if (e instanceof GraphError) return errorAnswer(e, trace);
    // A bug in the sim must not look like a Graph answer a client should handle gracefully.
    const message = `An unknown error has occurred. (FacebookSim bug: ${(e as Error).message})`;
    return errorAnswer(new GraphError({ message, code: 1, status: 500 }), trace);
  }
  return { status: resp.status, headers: resp.headers ?? {}, body: resp.body === undefined ? '' : JSON.stringify(resp.body) };
}

export async function serve(host: ServeHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim.invalid');
  const entry: RequestLogEntry = { method: req.method ?? 'GET', path: stripSecrets(url), status: 0, time: Date.now() };
  host.log.push(entry);

  if (url.pathname.startsWith('/_sim/')) {
    entry.status = 200;
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
    res.end(PNG);
    return;
  }

  const text = await readBody(req);
  const trace = traceId();
  const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
  const send = (a: Answer, faulted?: FaultKind, served = host.defaultVersion) => {
    entry.status = a.status;
    if (faulted) entry.faulted = faulted;
    if (res.destroyed || res.writableEnded) return;
    const body = Buffer.from(a.body, 'utf8');
    res.writeHead(a.status, {
      'content-type': a.headers['content-type'] ?? 'application/json; charset=UTF-8',
      'facebook-api-version': served,
      'x-fb-trace-id': trace,
      'x-fb-rev': '1019283746',
      ...host.usage.headers(host.env.state.pageId),
      ...a.headers,
      'content-length': body.length,
    });
    res.end(body);
  };
  const later = (ms: number, fn: () => void) => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      host.timers.delete(t);
      fn();
    }, ms);
    host.timers.add(t);
  };

  host.usage.count();
  if (text === null) return send(errorAnswer(GraphError.param('(#100) Request body too large'), trace));
  const version = splitVersion(url.pathname, host.defaultVersion);
  if (!version) return send(errorAnswer(GraphError.unknownPath(url.pathname), trace));

  let params: Map<string, string>;
  try {
    params = new Map([...url.searchParams, ...(req.method === 'GET' ? [] : bodyParams(req.headers['content-type'], text))]);
  } catch {
    return send(errorAnswer(GraphError.param('(#100) The request body is not valid JSON'), trace), undefined, version.served);
  }
  const override = params.get('method')?.toUpperCase();
  const httpMethod = (req.method ?? 'GET').toUpperCase();
  const method = (override === 'GET' || override === 'POST' || override === 'DELETE' ? override : httpMethod) as Method;
  const greq: GraphRequest = {
    method,
    segments: version.rest.split('/').filter(Boolean),
    rawPath: url.pathname,
    prefix: version.prefix,
    origin,
    query: url.searchParams,
    params,
    authorization: req.headers.authorization,
  };
  const served = version.served;
  const isWrite = method !== 'GET' && greq.segments[0] !== 'oauth';
  const after = url.searchParams.get('after') ?? url.searchParams.get('__paging_token');
  const repeatKey = after ? `${url.pathname}|${after}` : undefined;
  const canRepeat = method === 'GET' && repeatKey !== undefined && host.repeatCache.has(repeatKey);
  if (!['GET', 'POST', 'DELETE'].includes(method)) return send(errorAnswer(GraphError.unknownPath(url.pathname), trace), undefined, served);

  const overridden = applyOverride(host.override(), requestInfo(httpMethod, url, text), () => runRoute(host, greq, trace));
  if (overridden) {
    entry.overridden = true;
    return later(host.latencyMs(), () => send({ status: overridden.status, headers: overridden.headers ?? {}, body: overridden.body }, undefined, served));
  }

  const fault = host.nextFault(isWrite, canRepeat);
  if (fault) {
    switch (fault.kind) {
      case 'reset':
        entry.faulted = 'reset';
        req.socket.destroy();
        return;
      case 'http500':
        return later(host.latencyMs(), () => send(errorAnswer(unexpectedError(), trace), 'http500', served));
      case 'html':
        return later(host.latencyMs(), () => send({ status: 502, headers: { 'content-type': 'text/html; charset=utf-8' }, body: BAD_GATEWAY_HTML }, 'html', served));
      case 'throttle': {
        const headers = host.usage.headers(host.env.state.pageId, { regainMinutes: fault.regainMinutes });
        return later(host.latencyMs(), () => send(errorAnswer(throttleError(fault.throttleCode, headers), trace), 'throttle', served));
      }
      case 'slow':
        // A write held back this long is dropped, so a client that timed out and retries is right.
        return later(host.slowMs(), () => send(isWrite ? errorAnswer(unexpectedError(), trace) : runRoute(host, greq, trace), 'slow', served));
      case 'resetAfterWrite':
        runRoute(host, greq, trace);
        entry.faulted = 'resetAfterWrite';
        req.socket.destroy();
        return;
      case 'truncated': {
        const a = runRoute(host, greq, trace);
        if (a.status !== 200) return later(host.latencyMs(), () => send(a, undefined, served));
        return later(host.latencyMs(), () => send({ ...a, body: a.body.slice(0, Math.floor(a.body.length / 2)) }, 'truncated', served));
      }
      case 'repeatPage': {
        const cached = host.repeatCache.get(repeatKey!)!;
        return later(host.latencyMs(), () => send(cached, 'repeatPage', served));
      }
    }
  }

  if (host.usage.exhausted) {
    const kind = host.env.tokens.get(tokenOf(greq) ?? '')?.kind;
    const headers = host.usage.headers(host.env.state.pageId, { regainMinutes: 60 });
    return later(host.latencyMs(), () => send(errorAnswer(throttleError(kind === 'user' ? 17 : 80001, headers), trace), undefined, served));
  }

  const answer = runRoute(host, greq, trace);
  rememberNext(host, answer);
  later(host.latencyMs(), () => send(answer, undefined, served));
}

/** Operations inside a batch carry their own usage headers, as in Graph's batch fixtures. */
function withUsage(host: ServeHost, a: Answer): Answer {
  return { ...a, headers: { 'content-type': 'application/json; charset=UTF-8', ...host.usage.headers(host.env.state.pageId), ...a.headers } };
}

/** Keep each page that had a `next`, so repeatPage can serve it again for that `next`. */
function rememberNext(host: ServeHost, a: Answer): void {
  if (a.status !== 200 || !a.body.includes('"next"')) return;
  const next = (JSON.parse(a.body) as { paging?: { next?: string } }).paging?.next;
  if (!next) return;
  const u = new URL(next);
  const after = u.searchParams.get('after') ?? u.searchParams.get('__paging_token');
  if (!after) return;
  host.repeatCache.set(`${u.pathname}|${after}`, a);
  if (host.repeatCache.size > REPEAT_CACHE_MAX) host.repeatCache.delete(host.repeatCache.keys().next().value!);
}
