import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runCycle } from '../../src/sync/engine.js';
import { openSession } from '../../src/commands/session.js';
import { type E2E, startE2E } from './harness.js';

// An idle cycle must cost a small constant number of requests per side, not one per post or task:
// the newest page of posts every cycle, the older pages in rotation (sync.fullCheckMinutes), edit
// re-reads on their own schedule, one task list on the Planfix side.

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The sim's Facebook requests that listed the feed with `until` (the rotation's older pages). */
const rotationReads = (e2e: E2E, from: number) => e2e.sim.facebook.requestLog.slice(from).filter((r) => /\/feed\?/.test(r.path) && /[?&]until=/.test(r.path)).length;

/**
 * One cycle as `fbsync run` makes it (the same session, clients and engine), at a chosen time:
 * the schedules are about minutes, and a test cannot wait for them.
 */
async function cycleAt(e2e: E2E, now: Date) {
  const config = await loadConfig({ configPath: e2e.configPath });
  const session = openSession(config);
  try {
    const report = await runCycle(session, { ...config.sync, pageId: config.pages[0]!.pageId, planfixDailyBudget: config.planfix.dailyBudget, now });
    return { report, facebook: session.fb.requestCount, planfix: session.pf.requestCount };
  } finally {
    session.close();
  }
}

/** `posts` posts spread over the last 13.5 days, the first `commented` of them (the newest) with one comment each. */
function seed(e2e: E2E, posts: number, commented: number): { id: string }[] {
  const made: { id: string }[] = [];
  const now = Date.now();
  for (let i = 0; i < posts; i++) {
    const post = e2e.sim.facebook.addPost({ message: `Post ${i}`, createdTime: new Date(now - 60_000 - (i * 13.5 * DAY) / posts) });
    if (i < commented) e2e.sim.facebook.addComment(post.id, { from: { id: `66000${i % 7}`, name: `Someone ${i % 7}` }, message: `c${i}` });
    made.push(post);
  }
  return made;
}

/**
 * Imports everything (by cycles at the given times), then lets Planfix's
 * look-back pass over fbsync's own writes: the next cycles read back the tasks fbsync itself just
 * wrote to (their "last change" moved); then it is idle.
 */
async function importAll(e2e: E2E, comments: number, at: (i: number) => Date) {
  // Planfix lists tasks changed within fbsync's 3-minute look-back again (minute resolution, clock
  // skew). Running Planfix's clock 6 minutes behind makes this activity older than that, as it is
  // a few minutes after real activity; the zone fbsync learns still rounds to the account's.
  e2e.sim.planfix.advanceClock(-6 * 60_000);
  const effects = async (i: number): Promise<Record<string, number>> => (await cycleAt(e2e, at(i))).report.effects;
  let imported = 0;
  let i = 0;
  for (; i < 6 && imported < comments; i++) imported += (await effects(i))['comment.imported'] ?? 0;
  expect(imported).toBe(comments);
  for (const end = i + 2; i < end; i++) await effects(i);
}

