import { describe, expect, it } from 'vitest';
import { backlog, crowd } from './fixtures.js';
import { useE2E } from './harness.js';
import { checkExactlyOnce } from './invariants.js';

// behaviour.md § Guarantees, "bounded work per run": a run with a big backlog stops starting
// writes once `sync.maxEffects` writes are done or `sync.maxRunSeconds` have passed, exits 0 with
// `stoppedEarly` in its summary, and the next runs do the rest, exactly once.

const people = crowd(3, 'Backlog', '96000000');

describe('bounded runs', () => {
  const e2e = useE2E({}, { manual: true });


  /** Runs until a run is not stopped early; every run exits 0. */
  async function drain(limit: number): Promise<any[]> {
    const summaries: any[] = [];
    for (let i = 0; i < limit; i++) {
      const r = await e2e.run();
      expect(r.code, r.stderr).toBe(0);
      summaries.push(r.summary);
      if (!r.summary.stoppedEarly) break;
    }
    return summaries;
  }

  const total = (effects: Record<string, number>) => Object.values(effects).reduce((a, b) => a + b, 0);

  it('sync.maxEffects: a 30-comment backlog goes 10 writes per run, each run exiting 0, until it is done, exactly once', async () => {
    await e2e.start({ configExtra: 'sync:\n  maxEffects: 10\n' });
    backlog(e2e, 3, 10, { people: people.slice(0, 3), label: 'Backlog' });
    const first = await e2e.cli(['run', '--config', e2e.configPath]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/stopped early \(sync\.maxEffects reached\), the rest follows next run/);
    // 36 writes (3 contacts, 3 tasks, 30 comments): the first run and at least 3 more.
    const summaries = await drain(12);
    expect(summaries.length).toBeGreaterThanOrEqual(3);
    for (const s of summaries.slice(0, -1)) {
      expect(s.stoppedEarly).toBe('effects');
      expect(total(s.effects)).toBeLessThanOrEqual(10);
    }
    expect(summaries.at(-1).stoppedEarly).toBeNull();
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(30);
    console.log(`bounded: maxEffects 10 → ${summaries.length + 1} runs for 30 comments (${summaries.map((s) => total(s.effects)).join('+')} effects after the first)`);
  });

  it('sync.maxRunSeconds: a run that reaches it stops starting writes and exits 0; the next run finishes, exactly once', async () => {
    // 20 comments on one post are written one after the other: with the contacts and the task,
    // 28 Planfix answers of 250 ms each, 7 s of work that a 5 s run cannot finish, however fast
    // the machine.
    await e2e.start({ configExtra: 'sync:\n  maxRunSeconds: 5\n', simulator: { planfix: { latencyMs: 250 } } });
    backlog(e2e, 1, 20, { people: people.slice(0, 2), label: 'Backlog' });
    const summaries = await drain(4);
    expect(summaries[0].stoppedEarly).toBe('time');
    expect(summaries[0].effects['comment.imported']).toBeLessThan(20);
    expect(summaries.at(-1).stoppedEarly).toBeNull();
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(20);
  });
});
