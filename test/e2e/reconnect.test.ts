import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { SIM_IDS } from '../../src/simulator/index.js';
import type { GrantInput } from '../../src/simulator/facebook/sim.js';
import { StoreLock } from '../../src/store/lock.js';
import { type CliResult, useE2E } from './harness.js';

// `fbsync reconnect` through the built CLI: the test plays the browser (reads the printed login
// address, asks the simulator for the code Facebook would redirect with, and calls the callback).

const SCOPES = ['pages_show_list', 'pages_read_engagement', 'pages_read_user_content', 'pages_manage_engagement'];
const OTHER_PAGE = '999000000000001';

interface Login {
  dialog: URL;
  redirectUri: string;
  state: string;
  /** GET the callback as the browser would after the dialog. */
  callback(params: Record<string, string>): Promise<Response>;
  done: Promise<CliResult>;
}

describe('fbsync reconnect', () => {
  const e2e = useE2E();
  beforeEach(() => {
    // A first-time setup: no Page token anywhere yet.
    e2e.writeConfig(e2e.sim.configYaml({ storePath: e2e.storePath, withPageToken: false, requestsPerSecond: 200 }));
  });

  /** Starts `reconnect` and waits for the login address on its stdout. */
  async function startLogin(env: NodeJS.ProcessEnv = {}): Promise<Login> {
    const child = e2e.spawn(['reconnect', '--config', e2e.configPath, '--no-browser'], { env: { FBSYNC_DIALOG_URL: 'http://127.0.0.1:9/', ...env } });
    child.stdin!.end();
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<CliResult>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        for (const secret of e2e.secrets()) {
          if (secret && (stdout.includes(secret) || stderr.includes(secret))) reject(new Error(`reconnect printed a secret (${secret.slice(0, 4)}…)`));
        }
        resolve({ code, signal, stdout, stderr });
      });
    });
    const started = Date.now();
    let match: RegExpMatchArray | null = null;
    while (!(match = stdout.match(/(http:\/\/127\.0\.0\.1:9\/\S+\/dialog\/oauth\?\S+)/))) {
      if (Date.now() - started > 4000 || child.exitCode !== null) throw new Error(`no login address printed:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const dialog = new URL(match[1]!);
    const redirectUri = dialog.searchParams.get('redirect_uri')!;
    const state = dialog.searchParams.get('state')!;
    return {
      dialog,
      redirectUri,
      state,
      callback: (params) => fetch(`${redirectUri}?${new URLSearchParams(params).toString()}`),
      done,
    };
  }

  const codeFor = (login: Login, grant?: GrantInput) => e2e.sim.facebook.issueOAuthCode(login.redirectUri, grant);

  async function pasted(token: string): Promise<CliResult> {
    return e2e.cli(['reconnect', '--config', e2e.configPath, '--token', '-'], { input: `${token}\n` });
  }

  async function syncWorks(): Promise<void> {
    const post = e2e.sim.facebook.addPost({ message: 'Opening hours' });
    e2e.sim.facebook.addComment(post.id, { from: { id: '9000000001', name: 'Ann Lee' }, message: 'Open on Sunday?' });
    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.effects['comment.imported']).toBe(1);
  }

  it('logs in through the local callback, stores a working Page token 0600, and `run` then works', async () => {
    expect((await e2e.run()).code).toBe(3); // no token yet

    const login = await startLogin();
    expect(`${login.dialog.origin}${login.dialog.pathname}`).toBe('http://127.0.0.1:9/v24.0/dialog/oauth');
    expect(login.dialog.searchParams.get('client_id')).toBe(SIM_IDS.appId);
    expect(login.dialog.searchParams.get('response_type')).toBe('code');
    expect(login.dialog.searchParams.get('scope')!.split(',').sort()).toEqual([...SCOPES].sort());
    expect(login.redirectUri).toMatch(/^http:\/\/localhost:\d+\/callback$/);
    expect(login.state.length).toBeGreaterThanOrEqual(16);

    const page = await login.callback({ code: codeFor(login), state: login.state });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/close this tab/i);

    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`"Demo Bakery" (${SIM_IDS.pageId})`);
    expect(result.stdout).toMatch(/expires: never/);
    expect(result.stdout).toMatch(/data access until: \d{4}-/);
    expect(result.stdout).toMatch(/all granted for this Page/);
    expect(result.stdout).toMatch(/Planfix: +token OK/);
    expect(fs.statSync(e2e.storePath).mode & 0o777).toBe(0o600);

    await syncWorks();
    const status = JSON.parse((await e2e.cli(['status', '--json', '--config', e2e.configPath])).stdout);
    expect(status.token).toMatchObject({ source: 'store', expiresAt: null, dataAccessExpiresAt: expect.stringMatching(/^\d{4}-/), checkedAt: expect.any(String) });
  });

  it('takes a pasted token on stdin, and can be run again at any time', async () => {
    const first = await pasted(e2e.sim.facebook.issueUserToken());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toMatch(/visible to other users/);
    await syncWorks();

    const again = await pasted(e2e.sim.facebook.issueUserToken());
    expect(again.code, again.stderr).toBe(0);
    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
  });

  it('warns that a token on the command line shows in ps, and still works', async () => {
    const result = await e2e.cli(['reconnect', '--config', e2e.configPath, '--token', e2e.sim.facebook.issueUserToken()]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/--token -/);
  });

  it('names a permission that was not granted, stores nothing, exits 3', async () => {
    const token = e2e.sim.facebook.issueUserToken({ scopes: SCOPES.filter((s) => s !== 'pages_manage_engagement'), declined: ['pages_manage_engagement'] });
    const result = await pasted(token);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/pages_manage_engagement was not granted/);
    expect(result.stderr).toMatch(/publish replies/);
    expect(result.stderr).toMatch(/fix: .*add the permission pages_manage_engagement/);
    expect(result.stderr).toMatch(/nothing was stored/);
    expect(result.stderr).not.toMatch(/pages_read_engagement/);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('names a permission granted for another Page only: the Page was not selected', async () => {
    const login = await startLogin();
    await login.callback({ code: codeFor(login, { scopeTargets: { pages_manage_engagement: [OTHER_PAGE] } }), state: login.state });
    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`pages_manage_engagement is granted, but not for Page ${SIM_IDS.pageId}.*the Page was not selected`));
    expect(result.stderr).toMatch(new RegExp(`fix: run \`fbsync reconnect\` again .*tick Page ${SIM_IDS.pageId}`));
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('ignores a callback with the wrong state (400) and keeps waiting for the right one', async () => {
    const login = await startLogin();
    const forged = await login.callback({ code: codeFor(login), state: 'not-the-state' });
    expect(forged.status).toBe(400);
    const missing = await fetch(login.redirectUri.replace(/\/callback$/, '/other'));
    expect(missing.status).toBe(404);
    const real = await login.callback({ code: codeFor(login), state: login.state });
    expect(real.status).toBe(200);
    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/ignored a login answer whose state does not match/);
  });

  it('explains a declined login and how to run it again, storing nothing', async () => {
    const login = await startLogin();
    const page = await login.callback({ error: 'access_denied', error_code: '200', error_description: 'Permissions error', error_reason: 'user_denied', state: login.state });
    expect(page.status).toBe(200);
    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/declined/);
    expect(result.stderr).toMatch(/Run `fbsync reconnect` again/);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('explains a code issued for another redirect URI', async () => {
    const login = await startLogin();
    const code = e2e.sim.facebook.issueOAuthCode('http://localhost:1/elsewhere');
    await login.callback({ code, state: login.state });
    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/redirect URI/);
    expect(result.stderr).toMatch(/Valid OAuth Redirect URIs/);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('gives up after FBSYNC_OAUTH_TIMEOUT_MS without a login', async () => {
    const login = await startLogin({ FBSYNC_OAUTH_TIMEOUT_MS: '300' });
    const result = await login.done;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no login came back/);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('exits 75 and stores nothing while another run holds the lock', async () => {
    const lock = StoreLock.acquire(e2e.storePath);
    try {
      const result = await pasted(e2e.sim.facebook.issueUserToken());
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(/holds the lock/);
    } finally {
      lock.release();
    }
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('stores the Facebook token but exits 3 naming Planfix when the Planfix token is refused', async () => {
    e2e.writeConfig(fs.readFileSync(e2e.configPath, 'utf8').replace(/token: ".*"/, 'token: "wrong-planfix-token"'));
    const result = await pasted(e2e.sim.facebook.issueUserToken());
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Facebook token was stored, but Planfix failed: Planfix refused the API token/);
    const status = JSON.parse((await e2e.cli(['status', '--json', '--config', e2e.configPath])).stdout);
    expect(status.token.source).toBe('store');
  });

  it('refuses bad usage with exit 2', async () => {
    const empty = await e2e.cli(['reconnect', '--config', e2e.configPath, '--token', '-'], { input: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No token given/);
    const port = await e2e.cli(['reconnect', '--config', e2e.configPath, '--port', 'eighty']);
    expect(port.code).toBe(2);
    const both = await e2e.cli(['reconnect', '--config', e2e.configPath, '--token', '-', '--port', '8765'], { input: 'x' });
    expect(both.code).toBe(2);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('refuses an expired or revoked pasted token with exit 3', async () => {
    const token = e2e.sim.facebook.issueUserToken();
    e2e.sim.facebook.revokeToken(token);
    const result = await pasted(token);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/fbsync reconnect/);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });
});
