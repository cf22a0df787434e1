import { describe, expect, it } from 'vitest';
import { FAULT_KINDS as FB_FAULT_KINDS } from '../../src/simulator/facebook/index.js';
import { FAULT_KINDS as PF_FAULT_KINDS } from '../../src/simulator/planfix/faults.js';
import type { Simulator } from '../../src/simulator/index.js';
import { META } from '../../src/store/meta-keys.js';
import { backlog, withStore } from './fixtures.js';
import { type E2E, useE2E } from './harness.js';
import { checkExactlyOnce } from './invariants.js';

// behaviour.md § Guarantees, "rate limits respected" and "nothing lost, nothing twice", under
// injected faults: the same scenario is played on a fault-free simulator pair (the reference) and
// on one answering 20 % of all requests, on both sides, with every fault kind the simulators
// know (HTTP 500, HTML pages, answers slower than the client's timeout, connection resets before
// and after a write, cut-off JSON, repeated pages, Graph throttling codes 4/17/32/613/80001 with
// usage headers, Planfix's over-limit answer). The faults are seeded, and `sync.concurrency: 1`
// makes each side's request sequence — hence which request gets which fault — the same on every
// test run, and makes "no request after a throttle answer" exactly observable in the request log.

/**
 * Most runs a phase may take to exit 0 under faults, not counting runs a throttle answer ended.
 * A throttle ends a run by design (no further request to that side), and at 20 % faults spread
 * over 7–8 kinds about one request in 35 is a throttle, so how many runs a scenario takes is a
 * throw of the dice: in a sample of 10 seed pairs, about half needed more than 5 runs in all for
 * one phase. A bound on all runs would make this test fail whenever someone's change shifts which
 * request meets which fault; the bound on the other runs does not, and still proves that every
 * run a throttle does not stop makes progress. The seeds below happen to converge in 5 runs in
 * all (3 + 2), throttles included; the test prints the figures.
 */
const MAX_RUNS = 5;
/** Hard stop, throttled runs included. */
const RUN_CAP = 12;
const FAULT_RATE = 0.2;
/**
 * The faulty runs' client timeout: FAST_ENV's 4 s is generous for a loaded machine, but an answer
 * `slow` by SLOW_MS must outlast the timeout, or the "slower than the timeout" fault is only a
 * slow answer (and costs 2.5 s each time instead of 1.5 s).
 */
const FAULTY_ENV = { FBSYNC_HTTP_TIMEOUT_MS: '1500' };
const SLOW_MS = 2_500;
const CONFIG = 'sync:\n  concurrency: 1\n';
// FB_SEED / PF_SEED replace the seeds, FAULTS_VERBOSE=1 prints every request of every run: for
// looking into a failure, or at how other seeds fare.

const people = Array.from({ length: 5 }, (_, i) => ({ id: `91000000${i}`, name: `${['Ann', 'Bob', 'Cleo', 'Dan', 'Eve'][i]} Tester${i}` }));
/** Fixed comment times, so both simulators' Planfix texts (which show the time) are equal. */
const BASE = Date.now() - 3 * 3_600_000;
const at = (minutes: number) => new Date(BASE + minutes * 60_000);

/** Phase 1: 6 posts, 24 comments of which 6 are thread replies. Ids are the same in both simulators (one counter each). */
function phase1(sim: Simulator): string[] {
  const posts: string[] = [];
  let minute = 0;
  for (let p = 0; p < 6; p++) {
    const post = sim.facebook.addPost({ message: `Post ${p}: fresh bread, question ${p}?`, createdTime: at(minute++) });
    posts.push(post.id);
    for (let c = 0; c < 3; c++) {
      const who = people[(p * 3 + c) % people.length]!;
      const top = sim.facebook.addComment(post.id, { from: who, message: `p${p} c${c} from ${who.name}`, createdTime: at(minute++) });
      if (c === 1) {
        const other = people[(p * 3 + c + 1) % people.length]!;
        sim.facebook.addComment(top.id, { from: other, message: `p${p} reply to c${c} by ${other.name}`, createdTime: at(minute++) });
      }
    }
  }
  return posts;
}

