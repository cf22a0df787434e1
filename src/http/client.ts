import pLimit, { type LimitFunction } from 'p-limit';
import { type BackoffPolicy, backoffDelay, defaultBackoff, sleep } from './backoff.js';
import { type NetworkProblem, type Side, NetworkError, ThrottledError, TransientError } from './errors.js';
import { FbsyncError } from '../errors.js';
import { redact } from './secrets.js';
import { Throttle } from './throttle.js';
import { type Agents, exchange, keepAliveAgents, type WireRequest } from './transport.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL, query included (built by url.ts' apiUrl; paging.next URLs are followed as given). */
  url: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /**
   * A POST that only reads (Planfix `…/list`): repeating it cannot duplicate a write, so transient
   * failures are retried as for a GET.
   */
  idempotent?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpClientOptions {
  side: Side;
  /** Requests in flight at once. */
  concurrency: number;
  /** Minimum spacing of request starts (Planfix: 1000 / requestsPerSecond). */
  minIntervalMs?: number;
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  /**
   * Turns an answer into the error it means, or undefined when it is a success.
   * Both APIs put the real cause in the body, whatever the HTTP status. A ConfigError when the
   * answer proves the configuration wrong (Planfix: unknown template or custom field id).
   */
  classify(response: HttpResponse, request: HttpRequest): FbsyncError | undefined;
  /** Sees every answer (usage headers). */
  onResponse?(response: HttpResponse): void;
  /**
   * Called right before every try, retries included, after the request's slot was granted:
   * signs it (Graph's timestamped appsecret_proof is valid for 5 minutes only, so a proof made
   * when the call was queued may be stale by the time it goes out).
   */
  prepare?(request: HttpRequest): HttpRequest;
}

/** Environment knobs for tests and slow links; documented in the README. */
export function httpTuningFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<HttpClientOptions, 'timeoutMs' | 'backoff'> {
  const timeoutMs = Number(env.FBSYNC_HTTP_TIMEOUT_MS) || 30_000;
  const baseMs = Number(env.FBSYNC_RETRY_BASE_MS) || defaultBackoff.baseMs;
  return { timeoutMs, backoff: { ...defaultBackoff, baseMs, capMs: Math.max(baseMs, defaultBackoff.capMs * (baseMs / defaultBackoff.baseMs)) } };
}

/**
 * The one place fbsync talks HTTP. Retries transient failures only when repeating the request
 * cannot duplicate a write; everything else is the journal's decision (architecture.md).
 */
export class HttpClient {
  readonly throttle: Throttle;
  private readonly limit: LimitFunction;
  private count = 0;

  /** One socket pool per side, kept alive. */
  private readonly agents: Agents;

  constructor(private readonly options: HttpClientOptions) {
    this.agents = keepAliveAgents(Math.max(1, options.concurrency));
    this.throttle = new Throttle(options.side, options.minIntervalMs ?? 0);
    this.limit = pLimit(Math.max(1, options.concurrency));
  }

  get requestCount(): number {
    return this.count;
  }

  send(request: HttpRequest): Promise<HttpResponse> {
    return this.limit(() => this.sendWithRetries(request));
  }

  /** Closes the kept-alive connections (loop mode makes new clients every cycle). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async sendWithRetries(request: HttpRequest): Promise<HttpResponse> {
    const backoff = this.options.backoff ?? defaultBackoff;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.sendOnce(request);
      } catch (error) {
        const retryable = error instanceof TransientError && (request.method === 'GET' || request.idempotent === true || !error.outcomeUnknown);
        if (!retryable || attempt >= backoff.retries) throw error;
        await sleep(backoffDelay(attempt, backoff));
      }
    }
  }

  private async sendOnce(unsigned: HttpRequest): Promise<HttpResponse> {
    await this.throttle.admit();
    const request = this.options.prepare?.(unsigned) ?? unsigned;
    this.count++;
    let response: HttpResponse;
    try {
      response = await exchange(toWire(request), this.agents, this.options.timeoutMs ?? 30_000);
    } catch (error) {
      throw this.networkError(error, request);
    }
    this.options.onResponse?.(response);
    const failure = this.options.classify(response, request);
    if (failure) {
      if (failure instanceof ThrottledError) this.throttle.stop(failure);
      throw failure;
    }
    return response;
  }

  private networkError(error: unknown, request: HttpRequest): FbsyncError {
    // WireError's code, or Node's on an error thrown before the wire (an invalid URL).
    const raw = (error as { code?: unknown } | undefined)?.code;
    const code = typeof raw === 'string' ? raw : undefined;
    // A refused connection never reached the server; anything later may have been applied.
    const outcomeUnknown = code === undefined || !NOT_SENT.has(code);
    const failure = describeNetworkFailure(this.options.side, code, this.options.timeoutMs ?? 30_000);
    const host = hostOf(request.url);
    const side = this.options.side === 'facebook' ? 'Facebook' : 'Planfix';
    return new NetworkError(
      this.options.side,
      host,
      failure.problem,
      failure.fix,
      redact(`${side}: cannot reach ${host} (${failure.reason}) on ${request.method} ${describeUrl(request.url).replace(/^\w+:\/\/[^/]+/, '')}: ${failure.fix}`),
      outcomeUnknown,
    );
  }
}

const TLS_CODE = /^(?:CERT_|ERR_TLS_|ERR_SSL_|EPROTO$|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_(?:VERIFY|GET)_)/;

/** What a transport error code means, and what to check; the configuration key is the side's address. */
export function describeNetworkFailure(side: Side, code: string | undefined, timeoutMs: number): { problem: NetworkProblem; reason: string; fix: string } {
  const key = side === 'facebook' ? 'facebook.graphUrl' : 'planfix.url';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { problem: 'dns', reason: 'host not found', fix: `check ${key}, DNS or proxy` };
  if (code === 'ECONNREFUSED') return { problem: 'refused', reason: 'connection refused', fix: `check ${key} (host and port), and that no firewall or proxy refuses it` };
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return { problem: 'timeout', reason: `no answer within ${timeoutMs} ms`, fix: `check the network or proxy; FBSYNC_HTTP_TIMEOUT_MS=${timeoutMs * 2} allows a slower link` };
  }
  if (code && TLS_CODE.test(code)) {
    return { problem: 'tls', reason: `TLS failed: ${code}`, fix: `check ${key} (https:// to a server with a valid certificate); a proxy that inspects TLS needs its CA in NODE_EXTRA_CA_CERTS` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return { problem: 'reset', reason: 'connection reset', fix: 'a passing network problem: the next run tries again' };
  return { problem: 'other', reason: code ?? 'network error', fix: `check ${key}, the network or proxy` };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid URL)';
  }
}

/** Failures that prove the request never left this machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', 'ERR_UNSUPPORTED_PROTOCOL']);

/** Headers lower-cased, the body encoded with its content type (a caller's own content-type wins). */
function toWire(request: HttpRequest): WireRequest {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  }
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  return { method: request.method, url, headers, body };
}

/** Host and path only: query strings carry tokens and proofs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The parsed JSON body, or undefined when the body is not JSON (HTML error page, cut-off body). */
export function parseJson(body: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(body) };
  } catch {
    return undefined;
  }
}

/** Names what came instead of JSON, for error messages. */
export function describeNonJson(response: HttpResponse): string {
  if (/^\s*</.test(response.body)) return `an HTML page (HTTP ${response.status})`;
  if (response.body.length === 0) return `an empty body (HTTP ${response.status})`;
  return `invalid or truncated JSON (HTTP ${response.status})`;
}
