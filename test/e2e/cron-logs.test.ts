import { describe, expect, it } from 'vitest';
import { META } from '../../src/store/meta-keys.js';
import { ann, lines, withStore } from './fixtures.js';
import { useE2E } from './harness.js';

// issue 9 § 3: cron logs a person can read. Piped (not a terminal), every line of run and backfill
// starts with an ISO timestamp, or is one JSON object with --log-format json. Waiting out a
// throttle is not a failure: the run that got the throttle answer exits 4 with one line naming
// when it may resume; the runs that only wait print nothing and exit 0 (status shows the wait);
// a wait of more than an hour (from the throttle answer to the time it named) makes them exit 4 again.

const ISO_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /;

describe('cron logs', () => {
  const e2e = useE2E();

  const run = (...args: string[]) => e2e.cli(['run', '--config', e2e.configPath, ...args]);

  it('piped, every line of run and backfill starts with an ISO timestamp', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'cron post', createdTime: new Date(Date.now() - 40 * 86_400_000) });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'hello', createdTime: new Date(Date.now() - 40 * 86_400_000 + 60_000) });
    const fresh = e2e.sim.facebook.addPost({ message: 'new post' });
    e2e.sim.facebook.addComment(fresh.id, { from: ann, message: 'hi' });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    for (const line of lines(r.stdout + r.stderr)) expect(line).toMatch(ISO_LINE);
    const b = await e2e.cli(['backfill', '--since', '90d', '--config', e2e.configPath], { env: { FBSYNC_PROGRESS_INTERVAL_MS: '1' } });
    expect(b.code, b.stderr).toBe(0);
    expect(lines(b.stderr).length).toBeGreaterThanOrEqual(2);
    for (const line of lines(b.stdout + b.stderr)) expect(line).toMatch(ISO_LINE);
    expect(b.stderr).toMatch(/fbsync backfill: 100% /);
  });

  it('--log-format json: one {time, level, message} object per line', async () => {
    e2e.sim.facebook.addComment(e2e.sim.facebook.addPost({ message: 'p' }).id, { from: ann, message: 'hello' });
    const r = await run('--log-format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const records = lines(r.stdout).map((l) => JSON.parse(l));
    expect(records).toEqual([{ time: expect.stringMatching(/^\d{4}-.*Z$/), level: 'info', message: expect.stringMatching(/^fbsync: imported 1 comment/) }]);
    const plain = await run('--log-format', 'plain');
    expect(plain.stdout).toBe('');
  });

  it('a throttle: exit 4 with one line naming when it may resume; the runs that only wait are silent and exit 0; status shows the wait', async () => {
    e2e.sim.facebook.addComment(e2e.sim.facebook.addPost({ message: 'p' }).id, { from: ann, message: 'hello' });
    e2e.sim.planfix.throttleNext({ timeToResetSeconds: 600 });
    const first = await run('--log-format', 'plain');
    expect(first.code).toBe(4);
    expect(lines(first.stdout + first.stderr)).toEqual([expect.stringMatching(/planfix throttled \(.*\), may resume after \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/)]);

    const waiting = await run();
    expect(waiting.code, waiting.stdout + waiting.stderr).toBe(0);
    expect(waiting.stdout + waiting.stderr).toBe('');
    const status = await e2e.cli(['status', '--config', e2e.configPath]);
    expect(status.stdout).toMatch(/throttled: +planfix until \d{4}-.*Z/);
  });

  it('a wait of more than an hour makes each waiting run exit 4 with one line, so monitoring notices', async () => {
    e2e.sim.facebook.addComment(e2e.sim.facebook.addPost({ message: 'p' }).id, { from: ann, message: 'hello' });
    e2e.sim.planfix.throttleNext({ timeToResetSeconds: 600 });
    expect((await run()).code).toBe(4);
    // As if Planfix had asked for two hours.
    const setMeta = (key: string, at: number) => withStore(e2e.storePath, (db) => db.prepare('UPDATE meta SET value = ? WHERE key = ?').run(new Date(at).toISOString(), key));
    setMeta(META.throttleNotBefore('planfix'), Date.now() + 2 * 3_600_000);
    const waiting = await run('--log-format', 'plain');
    expect(waiting.code).toBe(4);
    expect(lines(waiting.stdout + waiting.stderr)).toEqual([expect.stringMatching(/still waiting out a planfix throttle until .* a wait of over an hour; nothing was done/)]);
    // The whole wait counts, not what is left of it: 90 min gone and 30 min to go is still a long wait.
    setMeta(META.throttleNotBefore('planfix'), Date.now() + 30 * 60_000);
    setMeta(META.throttleSince('planfix'), Date.now() - 90 * 60_000);
    expect((await run()).code).toBe(4);
  });
});