/**
 * Phase 2, after the first import: post 0's task is completed in Planfix and gets new comments
 * (a new task), other posts get more comments, and employees answer three commenters with the
 * quick-reply button — looked up by Facebook ids, since Planfix ids may differ between the pairs.
 */
function phase2(sim: Simulator, posts: string[]): void {
  const taskOf = (postId: string) => sim.planfix.tasks().find((t) => t.postId === postId && t.isActive && !t.isDeleted)!;
  const contactOf = (fbId: string) => sim.planfix.contacts().find((c) => c.facebookId === fbId)!;
  for (const [postIndex, who, text] of [
    [1, people[3]!, 'Yes, from 7 every morning.'],
    [2, people[1]!, 'Thank you, see you soon!'],
    [3, people[4]!, 'We deliver on Saturdays.'],
  ] as const) {
    sim.planfix.quickReply(taskOf(posts[postIndex]!).id, contactOf(who.id).id, text);
  }
  sim.planfix.setTaskStatus(taskOf(posts[0]!).id, 'Completed');
  let minute = 100;
  for (const [p, who] of [[0, 0], [0, 3], [1, 2], [2, 4], [3, 1], [5, 0], [0, 1]] as const) {
    sim.facebook.addComment(posts[p]!, { from: people[who]!, message: `late p${p} from ${people[who]!.name}`, createdTime: at(minute++) });
  }
  const top = sim.facebook.comments(posts[2]!).find((c) => !c.parentId)!;
  sim.facebook.addComment(top.id, { from: people[3]!, message: 'late thread reply', createdTime: at(minute++) });
}

/** The state a user would compare, without ids or times that depend on the order of the writes. */
function normalised(sim: Simulator) {
  const contacts = sim.planfix
    .contacts()
    .map((c) => `${c.facebookId} ${c.name} ${c.lastname ?? ''}`.trim())
    .sort();
  const text = (description: string) =>
    description
      .replace(/<a href="[^"]*">See it on Facebook<\/a>/g, '')
      .replace(/fbreply:\d+:/g, 'fbreply:N:');
  const tasks = sim.facebook
    .posts()
    .map((post) => ({
      post: post.id,
      tasks: sim.planfix
        .tasks()
        .filter((t) => t.postId === post.id)
        .sort((a, b) => a.id - b.id)
        .map((t) => ({ name: t.name, active: t.isActive, comments: sim.planfix.comments(t.id).map((c) => text(c.description)) })),
    }))
    .sort((a, b) => a.post.localeCompare(b.post));
  const pageReplies = sim.facebook
    .comments()
    .filter((c) => c.byPage)
    .map((c) => `${c.parentId} ${c.message}`)
    .sort();
  return { contacts, tasks, pageReplies };
}

/**
 * Throttle answers make fbsync store a "not before" time (up to 30 min for Graph's
 * estimated_time_to_regain_access) and skip that side until then — the product keeps honouring
 * it. The simulators' clocks are real time, so instead of waiting the test deletes the stored
 * times between runs, as if the wait had passed.
 */
function forgetThrottles(storePath: string): void {
  withStore(storePath, (db) => db.prepare('DELETE FROM meta WHERE key IN (?, ?)').run(META.throttleNotBefore('facebook'), META.throttleNotBefore('planfix')));
}

interface SideRecord {
  total: number;
  /** Whether a throttle answer came in this run. */
  throttled: boolean;
  afterThrottle: number;
}

interface RunRecord {
  code: number | null;
  summary: any;
  fb: SideRecord;
  pf: SideRecord;
}

