// `npm run bench`: backfill figures against the built-in simulator, with the built CLI as a child
// process (what users run). Figures, not assertions: it always exits 0, and prints FAIL lines.
//
//   npm run bench                          startup, pace, memory and budget phases
//   npm run bench -- startup               only the start-up figures (--help, --version, a no-op run)
//   npm run bench -- pace budget           only those phases (also BENCH_PHASES=pace,budget)
//   npm run bench -- --full                memory phase at 100,000 comments, loop phase at 10,000 cycles (also BENCH_FULL=1)
//   npm run bench -- cost                  requests of idle and busy `run` cycles per side, against a naive poller and the minimum
//
// Knobs (environment): BENCH_MEMORY_COMMENTS, BENCH_MEMORY_PER_POST (100), BENCH_MEMORY_RPS (1000),
// BENCH_MEMORY_LATENCY_MS (0), BENCH_PACE_POSTS, BENCH_PACE_COMMENTS_PER_POST,
// BENCH_PACE_COMMENTERS, BENCH_LATENCY_MS, BENCH_RPS, BENCH_RESULTS (JSON path; "" = none),
// BENCH_CHILD_NODE_OPTIONS (NODE_OPTIONS for the CLI only, e.g. "--max-old-space-size=64" or an --import probe).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../simulator/index.js';
import { analyseRequests, CREATION_KINDS } from './analyse.js';
import { type CliRun, makeWorkdir, ROOT, runCli, type Workdir } from './cli.js';
import { MB } from './rss.js';
import { seedHistory, type Seeded } from './seed.js';
import { costPhase } from './cost.js';
import { fbsyncArgv, measureStartup } from './startup.js';

type Phase = 'startup' | 'pace' | 'memory' | 'budget' | 'loop' | 'cost';
const ALL_PHASES: Phase[] = ['startup', 'pace', 'memory', 'budget', 'loop', 'cost'];

interface Row {
  phase: Phase;
  figure: string;
  value: string;
  target: string;
  /** undefined: information only. */
  pass?: boolean;
}

