import { describe, expect, it } from 'vitest';
import { backlog, crowd, DAY, lines } from './fixtures.js';
import { type E2E, useE2E } from './harness.js';
import { checkExactlyOnce, planfixWrites } from './invariants.js';

// issue 9 § 5, behaviour.md § Exit codes: SIGTERM (systemd, `timeout`, Kubernetes) is handled like
// SIGINT in every command — the writes in flight finish, the run is recorded, exit 143 (130 for
// SIGINT) with one line that says how to resume; the next run (or the same backfill) finishes
// the job, exactly once.

const people = crowd(4, 'Signal', '95000000');
const signalBacklog = (e2e: E2E, posts: number, perPost: number, daysAgo = 0) => backlog(e2e, posts, perPost, { people, label: 'Signal', daysAgo });

describe('SIGTERM and SIGINT', () => {
  const e2e = useE2E({}, { manual: true });

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`run: ${signal} mid-cycle finishes the writes in flight, records the run, exits ${code} with one line; the next run completes exactly once`, async () => {
      await e2e.start({ simulator: { planfix: { latencyMs: 40 } } });
      signalBacklog(e2e, 3, 4);
      const stopped = await e2e.killWhen(['run', '--config', e2e.configPath], () => planfixWrites(e2e.sim) >= 3, signal);
      expect(stopped.signal).toBeNull();
      expect(stopped.code, stopped.stderr).toBe(code);
      expect(lines(stopped.stdout + stopped.stderr)).toHaveLength(1);
      expect(stopped.stdout).toMatch(new RegExp(`stopped by ${signal} after finishing the writes in flight .*resume with \`fbsync run\``));

      const status = JSON.parse((await e2e.cli(['status', '--json', '--config', e2e.configPath])).stdout);
      expect(status.lastRun).toMatchObject({ command: 'run', exitCode: code, summary: { stoppedEarly: 'interrupted', signal, resume: 'fbsync run' } });

      const next = await e2e.run();
      expect(next.code, next.stderr).toBe(0);
      expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
      expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(12);
    });
  }

  it('run --json: SIGTERM still gives one JSON object, kind interrupted, with the resume command', async () => {
    await e2e.start({ simulator: { planfix: { latencyMs: 40 } } });
    signalBacklog(e2e, 3, 4);
    const stopped = await e2e.killWhen(['run', '--json', '--config', e2e.configPath], () => planfixWrites(e2e.sim) >= 2, 'SIGTERM');
    expect(stopped.code).toBe(143);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ ok: false, exitCode: 143, signal: 'SIGTERM', resume: 'fbsync run', error: { kind: 'interrupted', fix: expect.stringContaining('fbsync run') } });
  });

  it('backfill: SIGTERM exits 143 naming the exact command that resumes it; that command finishes exactly once', async () => {
    await e2e.start({ simulator: { planfix: { latencyMs: 40 } } });
    signalBacklog(e2e, 4, 4, 40);
    const since = new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10);
    const stopped = await e2e.killWhen(['backfill', '--since', since, '--config', e2e.configPath], () => planfixWrites(e2e.sim) >= 3, 'SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(143);
    const resume = /resume with `(fbsync backfill [^`]+)`/.exec(stopped.stdout)?.[1];
    expect(resume).toBe(`fbsync backfill --since ${since} --config ${e2e.configPath}`);
    const again = await e2e.cli(resume!.split(' ').slice(1));
    expect(again.code, again.stderr).toBe(0);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(16);
  });

  it('doctor (nothing to wind down): SIGTERM exits 143 at once with one line', async () => {
    await e2e.start({ simulator: { planfix: { latencyMs: 3000 } } });
    const before = e2e.sim.planfix.requestLog.length;
    const doctor = await e2e.killWhen(['doctor', '--config', e2e.configPath], () => e2e.sim.planfix.requestLog.length > before, 'SIGTERM');
    expect(doctor.code).toBe(143);
    expect(doctor.stderr).toMatch(/^fbsync: stopped by SIGTERM/m);
  });
});
