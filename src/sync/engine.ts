import type { Config } from '../config/types.js';
import type { FacebookPage } from '../facebook/types.js';
import { ThrottledError, type Side } from '../http/errors.js';
import type { PlanfixAccount } from '../planfix/types.js';
import type { Store } from '../store/store.js';
import { RunBudget } from './budget.js';
import type { SyncContext } from './context.js';
import { Executor } from './executor.js';
import { Inbound } from './inbound.js';
import { Replies } from './replies.js';
import { WriteNotingPlanfix } from './written.js';
import { RunReport } from './report.js';
import { META } from '../store/meta-keys.js';

/** The `sync` section of the configuration, as it is, and the Page. */
export interface CycleOptions
  extends Pick<Config['sync'], 'lookbackDays' | 'concurrency' | 'maxRunSeconds' | 'maxEffects' | 'reopenClosedTasks'>,
    Partial<Pick<Config['sync'], 'fullCheckMinutes' | 'editCheckMinutes' | 'editChecksPerCycle' | 'runShare'>> {
  pageId: string;
  /** planfix.dailyBudget: with sync.runShare, the Planfix requests a day `run` may spend (unset: no limit of its own). */
  planfixDailyBudget?: number;
  /** The cycle's clock (tests); default the system's. */
  now?: Date;
  /** SIGINT/SIGTERM: start no new write, finish those in flight (the command exits 130/143). */
  signal?: AbortSignal;
}

export interface Sides {
  fb: FacebookPage;
  pf: PlanfixAccount;
  store: Store;
}

export function makeContext(
  sides: Sides,
  options: Pick<CycleOptions, 'pageId' | 'concurrency' | 'maxRunSeconds' | 'maxEffects' | 'reopenClosedTasks'>,
): SyncContext {
  const report = new RunReport();
  const budget = new RunBudget(options.maxRunSeconds, options.maxEffects);
  return {
    fb: sides.fb,
    pf: sides.pf,
    store: sides.store,
    report,
    budget,
    executor: new Executor(sides.store.journal, budget, report),
    pageId: options.pageId,
    pageName: 'the Page',
    concurrency: options.concurrency,
    reopenClosedTasks: options.reopenClosedTasks,
  };
}

/** A side that throttled an earlier run is left alone until the time it named (calls while blocked extend the block). */
export function throttledUntil(store: Store, side: Side, now = Date.now()): Date | undefined {
  const value = store.getMeta(META.throttleNotBefore(side));
  if (!value) return undefined;
  const at = new Date(value);
  return at.getTime() > now ? at : undefined;
}

export function recordThrottle(ctx: SyncContext, error: ThrottledError): void {
  const waitMs = error.retryAfterMs ?? 60_000;
  ctx.store.setMeta(META.throttleNotBefore(error.side), new Date(Date.now() + waitMs).toISOString());
  ctx.report.throttled[error.side] = { retryAfterSeconds: Math.ceil(waitMs / 1000), message: error.message };
}

/**
 * A side can say "stop" without an error: usage headers at the limit on the last answer of a run.
 * The wait it named must still keep the next run away.
 */
export function recordQuietStops(ctx: SyncContext): void {
  for (const stopped of [ctx.fb.throttledBy, ctx.pf.throttledBy]) {
    if (stopped && !ctx.report.throttled[stopped.side]) recordThrottle(ctx, stopped);
  }
}

/**
 * The Planfix requests of the day `run` leaves to others (people, other integrations): all but
 * sync.runShare of planfix.dailyBudget. Like backfill's reserve, checked before every write
 * against what Planfix says is left today.
 */
export function planfixReserve(options: Pick<CycleOptions, 'planfixDailyBudget' | 'runShare'>): number {
  if (!options.planfixDailyBudget) return 0;
  return Math.floor(options.planfixDailyBudget * (1 - (options.runShare ?? 1)));
}

/** One cycle: Facebook → Planfix, then Planfix → Facebook. Auth errors propagate (exit 3); throttling ends the cycle cleanly. */
export async function runCycle(sides: Sides, options: CycleOptions): Promise<RunReport> {
  const noting = new WriteNotingPlanfix(sides.pf);
  const ctx = makeContext({ ...sides, pf: noting }, options);
  ctx.writtenThisCycle = noting.written;
  if (options.signal?.aborted) ctx.budget.stop('interrupted');
  options.signal?.addEventListener('abort', () => ctx.budget.stop('interrupted'), { once: true });
  for (const side of ['facebook', 'planfix'] as const) {
    const until = throttledUntil(sides.store, side);
    if (until) ctx.report.throttled[side] = { retryAfterSeconds: Math.ceil((until.getTime() - Date.now()) / 1000), message: `${side} asked fbsync to wait until ${until.toISOString()}` };
  }
  if (Object.keys(ctx.report.throttled).length > 0) return ctx.report;

  const reserve = planfixReserve(options);
  if (reserve > 0) ctx.budget.guard = () => ((sides.pf.remainingToday ?? Number.POSITIVE_INFINITY) < reserve ? 'planfixBudget' : undefined);
  const inbound = new Inbound(ctx);
  const replies = new Replies(ctx);
  try {
    const now = options.now ?? new Date();
    await inbound.run({
      since: new Date(now.getTime() - options.lookbackDays * 86_400_000),
      now,
      fullCheckMs: (options.fullCheckMinutes ?? 10) * 60_000,
      editCheckMs: (options.editCheckMinutes ?? 30) * 60_000,
      optionalReads: options.editChecksPerCycle ?? 1,
    });
    if (!ctx.budget.exhausted) await replies.run();
  } catch (error) {
    if (error instanceof ThrottledError) recordThrottle(ctx, error);
    else throw error;
  }
  recordQuietStops(ctx);
  if (ctx.budget.exhausted) ctx.report.stoppedEarly ??= ctx.budget.exhausted;
  return ctx.report;
}
