import fs from 'node:fs';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ann } from './fixtures.js';
import { useE2E } from './harness.js';

// issue 9 § 4: a side that cannot be reached is named with the reason and the fix — refused, TLS,
// timeout (DNS: test/http/network-failure.test.ts, without touching a resolver) — on both sides,
// in run, backfill, doctor and reconnect. A cycle that could not reach a side says it did not finish
// (exit 4, retried next run).


/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('network failures, named with the fix', () => {
  const e2e = useE2E();
  let silent: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  beforeEach(() => {
    e2e.sim.facebook.addComment(e2e.sim.facebook.addPost({ message: 'net post' }).id, { from: ann, message: 'hello' });
  });
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
    silent = undefined;
  });

  const setUrl = (key: 'graphUrl' | 'url', url: string) => {
    const yaml = fs.readFileSync(e2e.configPath, 'utf8');
    const re = key === 'graphUrl' ? /graphUrl: .*/ : /(planfix:\n(?:.*\n)*? {2})url: .*/;
    e2e.writeConfig(key === 'graphUrl' ? yaml.replace(re, `graphUrl: ${url}`) : yaml.replace(re, `$1url: ${url}`));
  };
  const cli = (args: string[], env?: NodeJS.ProcessEnv, input?: string) =>
    e2e.cli([...args, '--config', e2e.configPath, ...(['run', 'backfill'].includes(args[0]!) ? ['--log-format', 'plain'] : [])], { env, input });

  it('run: Planfix refusing the connection is named with planfix.url; the cycle says it did not finish (exit 4)', async () => {
    const port = await closedPort();
    setUrl('url', `http://127.0.0.1:${port}`);
    const r = await cli(['run']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout + r.stderr).toContain(`Planfix: cannot reach 127.0.0.1:${port} (connection refused)`);
    expect(r.stdout + r.stderr).toMatch(/check planfix\.url \(host and port\)/);
    expect(r.stdout).toMatch(/the cycle did not finish/);
    const json = JSON.parse((await cli(['run', '--json'])).stdout);
    expect(json.error).toMatchObject({ kind: 'network', side: 'planfix', fix: expect.stringContaining('planfix.url') });
  });

  it('run and backfill: Facebook over TLS to a plain-HTTP port is a TLS failure naming facebook.graphUrl', async () => {
    setUrl('graphUrl', e2e.sim.graphUrl.replace('http://', 'https://'));
    for (const args of [['run'], ['backfill', '--since', '30d']]) {
      const r = await cli(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(4);
      expect(r.stdout + r.stderr).toMatch(/Facebook: cannot reach 127\.0\.0\.1:\d+ \(TLS failed: \w+\).*check facebook\.graphUrl \(https:\/\//);
      expect(r.stdout).toMatch(/did not finish/);
    }
  });

  it('doctor: a silent Planfix is a timeout naming FBSYNC_HTTP_TIMEOUT_MS; the check fails with the fix, kind network', async () => {
    silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    setUrl('url', `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`);
    const env = { FBSYNC_HTTP_TIMEOUT_MS: '300', FBSYNC_RETRY_BASE_MS: '1' };
    const text = await cli(['doctor'], env);
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(/✗ Planfix token +Planfix: cannot reach 127\.0\.0\.1:\d+ \(no answer within 300 ms\)/);
    expect(text.stdout).toMatch(/fix: check the network or proxy; FBSYNC_HTTP_TIMEOUT_MS=600 allows a slower link/);
    const json = JSON.parse((await cli(['doctor', '--json'], env)).stdout);
    expect(json.error).toMatchObject({ kind: 'network', side: 'planfix' });
  });

  it('reconnect: Facebook refusing the connection is named, nothing is stored', async () => {
    setUrl('graphUrl', `http://127.0.0.1:${await closedPort()}`);
    const r = await cli(['reconnect', '--token', '-'], undefined, e2e.sim.facebook.issueUserToken());
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Facebook: cannot reach 127\.0\.0\.1:\d+ \(connection refused\).*check facebook\.graphUrl/);
  });
});
