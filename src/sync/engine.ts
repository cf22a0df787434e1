import type { Config } from '../config/types.js';
import type { FacebookPage } from '../facebook/types.js';
import { AuthError, PermissionError } from '../http/errors.js';
import { pageThrottledUntil, RunOutcome } from './outcome.js';
import type { PlanfixAccount } from '../planfix/types.js';
import type { Store } from '../store/store.js';
import { RunBudget } from './budget.js';
import type { SyncContext } from './context.js';
import { Executor } from './executor.js';
import { Inbound, type InboundOptions } from './inbound.js';
import { lookbackSince } from './inbound-plan.js';
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
  severalPages = false,
): SyncContext {
  const report = new RunReport();
  const outcome = new RunOutcome(new RunBudget(options.maxRunSeconds, options.maxEffects), severalPages);
  // Several Pages: syncPages watches each Page's Graph client with its Page id.
  if (!severalPages) outcome.watch(sides.fb);
  outcome.watch(sides.pf);
  return {
    fb: sides.fb,
    pf: sides.pf,
    store: sides.store,
    report,
    outcome,
    executor: new Executor(sides.store.journal, outcome, report),
    pageId: options.pageId,
    pageName: 'the Page',
    concurrency: options.concurrency,
    reopenClosedTasks: options.reopenClosedTasks,
  };
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
  const several = sides.pages !== undefined && sides.pages.length > 1;
  const noting = new WriteNotingPlanfix(sides.pf);
  const ctx = makeContext({ ...sides, pf: noting }, options, several);
  const { outcome } = ctx;
  ctx.writtenThisCycle = noting.written;
  if (options.signal?.aborted) outcome.interrupt();
  options.signal?.addEventListener('abort', () => outcome.interrupt(), { once: true });
  outcome.waitOutEarlier(sides.store);
  if (outcome.mayGoOn) {
    const pages: readonly CyclePage[] = sides.pages ?? [{ page: { pageId: options.pageId, taskTemplateId: 0 }, fb: sides.fb, pf: sides.pf }];
    guardPlanfixReserve(ctx, pages, options);
    if (options.somePagesOnly) ctx.replyCursorFrozen = true;
    if (several) await syncPages(ctx, pages, inboundOptionsOf(options), noting);
    else await new Inbound(ctx).run(inboundOptionsOf(options));
    // A throttle ends the cycle (as it always did): the reply pass would only meet it again.
    if (outcome.mayGoOn) await new Replies(ctx).run();
  }
  outcome.settle(sides.store, ctx.report);
  if (outcome.endedBy) throw outcome.endedBy;
  return ctx.report;
}

function inboundOptionsOf(options: CycleOptions): InboundOptions {
  const now = options.now ?? new Date();
  return {
    since: lookbackSince(now, options.lookbackDays),
    now,
    fullCheckMs: (options.fullCheckMinutes ?? 10) * 60_000,
    editCheckMs: (options.editCheckMinutes ?? 30) * 60_000,
    optionalReads: options.editChecksPerCycle ?? 1,
  };
}

/** sync.runShare: no write starts once Planfix says less than the reserve is left today. */
function guardPlanfixReserve(ctx: SyncContext, pages: readonly CyclePage[], options: CycleOptions): void {
  const reserve = planfixReserve(options);
  if (reserve <= 0) return;
  // Each Planfix client hears the account's "left today" on its own answers: the lowest is the latest.
  const left = () => Math.min(...pages.map((p) => p.pf.remainingToday ?? Number.POSITIVE_INFINITY), ctx.pf.remainingToday ?? Number.POSITIVE_INFINITY);
  ctx.outcome.budget.guard = () => (left() < reserve ? 'planfixBudget' : undefined);
}

/** Several Pages: each in turn (see runCycle), each Page's result in the report. */
async function syncPages(ctx: SyncContext, pages: readonly CyclePage[], inboundOptions: InboundOptions, noting: WriteNotingPlanfix): Promise<void> {
  const { outcome, store } = ctx;
  const clients = new Map(pages.filter((p) => p.fb).map((p) => [p.page.pageId, { fb: p.fb! }]));
  ctx.pages = { clients, taskTemplateIds: [...new Set(pages.map((p) => p.page.taskTemplateId))] };
  for (const p of pages) {
    if (p.fb) outcome.watch(p.fb, p.page.pageId);
    outcome.watch(p.pf);
  }
  // The list form (`facebook.pages`) keeps each Page's rotation under its own key; the single-Page form keeps the one it had.
  const listForm = pages.some((p) => p.page.key !== undefined && p.page.key !== 'facebook.pageId');
  for (const [i, page] of pages.entries()) {
    if (!outcome.mayGoOn) break;
    const pageId = page.page.pageId;
    const result = pageResult(ctx, pageId);
    if (!page.fb) {
      result('credentials', page.error);
      continue;
    }
    const waitsUntil = pageThrottledUntil(store, pageId);
    if (waitsUntil) {
      result('throttled', new Error(`Facebook asked fbsync to leave Page ${pageId} alone until ${waitsUntil.toISOString()} (its own request limit)`));
      clients.delete(pageId);
      continue;
    }
    const turn = outcome.turn(pageId, pages.length - i);
    const pageNoting = new WriteNotingPlanfix(page.pf);
    const pageCtx: SyncContext = { ...ctx, fb: page.fb, pf: pageNoting, pageId, outcome: turn, executor: new Executor(store.journal, turn, ctx.report) };
    if (listForm) pageCtx.rotationKey = META.inboundRotationOf(pageId);
    await new Inbound(pageCtx).run(inboundOptions);
    const stop = turn.stop;
    if (turn.pageLimited) {
      // This Page's own limit (a viral post, say): it alone waits, the other Pages and the replies go on.
      result('throttled', turn.pageLimited);
      clients.delete(pageId);
    } else if (stop?.kind === 'throttled') {
      // Planfix's limit, or Facebook's for the app or the user: every Page would meet it.
      result('throttled', stop.error);
    } else if (stop?.kind === 'ended') {
      if (!isCredentialsError(stop.error)) throw stop.error;
      result('credentials', stop.error);
    } else result('synced');
    // The reply half reads back none of the tasks any Page's pass just wrote to.
    for (const [taskId, at] of pageNoting.written) if (!noting.written.has(taskId)) noting.written.set(taskId, at);
  }
}

/** Several Pages: records what the cycle did for one Page (`--json`'s `pages`), from the effects counted since it began. */
function pageResult(ctx: SyncContext, pageId: string): (outcome: PageResult['outcome'], error?: unknown) => void {
  const before = { effects: { ...ctx.report.effects }, postsChecked: ctx.report.postsChecked };
  return (outcome, error) => {
    const effects = Object.fromEntries(
      Object.entries(ctx.report.effects)
        .map(([k, n]) => [k, (n ?? 0) - (before.effects[k as keyof typeof before.effects] ?? 0)])
        .filter(([, n]) => (n as number) > 0),
    );
    ctx.report.pages.push({ pageId, outcome, ...(error !== undefined && { error: (error as Error).message }), postsChecked: ctx.report.postsChecked - before.postsChecked, effects });
  };
}
