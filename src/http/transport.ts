// The wire under HttpClient: one request on node:http(s), its answer read whole and decompressed.
// No retries, no redirects, no status handling: client.ts decides what an answer means.
//
// Why not a general-purpose HTTP library: a backfill makes a hundred thousand small requests,
// and got normalised a rich options object on every one (~18 KB allocated per request), on
// which V8 let the heap grow to 4× the live ~15 MB: 192 MB peak RSS at 100,000 comments. On
// node:http the same backfill peaks at 134 MB and runs 2.5× faster (`npm run bench -- memory
// --full`). fbsync needs little of such a library: no redirects, cookies, proxies (got read no
// HTTP(S)_PROXY either) or streams.

import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

export interface WireRequest {
  method: string;
  url: URL;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
}

export interface WireAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * The request failed before a whole answer arrived. `code` is Node's (ECONNREFUSED, ENOTFOUND,
 * ECONNRESET, …) or ETIMEDOUT when the deadline passed.
 */
export class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WireError';
  }
}

/** One keep-alive socket pool per scheme: a cycle makes many small requests to one host. */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

export function keepAliveAgents(maxSockets: number): Agents {
  return { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
}

/** What the answers may be compressed with (Graph gzips large pages). */
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * Sends one request and reads its answer. `timeoutMs` bounds the whole exchange, connection to
 * last byte: an answer that starts in time but trickles in is a timeout too.
 */
export function exchange(request: WireRequest, agents: Agents, timeoutMs: number): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const secure = request.url.protocol === 'https:';
    if (!secure && request.url.protocol !== 'http:') {
      reject(new WireError('ERR_UNSUPPORTED_PROTOCOL', `unsupported protocol ${request.url.protocol}`));
      return;
    }
    const headers: Record<string, string> = { 'user-agent': 'fbsync', 'accept-encoding': ACCEPT_ENCODING, ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));

    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      reject(error instanceof WireError ? error : new WireError(code ?? 'ERR_NETWORK', (error as Error | undefined)?.message ?? 'network error', { cause: error }));
      // The socket is in an unknown state: it must not go back to the pool.
      req.destroy();
    };

    const timer = setTimeout(() => fail(new WireError('ETIMEDOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
    const options: http.RequestOptions = { method: request.method, headers, agent: secure ? agents.https : agents.http };
    const req = (secure ? https : http).request(request.url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      // Closed before the last byte (a reset mid-body, a body shorter than its Content-Length).
      res.on('close', () => {
        if (!res.complete) fail(new WireError('ECONNRESET', 'the connection closed before the answer was complete'));
      });
      res.on('end', () => {
        if (!res.complete) return; // 'close' reports it
        decompress(Buffer.concat(chunks), res.headers['content-encoding']).then((body) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body.toString('utf8') });
        }, fail);
      });
    });
    req.on('error', fail);
    req.end(request.body);
  });
}

function decompress(raw: Buffer, encoding: string | undefined): Promise<Buffer> {
  const how = encoding?.trim().toLowerCase();
  if (!how || how === 'identity' || raw.length === 0) return Promise.resolve(raw);
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, out: Buffer) => (error ? reject(Object.assign(error, { code: (error as NodeJS.ErrnoException).code ?? 'Z_DATA_ERROR' })) : resolve(out));
    if (how === 'gzip' || how === 'x-gzip') zlib.gunzip(raw, done);
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: the first byte tells.
    else if (how === 'deflate') ((raw[0]! & 0x0f) === 0x08 ? zlib.inflate : zlib.inflateRaw)(raw, done);
    else if (how === 'br') zlib.brotliDecompress(raw, done);
    else resolve(raw);
  });
}
