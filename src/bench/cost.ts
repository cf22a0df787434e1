// `npm run bench -- cost`: what a cycle of `fbsync run` costs in requests, per side, against the
// simulator, with cycles a minute apart on fbsync's clock (the engine in process, as `run` calls
// it; the schedules are about minutes and a bench cannot wait for them).
//
// Idle: 50 posts / 50 tasks and 500 posts / 200 tasks in the look-back window, nothing new, 30
// cycles; against a naive poller that reads every watched post and every active task each cycle.
// Busy: new comments on posts that have tasks, and employees' answers to publish, against the
// minimum (one write per effect, one read per changed post or task, one listing per side).

import { loadConfig } from '../config/load.js';
import type { Simulator } from '../simulator/index.js';
import { startSimulator } from '../simulator/index.js';
import { runCycle } from '../sync/engine.js';
import { openSession } from '../commands/session.js';
import { DAY_MS, MINUTE_MS } from '../time.js';
import { countKinds, facebookKind, planfixKind } from './analyse.js';
import { makeWorkdir, type Workdir } from './cli.js';

export interface CostRow {
  figure: string;
  value: string;
  target: string;
  pass?: boolean;
}

interface Cycle {
  effects: Record<string, number>;
  facebook: Record<string, number>;
  planfix: Record<string, number>;
  fbTotal: number;
  pfTotal: number;
}

/** One cycle at `now`, with the requests each side's simulator saw, by kind. */
async function cycleAt(sim: Simulator, work: Workdir, now: number): Promise<Cycle> {
  const config = await loadConfig({ configPath: work.configPath });
  const session = openSession(config);
  const f0 = sim.facebook.requestLog.length;
  const p0 = sim.planfix.requestLog.length;
  try {
    const report = await runCycle(session, { ...config.sync, pageId: config.pages[0]!.pageId, planfixDailyBudget: config.planfix.dailyBudget, now: new Date(now) });
    const facebook = countKinds(sim.facebook.requestLog.slice(f0).map((r) => facebookKind(r.path)));
    const planfix = countKinds(sim.planfix.requestLog.slice(p0).map((r) => planfixKind(r.method, r.path)));
    return { effects: report.effects as Record<string, number>, facebook, planfix, fbTotal: session.fb.requestCount, pfTotal: session.pf.requestCount };
  } finally {
    session.close();
  }
}

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const show = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

interface Scenario {
  posts: number;
  tasks: number;
}

/** Posts spread over the last 13.5 days (newest first); the newest `tasks` of them with one comment each (one task each). */
function seed(sim: Simulator, { posts, tasks }: Scenario): string[] {
  const ids: string[] = [];
  const now = Date.now();
  for (let i = 0; i < posts; i++) {
    const post = sim.facebook.addPost({ message: `Bench post ${i}`, createdTime: new Date(now - MINUTE_MS - (i * 13.5 * DAY_MS) / posts) });
    if (i < tasks) sim.facebook.addComment(post.id, { from: { id: `88000${i % 11}`, name: `Reader ${i % 11}` }, message: `first ${i}` });
    ids.push(post.id);
  }
  return ids;
}