const argv = process.argv.slice(2);
const env = process.env;
const num = (name: string, fallback: number) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got "${raw}"`);
  return n;
};

const FULL = argv.includes('--full') || env.BENCH_FULL === '1';
const phasesArg = [
  ...argv.filter((a) => !a.startsWith('-')),
  ...argv.filter((a) => a.startsWith('--phases=')).flatMap((a) => a.slice('--phases='.length).split(',')),
  ...(env.BENCH_PHASES ? env.BENCH_PHASES.split(',') : []),
]
  .map((p) => p.trim())
  .filter(Boolean);
for (const p of phasesArg) if (!ALL_PHASES.includes(p as Phase)) throw new Error(`unknown phase "${p}" (phases: ${ALL_PHASES.join(', ')})`);
const PHASES: Phase[] = phasesArg.length ? ALL_PHASES.filter((p) => phasesArg.includes(p)) : ALL_PHASES;

const LATENCY_MS = num('BENCH_LATENCY_MS', 50);
const PACE_RPS = num('BENCH_RPS', 20);
/**
 * 100,000 is what the issue asks for (`--full`, ~2.5 min of backfill on 2 cores). The default is
 * 40,000 so that the whole bench stays near 3–4 minutes; the live heap does not grow with history.
 */
const MEMORY_COMMENTS = FULL ? 100_000 : num('BENCH_MEMORY_COMMENTS', 40_000);
const RSS_LIMIT_MB = 150;

const rows: Row[] = [];
const results: Record<string, unknown> = {};
const row = (phase: Phase, figure: string, value: string, target = '', pass?: boolean) => rows.push({ phase, figure, value, target, pass });

const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const pct = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? 'n/a' : `${(n * 100).toFixed(1)} %`);
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a (no /proc)' : `${(bytes / MB).toFixed(1)} MB`);

/** The reserve backfill keeps for `run` (a private constant of src/commands/backfill.ts, read from the build). */
function planfixReserve(): number {
  try {
    const js = fs.readFileSync(path.join(ROOT, 'dist/commands/backfill.js'), 'utf8');
    const m = /PLANFIX_RESERVE\s*=\s*([\d_]+)/.exec(js);
    if (m) return Number(m[1]!.replace(/_/g, ''));
  } catch {
    // fall through
  }
  return 1500;
}

function imported(summary: any): number {
  const e = summary?.effects ?? {};
  return (e['comment.imported'] ?? 0) + (e['comment.pageAnswer'] ?? 0);
}

function forward(prefix: string) {
  return (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.trim()) log(`  ${prefix} │ ${line}`);
  };
}

/** `fbsync backfill --since … --json` in `work` (a fresh one, removed after, when not given). */
async function backfill(sim: Simulator, seeded: Seeded, rps: number, label: string, work?: Workdir): Promise<CliRun> {
  const dir = work ?? makeWorkdir(sim, rps);
  try {
    const run = await runCli(['backfill', '--since', seeded.since, '--json', '--config', dir.configPath], {
      cwd: dir.dir,
      env: { FBSYNC_PROGRESS_INTERVAL_MS: '10000', ...(env.BENCH_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: env.BENCH_CHILD_NODE_OPTIONS } : {}) },
      onStderr: forward(label),
    });
    if (run.summary === undefined) log(`  ${label} │ (no JSON summary; exit ${run.code}, stdout: ${run.stdout.slice(0, 300)})`);
    return run;
  } finally {
    if (!work) dir.remove();
  }
}

/** Every seeded comment is in Planfix exactly once (by the marker backfill puts in the text). */
function exactlyOnce(sim: Simulator): { lost: number; duplicated: number } {
  const counts = new Map<string, number>();
  for (const c of sim.planfix.comments()) {
    if (c.isDeleted) continue;
    for (const m of c.description.matchAll(/fb:([0-9_]+)/g)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  let lost = 0;
  let duplicated = 0;
  for (const c of sim.facebook.comments()) {
    if (c.byPage) continue;
    const n = counts.get(c.id) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated++;
  }
  return { lost, duplicated };
}

// ---- phase 1: pace ---------------------------------------------------------------------------

async function pacePhase(): Promise<void> {
  const posts = num('BENCH_PACE_POSTS', 40);
  const perPost = num('BENCH_PACE_COMMENTS_PER_POST', 50);
  const commenters = num('BENCH_PACE_COMMENTERS', 80);
  log(`\n[pace] ${posts} posts × ${perPost} comments, ${commenters} commenters, ${LATENCY_MS} ms latency on both sides, planfix.requestsPerSecond ${PACE_RPS}`);
  const sim = await startSimulator({ facebook: { latencyMs: LATENCY_MS }, planfix: { latencyMs: LATENCY_MS } });
  try {
    const seeded = seedHistory(sim, { posts, commentsPerPost: perPost, commenters });
    const t0 = Date.now();
    const run = await backfill(sim, seeded, PACE_RPS, 'pace');
    const req = analyseRequests(sim, { since: t0, requestsPerSecond: PACE_RPS, planfixLatencyMs: LATENCY_MS });
    const n = imported(run.summary);
    const once = exactlyOnce(sim);
    const creation = CREATION_KINDS.reduce((s, k) => s + (req.planfix.byKind[k] ?? 0), 0);
    const beyond = req.planfix.total - creation;
    const perComment = n ? req.planfix.total / n : undefined;
    const beyondPerComment = n ? beyond / n : undefined;
    const wallS = run.wallMs / 1000;
    const rate = n / wallS;
    const windowRate = req.planfixWindowMs > 0 ? n / (req.planfixWindowMs / 1000) : undefined;
    const idealRate = req.planfix.total ? n / (req.planfix.total / PACE_RPS) : undefined;
    const fbShareBusy = req.facebook.total ? req.fbWhilePlanfixBusy / req.facebook.total : undefined;
    const fbShareWindow = req.facebook.total ? req.fbInsidePlanfixWindow / req.facebook.total : undefined;
    const aheadShare = req.postsCompared ? req.postsReadAhead / req.postsCompared : undefined;
    const startupMs = req.planfixFirstAt !== undefined ? req.planfixFirstAt - run.startedAt : undefined;
    const tailMs = req.planfixLastAt !== undefined ? run.startedAt + run.wallMs - req.planfixLastAt : undefined;
    const e = run.summary?.effects ?? {};

    row('pace', 'exit code', String(run.code), '0', run.code === 0);
    row('pace', 'comments imported (seeded)', `${n} (${seeded.comments})`, 'all, each once', n === seeded.comments && once.lost === 0 && once.duplicated === 0);
    row('pace', 'contacts / tasks created', `${e['contact.created'] ?? 0} / ${e['task.created'] ?? 0}`, `${seeded.authors} / ${seeded.posts}`);
    row('pace', 'CLI wall time', `${fmt(wallS)} s (durationMs ${run.summary?.durationMs ?? 'n/a'})`, '');
    row('pace', 'comments imported per second (wall)', fmt(rate, 2), `≥ 90 % of ideal ${fmt(idealRate, 2)}`, idealRate === undefined ? undefined : rate >= 0.9 * idealRate);
    row('pace', 'comments per second inside Planfix window', fmt(windowRate, 2), 'info');
    row('pace', 'Planfix requests (CLI count)', `${req.planfix.total} (${run.summary?.requests?.planfix ?? 'n/a'})`, 'info');
    row('pace', 'Planfix requests by kind', Object.entries(req.planfix.byKind).map(([k, v]) => `${k} ${v}`).join(', '), 'info');
    row('pace', 'Planfix requests per imported comment', fmt(perComment, 3), 'info');
    row('pace', 'Planfix beyond contact/task creation per comment', fmt(beyondPerComment, 3), '≤ 1.05', beyondPerComment === undefined ? undefined : beyondPerComment <= 1.05);
    row('pace', 'Planfix pace utilisation', pct(req.utilisation), '≥ 90 %', req.utilisation === undefined ? undefined : req.utilisation >= 0.9);
    row('pace', 'Planfix active window', `${fmt(req.planfixWindowMs / 1000)} s; idle in it ${fmt(req.idleMs / 1000)} s; largest gaps ${req.largestGapsMs.map((g) => `${g} ms`).join(', ')}`, 'info');
    row('pace', 'before first / after last Planfix request', `${fmt((startupMs ?? NaN) / 1000, 2)} s / ${fmt((tailMs ?? NaN) / 1000, 2)} s`, 'info');
    row('pace', 'Planfix code-22 / other failed answers', `${req.planfix.refused22} / ${req.planfix.failed}`, '0 / 0', req.planfix.refused22 === 0 && req.planfix.failed === 0);
    row('pace', 'Facebook requests by kind', `${req.facebook.total}: ${Object.entries(req.facebook.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}`, 'info');
    row('pace', 'Facebook requests while a Planfix request was in flight', `${req.fbWhilePlanfixBusy} of ${req.facebook.total} (${pct(fbShareBusy)}); inside Planfix window ${pct(fbShareWindow)}`, 'info');
    row('pace', 'posts read before the previous post finished in Planfix', `${req.postsReadAhead} of ${req.postsCompared} (${pct(aheadShare)}), median lead ${fmt((req.medianReadAheadMs ?? NaN) / 1000, 2)} s`, '≥ 90 % (read ahead)', aheadShare === undefined ? undefined : aheadShare >= 0.9);
    row('pace', 'peak RSS of the CLI', mb(run.rss?.peakBytes), `< ${RSS_LIMIT_MB} MB`, run.rss ? run.rss.peakBytes < RSS_LIMIT_MB * MB : undefined);

    results.pace = {
      setup: { posts, commentsPerPost: perPost, commenters, latencyMs: LATENCY_MS, requestsPerSecond: PACE_RPS, seeded },
      exitCode: run.code,
      wallMs: run.wallMs,
      summary: run.summary,
      imported: n,
      exactlyOnce: once,
      commentsPerSecond: rate,
      commentsPerSecondInPlanfixWindow: windowRate,
      idealCommentsPerSecond: idealRate,
      planfixRequestsPerComment: perComment,
      planfixBeyondCreationPerComment: beyondPerComment,
      formula: `beyond = (planfix requests − ${CREATION_KINDS.join(' − ')}) / comments imported; utilisation = planfix requests / (window s × requestsPerSecond), window = first → last Planfix request arrival`,
      requests: req,
      startupMs,
      tailMs,
      rss: run.rss,
    };
  } finally {
    await sim.close();
  }
}

// ---- phase 2: memory -------------------------------------------------------------------------

async function memoryPhase(): Promise<void> {
  const perPost = Math.max(1, num('BENCH_MEMORY_PER_POST', 100));
  const posts = Math.max(1, Math.ceil(MEMORY_COMMENTS / perPost));
  const commenters = Math.max(1, Math.min(500, Math.round((posts * perPost) / 200)));
  const rps = num('BENCH_MEMORY_RPS', 1000);
  const latencyMs = num('BENCH_MEMORY_LATENCY_MS', 0);
  log(`\n[memory] ${posts} posts × ${perPost} comments (${posts * perPost}), ${commenters} commenters, ${latencyMs} ms latency, planfix.requestsPerSecond ${rps}`);
  const sim = await startSimulator({ facebook: { latencyMs }, planfix: { latencyMs, dailyBudget: 100_000_000 } });
  try {
    const seedStart = Date.now();
    const seeded = seedHistory(sim, { posts, commentsPerPost: perPost, commenters });
    log(`  seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const t0 = Date.now();
    const run = await backfill(sim, seeded, rps, 'memory');
    const req = analyseRequests(sim, { since: t0, requestsPerSecond: rps, planfixLatencyMs: latencyMs });
    const n = imported(run.summary);
    const once = exactlyOnce(sim);
    const wallS = run.wallMs / 1000;
    row('memory', 'exit code', String(run.code), '0', run.code === 0);
    row('memory', 'comments imported (seeded)', `${n} (${seeded.comments})`, 'all, each once', n === seeded.comments && once.lost === 0 && once.duplicated === 0);
    row('memory', 'CLI wall time', `${fmt(wallS)} s`, 'info');
    row('memory', 'comments imported per second', fmt(n / wallS, 1), 'info');
    row('memory', 'Planfix / Facebook requests', `${req.planfix.total} / ${req.facebook.total}`, 'info');
    row('memory', 'Planfix requests per second (window)', fmt(req.planfixWindowMs ? req.planfix.total / (req.planfixWindowMs / 1000) : undefined, 1), 'info');
    row('memory', `peak RSS of the CLI (${seeded.comments} comments)`, mb(run.rss?.peakBytes), `< ${RSS_LIMIT_MB} MB`, run.rss ? run.rss.peakBytes < RSS_LIMIT_MB * MB : undefined);
    if (seeded.comments < 100_000) row('memory', 'size', `${seeded.comments} comments`, 'issue: 100,000 (npm run bench -- --full)');
    results.memory = {
      setup: { posts, commentsPerPost: perPost, commenters, latencyMs, requestsPerSecond: rps, seeded },
      exitCode: run.code,
      wallMs: run.wallMs,
      summary: run.summary,
      imported: n,
      exactlyOnce: once,
      commentsPerSecond: n / wallS,
      requests: { planfix: req.planfix, facebook: req.facebook, planfixWindowMs: req.planfixWindowMs },
      rss: run.rss,
    };
  } finally {
    await sim.close();
  }
}

