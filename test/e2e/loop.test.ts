import { describe, expect, it } from 'vitest';
import { ann, bob, waitFor } from './fixtures.js';
import { useE2E } from './harness.js';
import { checkExactlyOnce, checkRepliesOnce } from './invariants.js';

// Loop mode (`fbsync run --every`): cycles until SIGTERM/SIGINT, the lock held for the loop's life,
// the cycle in progress finished when the signal comes, nothing lost or doubled.

const people = [ann, bob];

describe('fbsync run --every', () => {
  const e2e = useE2E();

  it('imports and replies cycle after cycle, holds the lock, and stops on SIGTERM mid-cycle with nothing lost or doubled', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Loop post' });
    e2e.sim.facebook.addComment(post.id, { from: people[0]!, message: 'first' });
    const child = e2e.spawn(['run', '--every', '1s', '--json']);
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => e2e.sim.planfix.comments().some((c) => c.description.includes('first')));

    // A second run while the loop lives: the lock is held, it does nothing (75).
    expect((await e2e.cli(['run'])).code).toBe(75);

    // Later cycles pick up new work: a comment and an employee's answer.
    const task = e2e.sim.planfix.tasks()[0]!;
    const contact = e2e.sim.planfix.contacts()[0]!;
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Answered from the loop');
    for (let i = 0; i < 8; i++) e2e.sim.facebook.addComment(post.id, { from: people[i % 2]!, message: `more ${i}` });
    await waitFor(() => e2e.sim.facebook.comments().some((c) => c.byPage));

    // SIGTERM in the middle of a cycle that has writes to do.
    for (let i = 0; i < 10; i++) e2e.sim.facebook.addComment(post.id, { from: people[i % 2]!, message: `late ${i}` });
    const writes = e2e.sim.planfix.requestLog.length;
    await waitFor(() => e2e.sim.planfix.requestLog.length > writes);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    const summaries = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(summaries.length).toBeGreaterThanOrEqual(2);
    expect(summaries.every((s) => typeof s.exitCode === 'number')).toBe(true);

    // The next run finishes what the signal cut short; then everything stands once.
    expect((await e2e.run()).code).toBe(0);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(checkRepliesOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
  });

  it('rejects a duration it cannot read with exit 2 naming --every', async () => {
    const r = await e2e.cli(['run', '--every', 'often']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--every');
  });
});
