import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StoreLock } from '../../src/store/lock.js';
import { ann, DOCTOR_CHECKS } from './fixtures.js';
import { type CliResult, useE2E } from './harness.js';

// issue 9 § 2, behaviour.md § Configuration: `--json` prints exactly one JSON object on stdout
// whatever happens — {ok, exitCode, error: null | {kind, side, message, fix}, …} — and every
// human line goes to stderr. One case per exit code, and per command that takes --json.


/** The whole of stdout is one JSON object whose exitCode is the process's. */
function single(result: CliResult): any {
  let parsed: any;
  expect(() => (parsed = JSON.parse(result.stdout)), `stdout is not one JSON object:\n${result.stdout}\nstderr:\n${result.stderr}`).not.toThrow();
  expect(parsed).toBeTypeOf('object');
  expect(parsed.exitCode).toBe(result.code);
  expect(parsed.ok).toBe(result.code === 0);
  if (result.code === 0) expect(parsed.error).toBeNull();
  else expect(parsed.error).toEqual({ kind: expect.any(String), side: parsed.error.side, message: expect.any(String), fix: expect.any(String) });
  return parsed;
}

describe('--json is always one JSON object', () => {
  const e2e = useE2E();

  const cli = (args: string[], env?: NodeJS.ProcessEnv) => e2e.cli([...args, '--json', '--config', e2e.configPath], { env });
  const good = () => fs.readFileSync(e2e.configPath, 'utf8');

  it('exit 0: run, status, doctor, backfill, backfill --dry-run — with the summary fields kept', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'json post' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'hello' });
    const run = single(await cli(['run']));
    expect(run).toMatchObject({ ok: true, exitCode: 0, error: null, requests: { facebook: expect.any(Number), planfix: expect.any(Number) }, effects: { 'comment.imported': 1 }, failed: [] });
    expect(single(await cli(['status']))).toMatchObject({ ok: true, counts: { comments: 1 } });
    expect(single(await cli(['doctor'])).checks.map((c: { name: string; status: string }) => `${c.name} ${c.status}`)).toEqual(DOCTOR_CHECKS.map((name) => `${name} pass`));
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const backfill = single(await cli(['backfill', '--since', since]));
    expect(backfill).toMatchObject({ ok: true, range: { since: `${since}T00:00:00.000Z` }, progress: { postsSeen: 1 } });
    const dry = await cli(['backfill', '--since', since, '--dry-run']);
    expect(single(dry)).toMatchObject({ ok: true, dryRun: true, wouldCreate: { contacts: 0, tasks: 0, comments: 0 } });
    expect(dry.stderr).toMatch(/would create 0 contacts/);
  });

  it('exit 2: bad configuration, bad usage, a bad date, no store yet', async () => {
    const noStore = single(await cli(['status']));
    expect(noStore).toMatchObject({ exitCode: 2, error: { kind: 'store', side: null, message: expect.stringMatching(/No store at .* yet/) } });

    e2e.writeConfig(good().replace(/taskTemplateId: \d+/, 'taskTemplateId: twelve'));
    for (const command of [['run'], ['status'], ['backfill', '--since', '2026-01-01']]) {
      const r = await cli(command);
      expect(single(r).error, command.join(' ')).toMatchObject({ kind: 'config', message: expect.stringContaining('planfix.taskTemplateId') });
      expect(r.stderr).toContain('planfix.taskTemplateId');
    }
    const doctor = single(await cli(['doctor']));
    expect(doctor).toMatchObject({ exitCode: 2, error: { kind: 'config', message: expect.stringContaining('planfix.taskTemplateId') } });

    expect(single(await cli(['backfill', '--since', 'March 3'])).error).toMatchObject({ kind: 'usage', message: expect.stringContaining('--since') });
    expect(single(await cli(['run', '--bogus'])).error).toMatchObject({ kind: 'usage', message: expect.stringContaining('--bogus') });
    expect(single(await cli(['run'], { FBSYNC_HTTP_TIMEOUT_MS: '30s' })).error.message).toContain('FBSYNC_HTTP_TIMEOUT_MS');
  });

  it('exit 3: credentials refused, naming the side', async () => {
    e2e.sim.facebook.addPost({ message: 'x' });
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageToken);
    expect(single(await cli(['run'])).error).toMatchObject({ kind: 'credentials', side: 'facebook', fix: expect.stringContaining('fbsync reconnect') });
    expect(single(await cli(['doctor'])).error).toMatchObject({ kind: 'credentials', side: 'facebook' });
  });

  it('exit 4: an item failed, or a side throttled', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'json post' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'hello' });
    e2e.sim.facebook.setResponseOverride((req, real) => (req.path.endsWith(`/${post.id}/comments`) ? { ...real(), body: '{"data": [' } : undefined));
    const failed = single(await cli(['run']));
    expect(failed).toMatchObject({ exitCode: 4, error: { kind: 'partial', side: 'facebook' }, failed: [{ item: `post:${post.id}` }] });
    e2e.sim.facebook.setResponseOverride(null);
    e2e.sim.planfix.throttleNext({ timeToResetSeconds: 600 });
    const throttled = single(await cli(['run']));
    expect(throttled).toMatchObject({ exitCode: 4, error: { kind: 'throttled', side: 'planfix' }, throttled: { planfix: { retryAfterSeconds: 600 } } });
  });

  it('exit 75: the lock is held', async () => {
    const lock = StoreLock.acquire(e2e.storePath);
    try {
      const r = await cli(['run']);
      expect(single(r)).toMatchObject({ exitCode: 75, error: { kind: 'locked' } });
      expect(r.stderr).toMatch(/holds the lock/);
    } finally {
      lock.release();
    }
  });

  it('demo --json: one object with every run of the demo', async () => {
    const r = await e2e.cli(['demo', '--json']);
    const demo = single(r);
    expect(demo.runs).toHaveLength(3);
    expect(demo.runs[0]).toMatchObject({ ok: true, effects: { 'comment.imported': expect.any(Number) } });
    expect(r.stderr).toMatch(/Planfix now holds/);
  });
});