// ---- phase: loop mode ---------------------------------------------------------------------------

/**
 * `fbsync run --every` keeps one process alive: its memory must stay flat. A child runs idle cycles
 * back to back as runLoop does (50 posts and 50 tasks watched, nothing new) and reports its RSS.
 */
async function loopPhase(): Promise<void> {
  const cycles = FULL ? 10_000 : num('BENCH_LOOP_CYCLES', 3_000);
  const every = Math.max(1, Math.round(cycles / 10));
  log(`\n[loop] ${cycles} idle cycles in one process (50 posts, 50 tasks)`);
  const sim = await startSimulator({ planfix: { dailyBudget: 100_000_000 } });
  const work = makeWorkdir(sim, 1000);
  try {
    for (let i = 0; i < 50; i++) {
      const post = sim.facebook.addPost({ message: `Loop bench post ${i}` });
      sim.facebook.addComment(post.id, { from: { id: `77000000${i % 10}`, name: `Looper ${i % 10}` }, message: `comment on ${i}` });
    }
    const first = await runCli(['run', '--json', '--config', work.configPath], { cwd: work.dir });
    if (first.code !== 0) throw new Error(`the import run exited ${first.code}`);
    const samples: { cycle: number; rssBytes: number; heapUsedBytes: number }[] = [];
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/bench/loop-child.js'), work.configPath, String(cycles), String(every)], { cwd: work.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const t0 = Date.now();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const wallS = (Date.now() - t0) / 1000;
    for (const line of out.split('\n')) if (line.trim()) samples.push(JSON.parse(line));
    if (code !== 0 || samples.length < 2) throw new Error(`loop child exited ${code}: ${err.slice(0, 300)}`);
    // V8 grows its heap to a plateau over the first cycles; flat means no growth after that.
    const early = samples.find((s) => s.cycle >= cycles / 2) ?? samples[0]!;
    const last = samples.at(-1)!;
    const growth = last.rssBytes - early.rssBytes;
    row('loop', 'idle cycles run (cycles per second)', `${last.cycle} (${fmt(last.cycle / wallS, 0)}/s)`, 'info');
    row('loop', `RSS after 1 / ${early.cycle} / ${last.cycle} idle cycles`, `${mb(samples[0]!.rssBytes)} / ${mb(early.rssBytes)} / ${mb(last.rssBytes)}`, 'flat in the second half: < 10 MB', growth < 10 * MB);
    row('loop', 'live heap after the first / last sample', `${mb(samples[0]!.heapUsedBytes)} / ${mb(last.heapUsedBytes)}`, 'info');
    if (!FULL) row('loop', 'size', `${cycles} cycles`, 'issue: 10,000 (npm run bench -- --full)');
    results.loop = { cycles, samples, wallMs: wallS * 1000 };
  } finally {
    work.remove();
    await sim.close();
  }
}