describe('the cost of an idle cycle', () => {
  let e2e: E2E;
  afterEach(async () => {
    await e2e.close();
  });

  it('idle with 50 posts and 50 tasks: on average over 10 runs at most 2 Facebook requests and 1 Planfix request', async () => {
    e2e = await startE2E({ simulator: { planfix: { timeZoneOffsetMinutes: -300 } } });
    seed(e2e, 50, 50);
    // The import is the setup, made in-process at the real time; the idle runs measured are the CLI's.
    await importAll(e2e, 50, () => new Date());
    let facebook = 0;
    let planfix = 0;
    for (let i = 0; i < 10; i++) {
      const idle = await e2e.run();
      expect(idle.code).toBe(0);
      expect(idle.summary.effects).toEqual({});
      facebook += idle.summary.requests.facebook;
      planfix += idle.summary.requests.planfix;
    }
    console.log(`idle, 50 posts / 50 tasks, 10 runs: facebook ${facebook / 10} a run, planfix ${planfix / 10} a run`);
    expect(facebook / 10).toBeLessThanOrEqual(2);
    expect(planfix / 10).toBeLessThanOrEqual(1);
  });

  it('idle with 500 posts and 200 tasks, a cycle a minute for 30 minutes: on average at most 2 Facebook requests and 1 Planfix request, the older pages still read', async () => {
    e2e = await startE2E({ simulator: { planfix: { timeZoneOffsetMinutes: -300 } } });
    seed(e2e, 500, 200);
    const start = Date.now();
    await importAll(e2e, 200, (i) => new Date(start + i * MINUTE));
    const logFrom = e2e.sim.facebook.requestLog.length;
    let facebook = 0;
    let planfix = 0;
    const cycles = 30;
    for (let i = 0; i < cycles; i++) {
      const idle = await cycleAt(e2e, new Date(start + (8 + i) * MINUTE));
      expect(idle.report.effects).toEqual({});
      facebook += idle.facebook;
      planfix += idle.planfix;
    }
    console.log(`idle, 500 posts / 200 tasks, ${cycles} cycles a minute apart: facebook ${(facebook / cycles).toFixed(2)} a cycle (${rotationReads(e2e, logFrom)} older pages), planfix ${(planfix / cycles).toFixed(2)}`);
    expect(facebook / cycles).toBeLessThanOrEqual(2);
    expect(planfix / cycles).toBeLessThanOrEqual(1);
    // Four older pages, each listed at least every 10 minutes: at least 3 sweeps in 30 minutes.
    expect(rotationReads(e2e, logFrom)).toBeGreaterThanOrEqual(12);
  });
});

describe('the cost of a busy cycle', () => {
  it('new comments on posts with tasks and employees’ answers cost at most 1.1× the minimum per side (one write per effect, one read per changed post or task)', async () => {
    const e2e = await startE2E({ simulator: { planfix: { timeZoneOffsetMinutes: -300 } } });
    try {
      const posts = seed(e2e, 60, 60);
      const start = Date.now();
      await importAll(e2e, 60, (i) => new Date(start + i * MINUTE));
      e2e.sim.planfix.setClock(null);
      const changed = posts.slice(0, 20);
      changed.forEach((p, i) => e2e.sim.facebook.addComment(p.id, { from: { id: `66000${i % 7}`, name: `Someone ${i % 7}` }, message: `again ${i}` }));
      const answered = posts.slice(20, 25).map((p) => e2e.sim.planfix.tasks().find((t) => t.postId === p.id)!);
      for (const task of answered) {
        const contact = e2e.sim.planfix.contacts().find((c) => `contact:${c.id}` === task.counterparty)!;
        e2e.sim.planfix.quickReply(task.id, contact.id, `Answer in task ${task.id}`);
      }
      // The work takes two cycles: the tasks fbsync writes to are read back in the next one.
      const cycles = [await cycleAt(e2e, new Date(start + 20 * MINUTE)), await cycleAt(e2e, new Date(start + 21 * MINUTE))];
      const effect = (kind: string) => cycles.reduce((n, c) => n + ((c.report.effects as Record<string, number>)[kind] ?? 0), 0);
      expect(effect('comment.imported')).toBe(20);
      expect(effect('reply.published')).toBe(5);
      const facebook = cycles.reduce((n, c) => n + c.facebook, 0);
      const planfix = cycles.reduce((n, c) => n + c.planfix, 0);
      // Facebook: a listing per cycle, a read per changed post, a write per reply. Planfix: a listing
      // per cycle, a read per changed post (its task) and per changed task, a write per comment and per reply's note.
      const minimum = { facebook: 2 + 20 + 5, planfix: 2 + 20 + (20 + 5) + 20 + 5 };
      console.log(`busy: facebook ${facebook} (minimum ${minimum.facebook}), planfix ${planfix} (minimum ${minimum.planfix})`);
      expect(facebook).toBeLessThanOrEqual(minimum.facebook * 1.1);
      expect(planfix).toBeLessThanOrEqual(minimum.planfix * 1.1);
    } finally {
      await e2e.close();
    }
  });
});

