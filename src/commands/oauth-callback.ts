// The local page Facebook's login dialog redirects to (`fbsync reconnect`, api-notes-facebook.md
// §6 "Local callback"). It listens on the loopback interface only, answers the browser with a
// small page, and hands back the first answer whose `state` matches; anything else is refused
// (400) and the wait goes on.

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors.js';
import { registerSecret } from '../http/secrets.js';

export const CALLBACK_PATH = '/callback';

export type CallbackAnswer =
  | { kind: 'code'; code: string }
  /** The person declined (`error=access_denied`, `error_reason=user_denied`). */
  | { kind: 'denied'; description?: string }
  /** Facebook redirected with another error. */
  | { kind: 'error'; error: string; reason?: string; description?: string }
  | { kind: 'timeout' };

export interface CallbackServer {
  /** `http://localhost:{port}/callback`: the same string goes to the dialog and to the code exchange. */
  readonly redirectUri: string;
  readonly port: number;
  /** The first answer with the right state, or `timeout`. */
  wait(timeoutMs: number): Promise<CallbackAnswer>;
  close(): Promise<void>;
}

export interface CallbackOptions {
  /** 0 = any free port. */
  port: number;
  /** The random `state` of the dialog URL. */
  state: string;
  /** Told about every refused request (wrong state, no code). */
  onIgnored?: (why: string) => void;
}

/**
 * Listens on 127.0.0.1 (and on ::1 at the same port when the machine has it, since browsers may
 * resolve `localhost` to either). The redirect URI names `localhost`: Facebook allows
 * http://localhost redirects automatically for apps in development mode.
 */
export async function startCallbackServer(options: CallbackOptions): Promise<CallbackServer> {
  let settle: ((answer: CallbackAnswer) => void) | undefined;
  let settled: CallbackAnswer | undefined;
  const finish = (answer: CallbackAnswer) => {
    if (settled) return;
    settled = answer;
    settle?.(answer);
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      send(res, 404, 'Not found', 'This address only takes the Facebook login answer for <code>fbsync reconnect</code>.');
      return;
    }
    const q = url.searchParams;
    if (q.get('state') !== options.state) {
      options.onIgnored?.('a login answer whose state does not match this run (an old browser tab, or a request not started by this fbsync reconnect)');
      send(res, 400, 'Not this login', 'This login answer does not belong to the <code>fbsync reconnect</code> that is waiting (its state does not match), so it was ignored. Use the address the running command printed.');
      return;
    }
    if (settled) {
      send(res, 409, 'Already done', 'fbsync has already received the answer to this login. You can close this tab.');
      return;
    }
    const error = q.get('error');
    if (error !== null) {
      const reason = q.get('error_reason') ?? undefined;
      const description = q.get('error_description') ?? undefined;
      send(res, 200, 'Login not completed', 'Facebook did not grant access, so fbsync stored nothing. You can close this tab; the terminal says what to do next.');
      if (error === 'access_denied' || reason === 'user_denied') finish({ kind: 'denied', ...(description ? { description } : {}) });
      else finish({ kind: 'error', error, ...(reason ? { reason } : {}), ...(description ? { description } : {}) });
      return;
    }
    const code = q.get('code');
    if (!code) {
      options.onIgnored?.('a login answer without a code');
      send(res, 400, 'No login code', 'This answer carries no login code, so it was ignored.');
      return;
    }
    registerSecret(code);
    send(res, 200, 'fbsync is connected', 'fbsync received the Facebook login. You can close this tab and go back to the terminal.');
    finish({ kind: 'code', code });
  };

  const { servers, port } = await listenLoopback(options.port, handler);
  let timer: NodeJS.Timeout | undefined;
  return {
    port,
    redirectUri: `http://localhost:${port}${CALLBACK_PATH}`,
    wait: (timeoutMs) =>
      new Promise<CallbackAnswer>((resolve) => {
        if (settled) return resolve(settled);
        settle = resolve;
        timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      }),
    close: async () => {
      if (timer) clearTimeout(timer);
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

async function listenLoopback(port: number, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ servers: Server[]; port: number }> {
  // With any free port, try a few so the IPv6 loopback gets the same port when it exists.
  for (let attempt = 0; ; attempt++) {
    const v4 = createServer(handler);
    try {
      await listen(v4, port, '127.0.0.1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new ConfigError(`Port ${port} on 127.0.0.1 is in use: choose another with --port (or leave it out for any free port).`, '--port');
      if (code === 'EACCES') throw new ConfigError(`Not allowed to listen on port ${port}: choose a port above 1023 with --port.`, '--port');
      throw error;
    }
    const actual = (v4.address() as AddressInfo).port;
    const v6 = createServer(handler);
    try {
      await listen(v6, actual, '::1');
      return { servers: [v4, v6], port: actual };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && port === 0 && attempt < 4) {
        await new Promise<void>((resolve) => v4.close(() => resolve()));
        continue;
      }
      // No IPv6 loopback (or its port is taken): 127.0.0.1 alone; browsers fall back to it.
      return { servers: [v4], port: actual };
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function send(res: ServerResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fbsync — ${title}</title></head>` +
    `<body style="font-family:sans-serif;max-width:36em;margin:4em auto"><h1>${title}</h1><p>${text}</p></body></html>\n`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close', 'Referrer-Policy': 'no-referrer' });
  res.end(html);
}
