// HttpClient on a real socket (a node:http server on 127.0.0.1, not msw): what the journal relies
// on when the wire misbehaves — which failures may have been applied (outcomeUnknown) and which
// are repeated — and what the transport does for the clients (compressed answers, bodies, query
// strings, redirects, keep-alive).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpClientOptions, type HttpRequest } from '../../src/http/client.js';
import { TransientError } from '../../src/http/errors.js';
import { apiUrl } from '../../src/http/url.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

interface Arrival {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
let handler: Handler;
let arrivals: Arrival[];
let connections: number;

beforeEach(async () => {
  arrivals = [];
  connections = 0;
  handler = (_req, res) => res.end('{}');
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      arrivals.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const client = (options: Partial<HttpClientOptions> = {}) =>
  new HttpClient({ side: 'planfix', concurrency: 1, timeoutMs: 2_000, backoff: { retries: 2, baseMs: 1, capMs: 2 }, classify: () => undefined, ...options });

async function failure(promise: Promise<unknown>): Promise<TransientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TransientError);
    return error as TransientError;
  }
  throw new Error('expected a failure');
}

const post = (path: string): HttpRequest => ({ method: 'POST', url: `${base}${path}`, json: { name: 'n' } });

describe('failures after the request was sent may have been applied', () => {
  it('no answer within the timeout: outcome unknown, a write is not repeated', async () => {
    handler = () => {}; // never answers
    const error = await failure(client({ timeoutMs: 200 }).send(post('/task/')));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toBe(
      `Planfix: cannot reach ${new URL(base).host} (no answer within 200 ms) on POST /task/: check the network or proxy; FBSYNC_HTTP_TIMEOUT_MS=400 allows a slower link`,
    );
    expect(arrivals).toHaveLength(1);
  });

  it('an answer that starts in time but is not complete by the timeout is a timeout too', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '20' });
      res.write('{"id":');
    };
    const error = await failure(client({ timeoutMs: 300 }).send(post('/task/')));
    expect(error.outcomeUnknown).toBe(true);
    expect(error.message).toContain('no answer within 300 ms');
  });

  it('a reset after the request arrived: outcome unknown, a write is not repeated', async () => {
    handler = (req) => req.socket.destroy();
    const error = await failure(client().send(post('/task/')));
    expect(error.outcomeUnknown).toBe(true);
    expect(arrivals).toHaveLength(1);
  });

  it('a body cut off before its Content-Length: outcome unknown, a write is not repeated', async () => {
    handler = (req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '40' });
      res.write('{"result":"success","i', () => req.socket.destroy());
    };
    const error = await failure(client().send(post('/task/')));
    expect(error.outcomeUnknown).toBe(true);
    expect(arrivals).toHaveLength(1);
  });

  it('the same failures on a GET are repeated (a read cannot duplicate anything)', async () => {
    let n = 0;
    handler = (req, res) => (++n === 1 ? req.socket.destroy() : res.end('{"ok":true}'));
    const answer = await client().send({ method: 'GET', url: `${base}/task/5` });
    expect(answer.body).toBe('{"ok":true}');
    expect(arrivals).toHaveLength(2);
  });
});

describe('failures before anything was sent', () => {
  it('a refused connection is known not applied: even a write is repeated, then reported as not applied', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const http1 = client();
    const error = await failure(http1.send({ method: 'POST', url: `http://127.0.0.1:${port}/task/`, json: {} }));
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toBe(
      `Planfix: cannot reach 127.0.0.1:${port} (connection refused) on POST /task/: check planfix.url (host and port), and that no firewall or proxy refuses it`,
    );
    expect(http1.requestCount).toBe(3);
  });
});

describe('what the transport does for the clients', () => {
  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('reads a %s-compressed answer decompressed', async (encoding, compress) => {
    const json = JSON.stringify({ data: Array.from({ length: 50 }, (_, i) => ({ id: String(i), message: 'Dzień dobry' })) });
    handler = (req, res) => {
      expect(String(req.headers['accept-encoding'])).toContain(encoding);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
      res.end(compress(Buffer.from(json)));
    };
    const answer = await client().send({ method: 'GET', url: `${base}/feed` });
    expect(answer.body).toBe(json);
  });

  it('a compressed answer cut short is a failure, not a shorter body', async () => {
    const gz = zlib.gzipSync(Buffer.from(JSON.stringify({ data: 'x'.repeat(5000) })));
    handler = (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gz.length - 10) });
      res.end(gz.subarray(0, gz.length - 10));
    };
    const error = await failure(client().send(post('/task/')));
    expect(error.outcomeUnknown).toBe(true);
  });

  it('a redirect is an answer for classify, never followed', async () => {
    handler = (_req, res) => {
      res.writeHead(301, { location: `${base}/elsewhere` });
      res.end();
    };
    const seen: number[] = [];
    const answer = await client({ classify: (r) => void seen.push(r.status) }).send({ method: 'GET', url: `${base}/rest/ping` });
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe(`${base}/elsewhere`);
    expect(seen).toEqual([301]);
    expect(arrivals.map((a) => a.url)).toEqual(['/rest/ping']);
  });

  it('JSON and form bodies carry their content type and length; caller headers are sent', async () => {
    const http1 = client();
    await http1.send({ method: 'POST', url: `${base}/a`, json: { name: 'Zoë' }, headers: { Authorization: 'Bearer t0ken' } });
    await http1.send({ method: 'POST', url: `${base}/b`, form: { message: 'a & b', fields: 'id' } });
    const [json, form] = arrivals;
    expect(json!.headers['content-type']).toBe('application/json');
    expect(json!.body).toBe('{"name":"Zoë"}');
    expect(json!.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"Zoë"}')));
    expect(json!.headers.authorization).toBe('Bearer t0ken');
    expect(form!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(form!.body).get('message')).toBe('a & b');
  });

  it('sends the query apiUrl built, and a URL with its own query as given', async () => {
    const http1 = client();
    await http1.send({ method: 'GET', url: apiUrl(`${base}/rest/`, 'contact/1', { fields: 'id,name{x}', note: 'a b&c' }) });
    await http1.send({ method: 'GET', url: apiUrl(`${base}/rest`, 'task/7/comments/') });
    await http1.send({ method: 'GET', url: `${base}/v24.0/1_2/comments?after=QVFI%3D&limit=100` });
    expect(arrivals.map((a) => a.url)).toEqual(['/rest/contact/1?fields=id,name{x}&note=a%20b%26c', '/rest/task/7/comments/', '/v24.0/1_2/comments?after=QVFI%3D&limit=100']);
  });

  it('keeps the connection alive across requests', async () => {
    const http1 = client();
    for (let i = 0; i < 5; i++) await http1.send({ method: 'GET', url: `${base}/ping` });
    expect(arrivals).toHaveLength(5);
    expect(connections).toBe(1);
  });

  it('does not go through HTTP_PROXY / HTTPS_PROXY (no proxy support, as before)', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, http_proxy: process.env.http_proxy };
    process.env.HTTP_PROXY = process.env.http_proxy = 'http://127.0.0.1:9';
    try {
      await client().send({ method: 'GET', url: `${base}/ping` });
      expect(arrivals).toHaveLength(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
});