export async function costPhase(row: (figure: string, value: string, target?: string, pass?: boolean) => void, results: Record<string, unknown>, log: (line: string) => void): Promise<void> {
  const out: Record<string, unknown> = {};
  for (const scenario of [
    { posts: 50, tasks: 50 },
    { posts: 500, tasks: 200 },
  ]) {
    const label = `${scenario.posts} posts / ${scenario.tasks} tasks`;
    log(`\n[cost] ${label}: import, then 30 idle cycles a minute apart, then a busy cycle`);
    const sim = await startSimulator();
    const work = makeWorkdir(sim, 1000);
    try {
      // Planfix lists tasks changed in the last 3 minutes again (its filter has minute resolution);
      // fbsync's minutes pass in milliseconds here, so Planfix's clock runs behind to match.
      sim.planfix.advanceClock(-6 * MINUTE_MS);
      const posts = seed(sim, scenario);
      const t0 = Date.now();
      let minute = 0;
      let imported = 0;
      while (imported < scenario.tasks && minute < 10) imported += (await cycleAt(sim, work, t0 + minute++ * MINUTE_MS)).effects['comment.imported'] ?? 0;
      for (let i = 0; i < 3; i++) await cycleAt(sim, work, t0 + minute++ * MINUTE_MS);

      const idle = { facebook: 0, planfix: 0, cycles: 30, effects: 0, byKind: { facebook: {} as Record<string, number>, planfix: {} as Record<string, number> } };
      for (let i = 0; i < idle.cycles; i++) {
        const c = await cycleAt(sim, work, t0 + minute++ * MINUTE_MS);
        idle.facebook += c.fbTotal;
        idle.planfix += c.pfTotal;
        idle.effects += sum(c.effects);
        for (const side of ['facebook', 'planfix'] as const) for (const [k, v] of Object.entries(c[side])) idle.byKind[side][k] = (idle.byKind[side][k] ?? 0) + v;
      }
      const fbIdle = idle.facebook / idle.cycles;
      const pfIdle = idle.planfix / idle.cycles;
      // The naive poller: one request per watched post, one per active task, every cycle.
      const naive = { facebook: scenario.posts, planfix: scenario.tasks };
      row(`idle cycle, ${label}: Facebook requests (avg of ${idle.cycles}, a minute apart)`, `${fbIdle.toFixed(2)} (naive ${naive.facebook}: ${(naive.facebook / fbIdle).toFixed(0)}× fewer) — ${show(idle.byKind.facebook)}`, '≤ 2', fbIdle <= 2 && idle.effects === 0);
      row(`idle cycle, ${label}: Planfix requests (avg)`, `${pfIdle.toFixed(2)} (naive ${naive.planfix}: ${(naive.planfix / pfIdle).toFixed(0)}× fewer)`, '≤ 1', pfIdle <= 1 && idle.effects === 0);
      row(`idle, ${label}: Facebook requests a day at a cycle a minute`, `${Math.round(fbIdle * 1440)} (naive ${naive.facebook * 1440})`, 'info');

      // Busy: 20 new comments on posts with tasks (known people), 5 employees' answers to publish
      // in the tasks of 5 other posts. Planfix's clock is right again: the answers and fbsync's writes are now.
      sim.planfix.setClock(null);
      const changed = posts.slice(0, 20);
      changed.forEach((id, i) => sim.facebook.addComment(id, { from: { id: `88000${i % 11}`, name: `Reader ${i % 11}` }, message: `again ${i}` }));
      const answered = posts.slice(20, 25).map((id) => sim.planfix.tasks().find((t) => t.postId === id)!);
      for (const task of answered) {
        const contact = sim.planfix.contacts().find((c) => `contact:${c.id}` === task.counterparty)!;
        sim.planfix.quickReply(task.id, contact.id, `Bench answer for task ${task.id}`);
      }
      // The work takes two cycles: the tasks fbsync writes to are read back in the next one.
      const busy = [await cycleAt(sim, work, t0 + minute++ * MINUTE_MS), await cycleAt(sim, work, t0 + minute++ * MINUTE_MS)];
      const after = await cycleAt(sim, work, t0 + minute++ * MINUTE_MS);
      const total = (pick: (c: Cycle) => number) => busy.reduce((a, c) => a + pick(c), 0);
      const effect = (kind: string) => total((c) => c.effects[kind] ?? 0);
      const kinds = (side: 'facebook' | 'planfix') => {
        const m: Record<string, number> = {};
        for (const c of busy) for (const [k, v] of Object.entries(c[side])) m[k] = (m[k] ?? 0) + v;
        return m;
      };
      // Minimum per side: one listing per cycle, one read per changed post (Facebook: its comments;
      // Planfix: its task), one read per changed task (written by fbsync or answered by an
      // employee), one write per effect (Facebook: the replies; Planfix: the comments imported and each reply's note).
      const replies = effect('reply.published');
      const minimum = {
        facebook: busy.length + changed.length + replies,
        planfix: busy.length + changed.length + (changed.length + answered.length) + effect('comment.imported') + replies,
      };
      const fb = total((c) => c.fbTotal);
      const pf = total((c) => c.pfTotal);
      // `comments` counts the replies' POSTs too (same path).
      const echoes = (kinds('facebook').comments ?? 0) - changed.length - replies;
      row(`busy (2 cycles), ${label}: Facebook requests / minimum`, `${fb} / ${minimum.facebook} = ${(fb / minimum.facebook).toFixed(2)} — ${show(kinds('facebook'))} (${echoes} reads beyond the changed posts)`, '≤ 1.1×', fb / minimum.facebook <= 1.1);
      row(`busy (2 cycles), ${label}: Planfix requests / minimum`, `${pf} / ${minimum.planfix} = ${(pf / minimum.planfix).toFixed(2)} — ${show(kinds('planfix'))}`, '≤ 1.1×', pf / minimum.planfix <= 1.1);
      row(`busy, ${label}: effects; the cycle after (Facebook / Planfix)`, `${replies} replies, ${effect('comment.imported')} comments; then ${after.fbTotal} / ${after.pfTotal} — ${show(after.planfix)} (Planfix's 3-minute look-back lists the tasks again)`, 'info');
      out[`${scenario.posts}`] = { scenario, idle: { facebook: fbIdle, planfix: pfIdle, byKind: idle.byKind }, naive, busy, after, minimum, requests: { facebook: fb, planfix: pf } };
    } finally {
      work.remove();
      await sim.close();
    }
  }
  results.cost = out;
}