/** One run, with what the request logs saw of it: how many requests, and how many came after a throttle answer. */
async function observedRun(e2e: E2E, env?: NodeJS.ProcessEnv): Promise<RunRecord> {
  const fbFrom = e2e.sim.facebook.requestLog.length;
  const pfFrom = e2e.sim.planfix.requestLog.length;
  const result = await e2e.run([], { env });
  const slice = <T extends { faulted?: string; code?: number }>(log: T[], from: number) => {
    const mine = log.slice(from);
    const throttled = mine.findIndex((r) => r.faulted === 'throttle' || r.code === 22);
    return { total: mine.length, throttled: throttled >= 0, afterThrottle: throttled < 0 ? 0 : mine.length - throttled - 1 };
  };
  return { code: result.code, summary: result.summary, fb: slice(e2e.sim.facebook.requestLog, fbFrom), pf: slice(e2e.sim.planfix.requestLog, pfFrom) };
}

const throttledRun = (run: RunRecord) => Object.keys(run.summary?.throttled ?? {}).length > 0;

/** Runs until exit 0 (see MAX_RUNS); every run that is not clean must exit 4 (items left for the next run). */
async function runUntilDone(e2e: E2E, runs: RunRecord[], phase: string): Promise<void> {
  for (let i = 0; i < RUN_CAP && runs.filter((r) => !throttledRun(r)).length < MAX_RUNS; i++) {
    const fbFrom = e2e.sim.facebook.requestLog.length;
    const pfFrom = e2e.sim.planfix.requestLog.length;
    const run = await observedRun(e2e, FAULTY_ENV);
    runs.push(run);
    if (process.env.FAULTS_VERBOSE) {
      const show = (r: { method: string; path: string; faulted?: string; status: number }) => `${r.method} ${r.path.split('?')[0]}${r.faulted ? ` [${r.faulted}]` : ''} ${r.status}`;
      console.log(`${phase} run ${i + 1} exit ${run.code} ${JSON.stringify(run.summary?.effects)}\n FB: ${e2e.sim.facebook.requestLog.slice(fbFrom).map(show).join('\n FB: ')}\n PF: ${e2e.sim.planfix.requestLog.slice(pfFrom).map(show).join('\n PF: ')}`);
    }
    if (run.code === 0) return;
    expect(run.code, `${phase}, run ${i + 1}: ${run.summary ? JSON.stringify(run.summary) : 'no --json summary'}`).toBe(4);
    forgetThrottles(e2e.storePath);
  }
  const story = runs.map((r, i) => `run ${i + 1}: exit ${r.code}, throttled ${Object.keys(r.summary?.throttled ?? {}).join('+') || '-'}, failed ${r.summary?.failed?.map((f: { error: string }) => f.error).join(' | ') || '-'}`);
  expect.fail(`${phase} did not finish within ${MAX_RUNS} runs (not counting throttled ones) or ${RUN_CAP} in all:\n${story.join('\n')}`);
}