// ---- phase 3: daily budget -------------------------------------------------------------------

const namesATime = (text: string) => /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text);
const stopMessage = (stderr: string) => stderr.split('\n').find((l) => /stopped to leave Planfix requests/.test(l)) ?? '';

interface BudgetScenario {
  label: string;
  dailyBudget: number;
  posts: number;
  perPost: number;
}

/** One backfill against a Planfix with this daily budget; then, when asked, one more per "day" until it finishes. */
async function budgetScenario(sc: BudgetScenario, reserve: number, resumeDays: number) {
  const rps = 200;
  log(`\n[budget] ${sc.label}: Planfix daily budget ${sc.dailyBudget} (reserve ${reserve}), ${sc.posts} posts × ${sc.perPost} comments, no latency`);
  const sim = await startSimulator({ planfix: { dailyBudget: sc.dailyBudget } });
  try {
    const seeded = seedHistory(sim, { posts: sc.posts, commentsPerPost: sc.perPost, commenters: 60 });
    // One store for all the days: each run resumes where the last one stopped.
    const work = makeWorkdir(sim, rps);
    const t0 = Date.now();
    const run = await backfill(sim, seeded, rps, `budget/${sc.label}`, work);
    const req = analyseRequests(sim, { since: t0, requestsPerSecond: rps, planfixLatencyMs: 0 });
    const first = { exitCode: run.code, stoppedEarly: run.summary?.stoppedEarly ?? null, throttled: run.summary?.throttled ?? null, imported: imported(run.summary), planfixRequests: req.planfix.total, refused22: req.planfix.refused22, left: sim.planfix.remainingToday, message: stopMessage(run.stderr) };
    const days: { exitCode: number | null; imported: number; planfixRequests: number; left: number }[] = [];
    for (let day = 1; day <= resumeDays; day++) {
      // A new Planfix day (the sim's counter; its clock is real time).
      sim.planfix.setRequestsToday(0);
      const t = Date.now();
      const again = await backfill(sim, seeded, rps, `budget/${sc.label}/day ${day + 1}`, work);
      days.push({ exitCode: again.code, imported: imported(again.summary), planfixRequests: analyseRequests(sim, { since: t, requestsPerSecond: rps, planfixLatencyMs: 0 }).planfix.total, left: sim.planfix.remainingToday });
      if (again.code === 0) break;
    }
    const once = exactlyOnce(sim);
    const inPlanfix = sim.planfix.comments().filter((c) => !c.isDeleted).length;
    work.remove();
    return { scenario: sc, seeded, first, days, final: { commentsInPlanfix: inPlanfix, ...once } };
  } finally {
    await sim.close();
  }
}

