import { describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';

// An idle cycle must cost a small constant number of requests per side, not one per post or task.

describe('the cost of a cycle', () => {
  const e2e = useE2E({ simulator: { planfix: { timeZoneOffsetMinutes: -300 } } }, { per: 'file' });

  it('idle with 50 posts and 50 tasks watched: 3 Facebook requests and 1 Planfix request', async () => {
    // Planfix lists tasks changed within fbsync's 3-minute look-back again (minute resolution, clock
    // skew). Running Planfix's clock 6 minutes behind makes this activity older than that, as it is
    // a few minutes after real activity; the zone fbsync learns still rounds to the account's.
    e2e.sim.planfix.advanceClock(-6 * 60_000);
    for (let i = 0; i < 50; i++) {
      const post = e2e.sim.facebook.addPost({ message: `Post ${i}` });
      e2e.sim.facebook.addComment(post.id, { from: { id: `66000${i % 7}`, name: `Someone ${i % 7}` }, message: `c${i}` });
    }
    const busy = await e2e.run();
    expect(busy.summary.effects['comment.imported']).toBe(50);
    // The next runs read back the tasks fbsync itself just wrote to (their "last change" moved); then it is idle.
    await e2e.run();
    await e2e.run();
    const idle = await e2e.run();
    expect(idle.code).toBe(0);
    expect(idle.summary.effects).toEqual({});
    expect(idle.summary.requests.facebook).toBeLessThanOrEqual(3);
    expect(idle.summary.requests.planfix).toBe(1);
    console.log(`busy cycle (50 posts, 50 comments): facebook ${busy.summary.requests.facebook}, planfix ${busy.summary.requests.planfix}; idle: facebook ${idle.summary.requests.facebook}, planfix ${idle.summary.requests.planfix}`);
  });

  it('learns the Planfix account’s time zone and still sees every reply', async () => {
    e2e.sim.planfix.setClock(null);
    const task = e2e.sim.planfix.tasks()[0]!;
    const contact = e2e.sim.planfix.contacts().find((c) => `contact:${c.id}` === task.counterparty)!;
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Reply from a UTC−5 account');
    const run = await e2e.run();
    expect(run.summary.effects['reply.published']).toBe(1);
  });
});