describe('20 % injected faults of every kind on both sides', () => {
  // The same story told twice: once without faults (the reference), once with them.
  const reference = useE2E({ configExtra: CONFIG }, { per: 'file' });
  const faulty = useE2E({ configExtra: CONFIG }, { per: 'file' });

  it('converges to the fault-free state, exactly once, and never calls a side after it throttled', async () => {
    const refPosts = phase1(reference.sim);
    const posts = phase1(faulty.sim);
    expect(posts).toEqual(refPosts);
    faulty.sim.facebook.setFaults({ rate: FAULT_RATE, kinds: [...FB_FAULT_KINDS], seed: Number(process.env.FB_SEED ?? 3), slowMs: SLOW_MS });
    faulty.sim.planfix.setFaults({ rate: FAULT_RATE, kinds: [...PF_FAULT_KINDS], seed: Number(process.env.PF_SEED ?? 4), slowMs: SLOW_MS });

    const refRuns: RunRecord[] = [];
    const runs: RunRecord[][] = [[], []];
    refRuns.push(await observedRun(reference));
    expect(refRuns[0]!.code).toBe(0);
    await runUntilDone(faulty, runs[0]!, 'phase 1');

    phase2(reference.sim, posts);
    phase2(faulty.sim, posts);
    refRuns.push(await observedRun(reference));
    expect(refRuns[1]!.code).toBe(0);
    await runUntilDone(faulty, runs[1]!, 'phase 2');

    const all = runs.flat();
    const faultsSeen = (log: { faulted?: string }[]) => [...new Set(log.map((r) => r.faulted).filter(Boolean))].sort();
    console.log(
      `faults: reference ${refRuns.map((r) => `fb ${r.fb.total}/pf ${r.pf.total}`).join(', ')} requests; ` +
        `faulty phase 1 exit codes ${runs[0]!.map((r) => r.code).join(',')}, phase 2 ${runs[1]!.map((r) => r.code).join(',')}; ` +
        `requests per run ${all.map((r) => `fb ${r.fb.total}/pf ${r.pf.total}`).join(', ')}; ` +
        `faults seen: facebook ${faultsSeen(faulty.sim.facebook.requestLog).join(' ')}, planfix ${faultsSeen(faulty.sim.planfix.requestLog).join(' ')}`,
    );

    for (const phase of runs) {
      expect(phase.filter((r) => !throttledRun(r)).length).toBeLessThanOrEqual(MAX_RUNS);
      expect(phase.at(-1)!.code).toBe(0);
    }
    // No request to a side after its throttle answer, in any run.
    expect(all.map((r) => [r.fb.afterThrottle, r.pf.afterThrottle])).toEqual(all.map(() => [0, 0]));
    // A run names in --json exactly the sides that answered it with a throttle (the stored waits
    // are forgotten between runs, so no side is still waiting from an earlier run).
    expect(all.map((r) => Object.keys(r.summary?.throttled ?? {}).sort())).toEqual(all.map((r) => [...(r.fb.throttled ? ['facebook'] : []), ...(r.pf.throttled ? ['planfix'] : [])]));

    expect(checkExactlyOnce(faulty.sim)).toEqual({ lost: [], duplicated: [] });
    expect(checkExactlyOnce(reference.sim)).toEqual({ lost: [], duplicated: [] });
    const want = normalised(reference.sim);
    expect(want.pageReplies).toHaveLength(3);
    expect(want.tasks.flatMap((p) => p.tasks)).toHaveLength(7);
    expect(normalised(faulty.sim)).toEqual(want);
    // The faults were really there, of many kinds (Facebook gets few requests here, so fewer kinds
    // come up on it; its throttling has its own test below, its malformed answers bad-input.test.ts).
    expect(faultsSeen(faulty.sim.facebook.requestLog).length).toBeGreaterThanOrEqual(3);
    expect(faultsSeen(faulty.sim.planfix.requestLog).length).toBeGreaterThanOrEqual(5);
  });
});