async function budgetPhase(): Promise<void> {
  const reserve = planfixReserve();
  const spendable = 400;
  const okLeft = (left: number) => left >= reserve * 0.95 && left <= reserve;
  const leftTarget = `left in [${Math.ceil(reserve * 0.95)}, ${reserve}]`;

  // 1. Budget for ~400 requests above the reserve, small posts; resumed day by day to the end.
  const main = await budgetScenario({ label: 'reserve', dailyBudget: reserve + spendable, posts: 30, perPost: 40 }, reserve, 8);
  const f = main.first;
  row('budget', 'stopped early (reason)', String(f.stoppedEarly), 'planfixBudget', f.stoppedEarly === 'planfixBudget');
  row('budget', 'exit code', String(f.exitCode), '4 (stopped early, resumable)', f.exitCode === 4);
  row('budget', 'comments imported before the stop', `${f.imported} of ${main.seeded.comments}`, 'info');
  row('budget', `Planfix requests used / left today (budget ${main.scenario.dailyBudget})`, `${f.planfixRequests} / ${f.left}`, leftTarget, okLeft(f.left));
  row('budget', 'Planfix code-22 answers', String(f.refused22), '0', f.refused22 === 0);
  row('budget', 'stderr says when it can go on', f.message ? f.message.replace(/^fbsync backfill: /, '') : '(no message)', 'a message', f.message !== '');
  row('budget', '… and names a time', namesATime(f.message) ? 'yes' : 'no ("after the daily budget resets")', 'a time', namesATime(f.message));
  const last = main.days[main.days.length - 1];
  const done = last?.exitCode === 0 && main.final.commentsInPlanfix === main.seeded.comments && main.final.lost === 0 && main.final.duplicated === 0;
  row(
    'budget',
    'resumed day by day: days, left at each stop, end state',
    `${main.days.length + 1} days; left ${[f.left, ...main.days.map((d) => d.left)].join(', ')}; ${main.final.commentsInPlanfix} of ${main.seeded.comments} comments, ${main.final.lost} lost, ${main.final.duplicated} twice`,
    'finishes, all once',
    done,
  );

  // 2. Posts bigger than the headroom: the reserve is checked only when a post starts.
  const big = await budgetScenario({ label: 'big posts', dailyBudget: reserve + spendable, posts: 8, perPost: 500 }, reserve, 0);
  row('budget', `posts of 500 comments (budget ${big.scenario.dailyBudget}): used / left, code 22`, `${big.first.planfixRequests} / ${big.first.left}, ${big.first.refused22} code-22, exit ${big.first.exitCode}, ${String(big.first.stoppedEarly ?? (big.first.throttled ? 'throttled' : null))}`, leftTarget, okLeft(big.first.left) && big.first.refused22 === 0);

  // 3. Already below the reserve when backfill starts: how much does it spend before noticing?
  const lowBudget = Math.floor(reserve * 0.6);
  const low = await budgetScenario({ label: 'below reserve', dailyBudget: lowBudget, posts: 30, perPost: 40 }, reserve, 0);
  row('budget', `started below the reserve (budget ${lowBudget}): requests spent`, `${low.first.planfixRequests} (${low.first.imported} comments), exit ${low.first.exitCode}, ${String(low.first.stoppedEarly)}`, '≤ 12 (the writes in flight)', low.first.planfixRequests <= 12);

  results.budget = { reserve, scenarios: [main, big, low] };
}

