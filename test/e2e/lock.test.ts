import { describe, expect, it } from 'vitest';
import { backlog, crowd, withStore } from './fixtures.js';
import { collect, useE2E } from './harness.js';
import { checkExactlyOnce, planfixWrites } from './invariants.js';

// behaviour.md § Guarantees, "one run at a time", and exit code 75: overlapping cron runs do not
// both work, and a run killed while holding the lock does not block the next one.

const people = crowd(4, 'Locktest', '93000000');

const runsRecorded = (storePath: string) => withStore(storePath, (db) => (db.prepare('SELECT count(*) AS n FROM run').get() as { n: number }).n, { readonly: true });

describe('one run per store', () => {
  const e2e = useE2E({}, { manual: true });

  it('10 simultaneous runs: exactly one works, the other 9 exit 75 at once and touch nothing', async () => {
    // Latency on every answer makes the working run last seconds (~40 paced Planfix requests),
    // far longer than the others need to start, meet the lock and exit.
    await e2e.start({ simulator: { planfix: { latencyMs: 150 }, facebook: { latencyMs: 30 } } });
    backlog(e2e, 4, 4, { people, label: 'Lock test' });
    const results = await Promise.all(Array.from({ length: 10 }, () => collect(e2e.spawn(['run', '--json', '--config', e2e.configPath]))));

    const codes = results.map((r) => r.code).sort((a, b) => (a ?? -1) - (b ?? -1));
    expect(codes).toEqual([0, 75, 75, 75, 75, 75, 75, 75, 75, 75]);
    const winner = results.find((r) => r.code === 0)!;
    for (const loser of results.filter((r) => r.code === 75)) {
      expect(loser.stderr).toMatch(/another fbsync run holds the lock of .*fbsync\.db; nothing was done/i);
      // --json: the one JSON object says so too (issue 9 § 2).
      expect(JSON.parse(loser.stdout)).toMatchObject({ ok: false, exitCode: 75, error: { kind: 'locked' } });
      expect(loser.stderr).not.toMatch(/^\s+at /m);
    }
    for (const r of results) for (const secret of e2e.secrets()) expect(r.stdout + r.stderr).not.toContain(secret);

    // The simulators saw exactly the requests the working run counted: the others sent none.
    const summary = JSON.parse(winner.stdout);
    expect(summary.effects['comment.imported']).toBe(16);
    expect(e2e.sim.facebook.requestLog.length).toBe(summary.requests.facebook);
    expect(e2e.sim.planfix.requestLog.length).toBe(summary.requests.planfix);
    // …and only the working run is in the store's run history.
    expect(runsRecorded(e2e.storePath)).toBe(1);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    console.log(`lock: 1 of 10 runs worked (facebook ${summary.requests.facebook}, planfix ${summary.requests.planfix} requests, ${summary.durationMs} ms); 9 exited 75`);
  });

  it('a run killed with SIGKILL while holding the lock does not block the next run', async () => {
    await e2e.start({ simulator: { planfix: { latencyMs: 50 } } });
    backlog(e2e, 3, 4, { people, label: 'Lock test' });
    // Kill it mid-cycle, once it has started writing to Planfix (it holds the lock by then).
    const killed = await e2e.killWhen(['run', '--config', e2e.configPath], () => planfixWrites(e2e.sim) >= 3, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');

    const next = await e2e.run();
    expect(next.code).toBe(0);
    expect(next.stderr).not.toMatch(/lock/i);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(12);
  });
});