describe('after a throttle answer', () => {
  const e2e = useE2E({}, { manual: true });

  async function finishesExactlyOnce(comments: number): Promise<void> {
    // As if the wait were over (see forgetThrottles).
    forgetThrottles(e2e.storePath);
    const last = await observedRun(e2e);
    expect(last.code, JSON.stringify(last.summary)).toBe(0);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(comments);
  }

  for (const side of ['facebook', 'planfix'] as const) {
    it(`${side}: no request to it after the throttle answer, exit 4 naming it, and the next run leaves it alone until the wait is over`, async () => {
      await e2e.start({ configExtra: CONFIG });
      backlog(e2e, 3, 3, { people, label: 'Throttle' });
      // Throttle the 5th request of this side, mid-cycle: the hook sees each request before the fault draw.
      let n = 0;
      if (side === 'facebook') {
        e2e.sim.facebook.setResponseOverride(() => {
          if (++n === 5) e2e.sim.facebook.throttleNext(80001);
          return undefined;
        });
      } else {
        e2e.sim.planfix.setResponseOverride(() => {
          if (++n === 5) e2e.sim.planfix.throttleNext({ timeToResetSeconds: 600 });
          return undefined;
        });
      }

      const first = await observedRun(e2e);
      expect(first.code).toBe(4);
      expect(Object.keys(first.summary.throttled)).toEqual([side]);
      const mine = side === 'facebook' ? first.fb : first.pf;
      expect(mine).toEqual({ total: 5, throttled: true, afterThrottle: 0 });
      if (side === 'facebook') {
        // The wait comes from estimated_time_to_regain_access (5 min) of X-Business-Use-Case-Usage.
        expect(first.summary.throttled.facebook).toMatchObject({ retryAfterSeconds: 300, message: expect.stringMatching(/Facebook rate limit reached .*80001.*access back in about 5 min/) });
      } else {
        expect(first.summary.throttled.planfix).toMatchObject({ retryAfterSeconds: 600, message: expect.stringMatching(/Planfix request limit reached .*resets in about 10 min/) });
      }
      const status = JSON.parse((await e2e.cli(['status', '--json', '--config', e2e.configPath])).stdout);
      expect(status.throttledUntil[side]).toEqual(expect.any(String));

      // The next run, before the wait is over: not one request to that side.
      const second = await observedRun(e2e);
      // Only waiting out the throttle is no failure: exit 0 (issue 9 § 3; cron-logs.test.ts).
      expect(second.code).toBe(0);
      expect((side === 'facebook' ? second.fb : second.pf).total).toBe(0);
      expect(second.summary.throttled[side].message).toMatch(/asked fbsync to wait until/);

      await finishesExactlyOnce(9);
    });
  }

  it('facebook, 4 requests in flight: after the throttle answer only those already sent arrive, nothing new starts', async () => {
    // With sync.concurrency 4 the answer meets up to 3 other requests already on their way; the
    // throttle brake must keep every queued and later call from going out.
    await e2e.start({ simulator: { facebook: { latencyMs: 40 } } });
    backlog(e2e, 8, 3, { people, label: 'Throttle' });
    let n = 0;
    e2e.sim.facebook.setResponseOverride(() => {
      if (++n === 4) e2e.sim.facebook.throttleNext(4);
      return undefined;
    });
    const first = await observedRun(e2e);
    expect(first.code).toBe(4);
    expect(first.fb.throttled).toBe(true);
    expect(first.fb.afterThrottle).toBeLessThanOrEqual(3);
    expect(first.summary.throttled.facebook.message).toMatch(/Application request limit reached/);
    await finishesExactlyOnce(24);
  });

  it.each([
    ['X-App-Usage at 95 %', { 'x-app-usage': JSON.stringify({ call_count: 95, total_cputime: 20, total_time: 30 }) }, /usage is at 95% .*X-App-Usage/, 60],
    [
      'X-Business-Use-Case-Usage with estimated_time_to_regain_access',
      { 'x-business-use-case-usage': JSON.stringify({ '104857600000000': [{ type: 'pages', call_count: 40, total_cputime: 10, total_time: 10, estimated_time_to_regain_access: 7 }] }) },
      /access back in about 7 min/,
      420,
    ],
  ] as const)('facebook: %s stops Facebook calls after that answer, before any error', async (_name, headers, message, retryAfterSeconds) => {
    await e2e.start({ configExtra: CONFIG });
    backlog(e2e, 3, 2, { people, label: 'Throttle' });
    let n = 0;
    e2e.sim.facebook.setResponseOverride((_req, real) => (++n === 3 ? { ...real(), headers: { ...real().headers, ...headers } } : undefined));
    const first = await observedRun(e2e);
    expect(first.code).toBe(4);
    expect(first.fb.total).toBe(3);
    expect(first.summary.throttled.facebook.message).toMatch(message);
    // Without an estimate from Facebook the wait is sync/engine.ts's one-minute default.
    expect(first.summary.throttled.facebook.retryAfterSeconds).toBe(retryAfterSeconds);
    const second = await observedRun(e2e);
    expect(second.fb.total).toBe(0);
    e2e.sim.facebook.setResponseOverride(null);
    await finishesExactlyOnce(6);
  });
});