// ---- report --------------------------------------------------------------------------------

function printTable(): void {
  const header = { phase: 'phase', figure: 'figure', value: 'value', target: 'target', result: 'result' };
  const lines = rows.map((r) => ({ phase: r.phase, figure: r.figure, value: r.value, target: r.target, result: r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL' }));
  const width = (k: keyof typeof header, max: number) => Math.min(max, Math.max(header[k].length, ...lines.map((l) => l[k].length)));
  const w = { phase: width('phase', 8), figure: width('figure', 56), value: width('value', 70), target: width('target', 36), result: 6 };
  const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
  const fmtLine = (l: typeof header) => [cell(l.phase, w.phase), cell(l.figure, w.figure), cell(l.value, w.value), cell(l.target, w.target), l.result].join('  ');
  const out: string[] = ['', fmtLine(header), '-'.repeat(w.phase + w.figure + w.value + w.target + 14)];
  for (const l of lines) {
    out.push(fmtLine(l));
    // Long values are not lost to the column width.
    if (l.value.length > w.value) out.push(`${' '.repeat(w.phase + w.figure + 4)}  ↳ ${l.value}`);
  }
  const fails = rows.filter((r) => r.pass === false);
  out.push('');
  out.push(fails.length ? `FAIL: ${fails.length} target(s) missed:` : 'All targets met.');
  for (const f of fails) out.push(`  FAIL [${f.phase}] ${f.figure}: ${f.value} (target ${f.target})`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/**
 * Start-up: --help and --version load no command at all; a no-op run loads only `run`'s modules
 * (never the simulator) and makes the cycle's few reads of a Page and an account with nothing new.
 */
async function startupPhase(): Promise<void> {
  const runs = num('BENCH_STARTUP_RUNS', 15);
  const sim = await startSimulator();
  const work = makeWorkdir(sim, 1000);
  try {
    sim.facebook.addComment(sim.facebook.addPost({ message: 'bench' }).id, { from: { id: '9990000001', name: 'Bench Start' }, message: 'hello' });
    const first = await runCli(['run', '--config', work.configPath], { cwd: work.dir });
    if (first.code !== 0) throw new Error(`the first run failed: ${first.stderr}`);
    const eager = ['run', 'backfill', 'doctor', 'status', 'reconnect', 'demo', 'init'].map((c) => `import('./dist/commands/${c}.js')`).join(',');
    const { baselineMs, figures, problems, tool } = await measureStartup(
      [
        { name: 'fbsync --help', argv: fbsyncArgv('--help'), cwd: work.dir, targetMs: 200 },
        { name: 'fbsync --version', argv: fbsyncArgv('--version'), cwd: work.dir, targetMs: 200 },
        {
          name: 'fbsync run (nothing to do)',
          argv: fbsyncArgv('run', '--config', work.configPath),
          cwd: work.dir,
          targetMs: 400,
          expect: (r) => (r.code !== 0 || r.stdout !== '' ? `expected a silent exit 0, got exit ${r.code}: ${r.stdout}${r.stderr}` : undefined),
        },
        // Information: what every start-up paid before commands were loaded lazily (all of them, got, zod, SQLite, the simulator).
        { name: 'eager import of every command (the old start-up)', argv: [process.execPath, '--input-type=module', '-e', `await Promise.all([${eager}])`], cwd: ROOT },
      ],
      runs,
    );
    row('startup', `node -e 0 (median of ${runs}, ${tool})`, `${fmt(baselineMs, 0)} ms`, '', undefined);
    for (const f of figures) row('startup', f.name, `${fmt(f.medianMs, 0)} ms (${fmt(f.ratio, 2)}× node -e 0)`, f.targetMs ? `≤ ${f.targetMs} ms median` : '', f.targetMs ? f.medianMs <= f.targetMs : undefined);
    for (const p of problems) row('startup', 'check', p, 'no problem', false);
    results.startup = { runs, tool, baselineMs, figures };
  } finally {
    work.remove();
    await sim.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`fbsync bench: phases ${PHASES.join(', ')} · node ${process.version} · ${os.cpus().length} CPUs · ${os.platform()}`);
  for (const phase of PHASES) {
    const t = Date.now();
    try {
      if (phase === 'startup') await startupPhase();
      else if (phase === 'pace') await pacePhase();
      else if (phase === 'memory') await memoryPhase();
      else if (phase === 'loop') await loopPhase();
      else if (phase === 'cost') await costPhase((figure, value, target = '', pass) => row('cost', figure, value, target, pass), results, log);
      else await budgetPhase();
    } catch (error) {
      row(phase, 'phase crashed', (error as Error).stack?.split('\n').slice(0, 3).join(' ') ?? String(error), 'runs', false);
    }
    log(`[${phase}] done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  printTable();
  const file = env.BENCH_RESULTS ?? 'bench-results.json';
  if (file) {
    const doc = { at: new Date(started).toISOString(), durationMs: Date.now() - started, node: process.version, cpus: os.cpus().length, platform: os.platform(), phases: PHASES, rows, results };
    fs.writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`figures written to ${path.resolve(file)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`fbsync bench: ${(error as Error).stack ?? error}\n`);
    process.exit(0);
  },
);
