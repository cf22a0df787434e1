import type { Config } from '../config/types.js';
import type { FacebookPage } from '../facebook/types.js';
import { AuthError, PermissionError, ThrottledError, type Side } from '../http/errors.js';
import type { PlanfixAccount } from '../planfix/types.js';
import type { Store } from '../store/store.js';
import { RunBudget } from './budget.js';
import type { SyncContext } from './context.js';
import { Executor } from './executor.js';
import { Inbound } from './inbound.js';
import { Replies } from './replies.js';
import { WriteNotingPlanfix } from './written.js';
import { type PageResult, RunReport } from './report.js';
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
  /**
   * `--page`: the run covers only some of the configured Pages, so its reply scan lists only their
   * tasks and must not move the one reply cursor past the other Pages' changes.
   */
  somePagesOnly?: boolean;
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
  return waitUntil(store, META.throttleNotBefore(side), now);
}

/** The time a wait kept under `key` ends, if it is still ahead. */
function waitUntil(store: Store, key: string, now: number): Date | undefined {
  const value = store.getMeta(key);
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

/** One configured Page as a cycle sees it: its Graph client (none when it has no token), the Planfix client of its template. */
export interface CyclePage {
  /** `key`: where the Page is configured (PageConfig.key); unset for the single-Page form. */
  page: { pageId: string; taskTemplateId: number; key?: string };
  fb?: FacebookPage;
  pf: PlanfixAccount;
  /** Why it has no Graph client. */
  error?: Error;
}

/** Facebook's request limit of one Page (Pages API with a user token 32, Page BUC 80001; api-notes-facebook.md § Codes): other Pages are not limited by it. */
const PAGE_LIMIT_CODES = new Set([32, 80001]);

/** Until when a Page's own Facebook limit keeps it waiting (several Pages only). */
export function pageThrottledUntil(store: Store, pageId: string, now = Date.now()): Date | undefined {
  return waitUntil(store, META.pageThrottleNotBefore(pageId), now);
}

/** The Page's token was refused or missing: that Page is skipped, the others go on (the run exits 3). */
function isCredentialsError(error: unknown): boolean {
  return (error instanceof AuthError || error instanceof PermissionError) && error.side === 'facebook';
}

/**
 * One cycle: Facebook → Planfix for each Page in turn, then Planfix → Facebook once for all of
 * them. Auth errors propagate (exit 3) — with several Pages, a Page whose token is refused is
 * reported and skipped instead; throttling ends the cycle cleanly.
 *
 * Fairness: the Pages take turns, each with an equal part of the time and writes left
 * (RunBudget.share), so a Page with a huge backlog cannot starve the Pages after it; what a Page
 * leaves unused goes to the Pages after it and to the reply pass. One Page at a time also keeps
 * Planfix's one-request-a-second pace across the Pages' Planfix clients.
 */
export async function runCycle(sides: Sides & { pages?: readonly CyclePage[] }, options: CycleOptions): Promise<RunReport> {
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

  const several = sides.pages !== undefined && sides.pages.length > 1;
  const pages: readonly CyclePage[] = sides.pages ?? [{ page: { pageId: options.pageId, taskTemplateId: 0 }, fb: sides.fb, pf: sides.pf }];
  // The list form (`facebook.pages`) keeps each Page's rotation under its own key; the single-Page form keeps the one it had.
  const listForm = pages.some((p) => p.page.key !== undefined && p.page.key !== 'facebook.pageId');
  if (several) {
    const clients = new Map(pages.filter((p) => p.fb).map((p) => [p.page.pageId, { fb: p.fb! }]));
    ctx.pages = { clients, taskTemplateIds: [...new Set(pages.map((p) => p.page.taskTemplateId))] };
  }
  const reserve = planfixReserve(options);
  if (reserve > 0) {
    // Each Planfix client hears the account's "left today" on its own answers: the lowest is the latest.
    const left = () => Math.min(...pages.map((p) => p.pf.remainingToday ?? Number.POSITIVE_INFINITY), sides.pf.remainingToday ?? Number.POSITIVE_INFINITY);
    ctx.budget.guard = () => (left() < reserve ? 'planfixBudget' : undefined);
  }
  if (options.somePagesOnly) ctx.replyCursorFrozen = true;
  const replies = new Replies(ctx);
  const now = options.now ?? new Date();
  const inboundOptions = {
    since: new Date(now.getTime() - options.lookbackDays * 86_400_000),
    now,
    fullCheckMs: (options.fullCheckMinutes ?? 10) * 60_000,
    editCheckMs: (options.editCheckMinutes ?? 30) * 60_000,
    optionalReads: options.editChecksPerCycle ?? 1,
  };
  let sideStopped = false;
  for (const [i, page] of pages.entries()) {
    if (ctx.budget.exhausted || sideStopped) break;
    const before = { effects: { ...ctx.report.effects }, postsChecked: ctx.report.postsChecked };
    const result = (outcome: PageResult['outcome'], error?: unknown) => {
      if (!several) return;
      const effects = Object.fromEntries(
        Object.entries(ctx.report.effects)
          .map(([k, n]) => [k, (n ?? 0) - (before.effects[k as keyof typeof before.effects] ?? 0)])
          .filter(([, n]) => (n as number) > 0),
      );
      ctx.report.pages.push({ pageId: page.page.pageId, outcome, ...(error !== undefined && { error: (error as Error).message }), postsChecked: ctx.report.postsChecked - before.postsChecked, effects });
    };
    if (!page.fb) {
      result('credentials', page.error);
      continue;
    }
    const waitsUntil = several ? pageThrottledUntil(sides.store, page.page.pageId) : undefined;
    if (waitsUntil) {
      result('throttled', new Error(`Facebook asked fbsync to leave Page ${page.page.pageId} alone until ${waitsUntil.toISOString()} (its own request limit)`));
      ctx.pages?.clients.delete(page.page.pageId);
      continue;
    }
    const budget = several ? ctx.budget.share(pages.length - i) : ctx.budget;
    const pageNoting = several ? new WriteNotingPlanfix(page.pf) : noting;
    const pageCtx: SyncContext = several
      ? { ...ctx, fb: page.fb, pf: pageNoting, pageId: page.page.pageId, budget, executor: new Executor(sides.store.journal, budget, ctx.report) }
      : ctx;
    if (listForm) pageCtx.rotationKey = META.inboundRotationOf(page.page.pageId);
    let pageLimited = false;
    try {
      await new Inbound(pageCtx).run(inboundOptions);
      result('synced');
    } catch (error) {
      if (several && error instanceof ThrottledError && error.side === 'facebook' && PAGE_LIMIT_CODES.has(error.apiCode ?? 0)) {
        // This Page's own limit (a viral post, say): it alone waits, the other Pages and the replies go on.
        const waitMs = error.retryAfterMs ?? 60_000;
        sides.store.setMeta(META.pageThrottleNotBefore(page.page.pageId), new Date(Date.now() + waitMs).toISOString());
        result('throttled', error);
        ctx.pages?.clients.delete(page.page.pageId);
        pageLimited = true;
      } else if (error instanceof ThrottledError) {
        // Planfix's limit, or Facebook's for the app or the user: every Page would meet it.
        recordThrottle(ctx, error);
        result('throttled', error);
        sideStopped = true;
      } else if (several && isCredentialsError(error)) {
        result('credentials', error);
      } else throw error;
    }
    if (several) {
      // A Page-limited client is stopped for the run by design: that is not a stop of all Facebook.
      if (!pageLimited) recordQuietStops(pageCtx);
      // The reply half reads back none of the tasks any Page's pass just wrote to.
      for (const [taskId, at] of pageNoting.written) if (!noting.written.has(taskId)) noting.written.set(taskId, at);
    }
  }
  try {
    // A throttle ends the cycle (as it always did): the reply pass would only meet it again.
    if (!ctx.budget.exhausted && !sideStopped && Object.keys(ctx.report.throttled).length === 0) await replies.run();
  } catch (error) {
    if (error instanceof ThrottledError) recordThrottle(ctx, error);
    else throw error;
  }
  if (ctx.pages) {
    // Several Pages: the clients still in play (a Page-limited one is stopped by design).
    for (const stopped of [...[...ctx.pages.clients.values()].map((c) => c.fb.throttledBy), ctx.pf.throttledBy]) {
      if (stopped && !ctx.report.throttled[stopped.side]) recordThrottle(ctx, stopped);
    }
  } else recordQuietStops(ctx);
  if (ctx.budget.exhausted) ctx.report.stoppedEarly ??= ctx.budget.exhausted;
  return ctx.report;
}