describe('what the idle schedule still finds', () => {
  let e2e: E2E;
  let posts: { id: string }[];
  let start: number;
  /** Minutes after `start` the last cycle ran. */
  let clock = 0;
  beforeAll(async () => {
    e2e = await startE2E();
    posts = seed(e2e, 300, 300);
    start = Date.now();
    await importAll(e2e, 300, (i) => new Date(start + i * MINUTE));
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('a new comment on a 13-day-old post arrives within fullCheckMinutes (10), with a cycle a minute', async () => {
    // Comments written at three points of the rotation, one after the other, each on another old post.
    let minute = 9;
    const waits: number[] = [];
    for (const [n, old] of [posts[posts.length - 8]!, posts[posts.length - 20]!, posts[posts.length - 40]!].entries()) {
      e2e.sim.facebook.addComment(old.id, { from: { id: '770001', name: 'Late Reader' }, message: `Is this still on? (${n})` });
      const written = minute;
      let arrived: number | undefined;
      for (; minute <= written + 10 && arrived === undefined; minute++) {
        const cycle = await cycleAt(e2e, new Date(start + minute * MINUTE));
        if ((cycle.report.effects['comment.imported'] ?? 0) > 0) arrived = minute - written;
      }
      expect(arrived, `comment ${n}`).toBeDefined();
      waits.push(arrived!);
      // The next comment is written 3 minutes later in the rotation.
      for (let i = 0; i < 3; i++, minute++) await cycleAt(e2e, new Date(start + minute * MINUTE));
    }
    console.log(`comments on 13-day-old posts arrived ${waits.join(', ')} minutes after they were written`);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(10);
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('Is this still on?'))).toHaveLength(3);
    clock = minute;
  });

  it('above 50 % of Facebook’s usage a cycle skips the optional reads (older pages, edit re-reads); above 90 % it stops', async () => {
    const at = start + (clock + 40) * MINUTE; // every sweep and edit re-read is due by now
    const calls = e2e.sim.facebook.callCount;
    e2e.sim.facebook.setCallBudget(Math.ceil((calls + 1) / 0.6)); // the next answer says ~60 %
    const logFrom = e2e.sim.facebook.requestLog.length;
    const busy = await cycleAt(e2e, new Date(at));
    expect(busy.facebook).toBe(1);
    expect(rotationReads(e2e, logFrom)).toBe(0);
    expect(busy.report.throttled).toEqual({});

    // Below 50 % again: the same due reads are made.
    e2e.sim.facebook.setCallBudget(1_000_000);
    const calm = await cycleAt(e2e, new Date(at + MINUTE));
    expect(calm.facebook).toBeGreaterThan(1);
    expect(rotationReads(e2e, logFrom)).toBeGreaterThan(0);

    // At 90 % and more the first answer ends Facebook's side of the cycle.
    e2e.sim.facebook.setCallBudget(Math.ceil((e2e.sim.facebook.callCount + 1) / 0.95));
    const stopped = await cycleAt(e2e, new Date(at + 20 * MINUTE));
    expect(stopped.facebook).toBe(1);
    expect(stopped.report.throttled.facebook).toBeDefined();
    e2e.sim.facebook.setCallBudget(1_000_000);
  });
});

describe('Planfix’s daily budget', () => {
  it('run spends no more than sync.runShare of planfix.dailyBudget: it stops starting writes and says why', async () => {
    const e2e = await startE2E({ configExtra: 'sync:\n  runShare: 0.5\n', simulator: { planfix: { dailyBudget: 1000 } } });
    try {
      e2e.writeConfig(fs.readFileSync(e2e.configPath, 'utf8').replace(/^( {2}requestsPerSecond: .*)$/m, '$1\n  dailyBudget: 1000'));
      e2e.sim.planfix.setRequestsToday(480);
      seed(e2e, 40, 40);
      const run = await e2e.run();
      expect(run.summary.stoppedEarly).toBe('planfixBudget');
      // The reserve (500) is checked before each write; the writes in flight may cross it a little.
      expect(e2e.sim.planfix.remainingToday).toBeGreaterThanOrEqual(500 - 12);
      expect(e2e.sim.planfix.remainingToday).toBeLessThan(520);
    } finally {
      await e2e.close();
    }
  });
});
