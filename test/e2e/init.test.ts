import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ann } from './fixtures.js';
import { FAST_ENV, ROOT, useE2E } from './harness.js';
import { hasScript, inPty } from './pty.js';

// issue 9 § 6: setting up is guided — `fbsync init` writes a commented fbsync.yaml from flags or
// questions on a terminal, never overwrites a file and says what to run next; doctor and run flag
// the example's placeholder values; FBSYNC_CONFIG names the file (a cron line needs no `cd`); the
// "copy config.example.yaml" hint prints that file's real path.

function fbsync(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/fbsync.js'), ...args], { cwd, env: { ...process.env, ...FAST_ENV, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const SECRETS = { FB_APP_SECRET: 'init-test-app-secret', PLANFIX_TOKEN: 'init-test-planfix-token' };

describe('fbsync init and the configuration file', () => {
  let dir: string;
  // Only the FBSYNC_CONFIG test needs a simulator; it starts one.
  const e2e = useE2E({}, { manual: true });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-init-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a commented fbsync.yaml from flags (owner-only), suggests reconnect and doctor, and never overwrites it', async () => {
    const r = await fbsync(['init', '--page-id', '111222333', '--app-id', '444555', '--planfix-url', 'https://acme.planfix.com/rest/', '--task-template', '7', '--contact-template', '8', '--contact-field', '9', '--task-field', '10'], dir);
    expect(r.code, r.stderr).toBe(0);
    const file = path.join(dir, 'fbsync.yaml');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^# fbsync configuration, written by `fbsync init`/);
    expect(text).toMatch(/^ {2}pageId: "111222333"$/m);
    expect(text).toMatch(/^ {2}url: https:\/\/acme\.planfix\.com$/m);
    expect(text).toMatch(/^ {4}taskPostId: 10 /m);
    expect(text).toContain('appSecret: ${FB_APP_SECRET}');
    expect(text).toMatch(/# Required\. The Page whose posts/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(r.stdout).toMatch(/Next: `fbsync reconnect` .* then `fbsync doctor`/);
    // It loads: status gets past the configuration to the store, which no run has made yet (doctor
    // would say the same, but then try to reach acme.planfix.com: a test never touches the internet).
    const status = await fbsync(['status', '--json'], dir, SECRETS);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { kind: 'store', message: expect.stringMatching(/^No store at /) } });

    const again = await fbsync(['init', '--page-id', '999'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; fbsync init never overwrites a file/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });

  it('a bad flag value is exit 2 naming the flag; nothing is written', async () => {
    const r = await fbsync(['init', '--page-id', 'my-page'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--page-id: a Page id is a string of digits, got "my-page"/);
    expect(fs.existsSync(path.join(dir, 'fbsync.yaml'))).toBe(false);
  });

  it.skipIf(!hasScript())('on a terminal it asks, and Enter keeps the example value', async () => {
    const r = await inPty(
      ['init'],
      [
        [/Page id .*\]: /, '123123123'],
        [/app id .*\]: /, 'not-digits'],
        [/try again/, '777'],
        [/address .*\]: /, 'https://shop.planfix.com'],
        [/task template id .*\]: /, ''],
        [/contact template id .*\]: /, '5'],
        [/Facebook id .*\]: /, '55'],
        [/post id .*\]: /, '66'],
      ],
      { cwd: dir },
    );
    expect(r.code, r.output).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'fbsync.yaml'), 'utf8');
    expect(text).toMatch(/pageId: "123123123"/);
    expect(text).toMatch(/appId: "777"/);
    expect(text).toMatch(/taskTemplateId: 12$/m);
    expect(text).toMatch(/contactFacebookId: 55 /);
    expect(r.output).toMatch(/Not filled in yet \(still the example's values\): task-template/);
  });

  it.skipIf(!hasScript())('Ctrl-C at a question exits 130 and writes nothing', async () => {
    const r = await inPty(['init'], [[/Page id .*\]: /, '\u0003']], { cwd: dir });
    expect(r.code, r.output).toBe(130);
    expect(r.output).toMatch(/stopped by SIGINT; nothing was written/);
    expect(fs.existsSync(path.join(dir, 'fbsync.yaml'))).toBe(false);
  });

  it('the example’s placeholders are "not filled in": run exits 2 naming them, doctor fails that check', async () => {
    expect((await fbsync(['init'], dir)).code).toBe(0);
    const run = await fbsync(['run'], dir, SECRETS);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not filled in: facebook\.pageId \(still the example's 104857600000000\), facebook\.appId .*planfix\.url \(still the example's https:\/\/example\.planfix\.com\)/);
    const doctor = await fbsync(['doctor'], dir, SECRETS);
    expect(doctor.stdout).toMatch(/^✗ values filled in +not filled in: facebook\.pageId/m);
  });

  it('FBSYNC_CONFIG names the file, so a cron line needs no cd; no file anywhere prints the real path of config.example.yaml', async () => {
    await e2e.start();
    e2e.sim.facebook.addComment(e2e.sim.facebook.addPost({ message: 'p' }).id, { from: ann, message: 'hi' });
    const r = await fbsync(['run', '--json'], dir, { FBSYNC_CONFIG: e2e.configPath });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).effects['comment.imported']).toBe(1);
    const none = await fbsync(['status'], dir);
    expect(none.code).toBe(2);
    const example = path.join(ROOT, 'config.example.yaml');
    expect(none.stderr).toContain(`copy ${example}`);
    expect(fs.existsSync(example)).toBe(true);
    expect(none.stderr).toMatch(/set FBSYNC_CONFIG, run `fbsync init`/);
  });
});
