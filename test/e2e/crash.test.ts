import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, runUntilClean, startE2E } from './harness.js';
import { checkExactlyOnce, checkRepliesOnce, planfixWrites } from './invariants.js';

// Kills the real CLI with SIGKILL at many instants of a cycle, then runs it until clean, and checks
// that every comment is in Planfix exactly once with one contact per person and one active task per post.
// FBSYNC_CRASH_KILLS raises the number of kills (npm run test:crash-long).

const KILLS = Number(process.env.FBSYNC_CRASH_KILLS ?? 12);

describe('crash safety under SIGKILL', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ requestsPerSecond: 400 });
  });
  afterAll(async () => {
    await e2e.close();
  });

  it(`loses nothing and writes nothing twice after ${KILLS} kills`, async () => {
    const people = Array.from({ length: 6 }, (_, i) => ({ id: `8100000${i}`, name: `Person ${i} Tester` }));
    let kills = 0;
    let round = 0;
    while (kills < KILLS) {
      // New activity each round: posts, comments, thread replies, and now and then a closed task.
      const post = e2e.sim.facebook.addPost({ message: `Round ${round} post` });
      for (let i = 0; i < 5; i++) {
        const c = e2e.sim.facebook.addComment(post.id, { from: people[(round + i) % people.length]!, message: `round ${round} comment ${i}` });
        if (i % 2 === 0) e2e.sim.facebook.addComment(c.id, { from: people[(round + i + 1) % people.length]!, message: `reply ${round}.${i}` });
      }
      // Employees answer commenters in open tasks: each answer must reach Facebook exactly once.
      if (round % 2 === 1) {
        const open = e2e.sim.planfix.tasks().find((t) => t.isActive && !t.isDeleted && t.counterpartyContactId);
        if (open) e2e.sim.planfix.quickReply(open.id, open.counterpartyContactId!, `answer in round ${round}`);
      }
      if (round % 3 === 2) {
        const open = e2e.sim.planfix.tasks().find((t) => t.isActive);
        if (open) e2e.sim.planfix.setTaskStatus(open.id, 'Completed');
        const older = e2e.sim.facebook.posts()[0];
        if (older) e2e.sim.facebook.addComment(older.id, { from: people[0]!, message: `late comment ${round}` });
      }
      // Kill after a varying number of Planfix writes, so the kill lands all over the cycle.
      const writesBefore = planfixWrites(e2e.sim);
      const killAfter = 1 + ((round * 7) % 12);
      const exit = await e2e.killWhen(['run', '--config', e2e.configPath], () => planfixWrites(e2e.sim) - writesBefore >= killAfter, 'SIGKILL');
      if (exit.signal === 'SIGKILL') kills++;
      round++;
      if (round > KILLS * 4) break;
    }
    const codes = await runUntilClean(e2e, 5);
    expect(codes.at(-1)).toBe(0);
    const comments = checkExactlyOnce(e2e.sim);
    const replies = checkRepliesOnce(e2e.sim);
    const lost = [...comments.lost, ...replies.lost];
    const duplicated = [...comments.duplicated, ...replies.duplicated];
    const published = e2e.sim.facebook.comments().filter((c) => c.byPage).length;
    console.log(
      `crash harness: ${kills} kills over ${round} rounds, ${e2e.sim.facebook.comments().length - published} comments, ${published} replies, ` +
        `${e2e.sim.planfix.contacts().length} contacts, ${e2e.sim.planfix.tasks().length} tasks; lost ${lost.length}, duplicated ${duplicated.length}`,
    );
    expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 1));
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
  }, 60_000 + KILLS * 5_000);
});

