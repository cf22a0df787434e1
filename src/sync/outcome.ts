import { ConfigError } from '../errors.js';
import { AuthError, PermissionError, ThrottledError, type Side } from '../http/errors.js';
import { META } from '../store/meta-keys.js';
import type { Store } from '../store/store.js';
import type { RunBudget, StopReason } from './budget.js';
import type { RunReport } from './report.js';

/** A client that can stop itself without an error (usage headers at the limit on an answer). */
export interface Brake {
  readonly throttledBy?: ThrottledError;
}

/** Thrown by the executor only to unwind a write the outcome refused; why is already in the outcome. */
export class RunStopped extends Error {
  constructor(readonly stop: Stop) {
    super(stop.kind === 'budget' ? `run budget reached (${stop.reason})` : stop.error.message);
  }
}

/** Why the run (or one Page's turn) stopped short. */
export type Stop =
  | { kind: 'budget'; reason: StopReason }
  /** A side throttled (now, or in an earlier run whose wait is not over): nothing more goes to it. */
  | { kind: 'throttled'; side: Side; error: ThrottledError }
  /** An error no further item can get past (credentials, configuration): the command reports it. */
  | { kind: 'ended'; error: Error };

/** Facebook's request limit of one Page (Pages API with a user token 32, Page BUC 80001; api-notes-facebook.md § Codes): other Pages are not limited by it. */
const PAGE_LIMIT_CODES = new Set([32, 80001]);

/**
 * The one place a run's stop is known. Every part asks it before starting work (`mayGoOn`), tells
 * it why it stopped (`absorb` an error, `interrupt`), and the cycle reads it once at the end
 * (`settle`): the report's `stoppedEarly` and `throttled`, the waits the next runs keep.
 *
 * With several Pages each Page's turn is a `turn` of it: its own part of the budget, its own Page
 * limit; a side's throttle or a signal stops every turn.
 */
export class RunOutcome {
  private interrupted = false;
  private readonly throttled = new Map<Side, ThrottledError>();
  /** Waits an earlier run recorded that are not over, and when they end: this run only waits. */
  private readonly earlier = new Map<Side, Date>();
  /** Several Pages: Pages that met their own request limit, and the error that said so. */
  private readonly pageLimits = new Map<string, ThrottledError>();
  private readonly brakes: { client: Brake; pageId?: string }[] = [];
  private ended: Error | undefined;
  /** The first budget reason a write was refused for, in any turn: the run stopped early even if the whole had more. */
  private refusedBy: StopReason | undefined;

  constructor(
    readonly budget: RunBudget,
    /** Several Pages: a Page's own limit (PAGE_LIMIT_CODES) stops that Page only. */
    private readonly severalPages = false,
    private readonly root?: RunOutcome,
    /** A turn's Page. */
    readonly pageId?: string,
  ) {}

  /** One Page's turn (several Pages): `parts` turns share what is left of the budget (RunBudget.share). */
  turn(pageId: string, parts: number): RunOutcome {
    return new RunOutcome(this.budget.share(parts), this.severalPages, this, pageId);
  }

  /** Clients whose quiet stops count: the Page's Graph client carries its Page id. */
  watch(client: Brake, pageId?: string): void {
    (this.root ?? this).brakes.push({ client, pageId });
  }

  /** Sides an earlier run was told to leave alone until a time still ahead: this run does nothing. */
  waitOutEarlier(store: Store, now = Date.now()): void {
    for (const side of ['facebook', 'planfix'] as const) {
      const until = throttledUntil(store, side, now);
      if (until) this.earlier.set(side, until);
    }
  }

  /** SIGINT/SIGTERM: start nothing new, finish what is in flight. */
  interrupt(): void {
    (this.root ?? this).interrupted = true;
  }

  /** "May I go on?" — asked before every post, task, listing page and write. */
  get mayGoOn(): boolean {
    return this.stop === undefined;
  }

  /** Why this turn (or the run) stopped, if it did. */
  get stop(): Stop | undefined {
    const root = this.root ?? this;
    if (root.interrupted) return { kind: 'budget', reason: 'interrupted' };
    const ended = this.ended ?? root.ended;
    if (ended) return { kind: 'ended', error: ended };
    const side = root.sideStop();
    if (side) return side;
    const limit = this.pageLimited;
    if (limit) return { kind: 'throttled', side: 'facebook', error: limit };
    const reason = this.budget.exhausted;
    return reason ? { kind: 'budget', reason } : undefined;
  }

  /** Takes a slot for one remote write, or throws RunStopped. */
  takeWrite(): void {
    const stop = this.stop ?? budgetRefusal(this.budget);
    if (!stop) return;
    if (stop.kind === 'budget') (this.root ?? this).refusedBy ??= stop.reason;
    throw new RunStopped(stop);
  }

  /**
   * An error one part met: true when it stops the run (throttling, refused credentials, a
   * configuration mismatch, a refused write slot) and is now known here; false for an error of
   * one item, which the part reports and goes on.
   */
  absorb(error: unknown): boolean {
    if (error instanceof RunStopped) return true;
    if (error instanceof ThrottledError) {
      (this.root ?? this).throttle(error, this.pageId);
      return true;
    }
    if (error instanceof AuthError || error instanceof PermissionError || error instanceof ConfigError) {
      this.ended ??= error;
      return true;
    }
    return false;
  }

  /** Runs one part; an error that stops the run is told here instead of thrown. */
  async told<T>(part: () => Promise<T>): Promise<T | undefined> {
    try {
      return await part();
    } catch (error) {
      if (!this.absorb(error)) throw error;
      return undefined;
    }
  }

  /** This turn's Page met its own limit (several Pages): it alone waits. */
  get pageLimited(): ThrottledError | undefined {
    return this.pageId === undefined ? undefined : (this.root ?? this).pageLimitOf(this.pageId);
  }

  /** The run's end, read once: the report's stop and throttles, and the waits the next runs keep. */
  settle(store: Store, report: RunReport, now = Date.now()): void {
    const root = this.root ?? this;
    for (const [side, error] of root.throttles()) {
      const waitMs = error.retryAfterMs ?? 60_000;
      store.setMeta(META.throttleNotBefore(side), new Date(now + waitMs).toISOString());
      // Where the wait began: the runs that only wait measure how long it has lasted from here.
      store.setMeta(META.throttleSince(side), new Date(now).toISOString());
      report.throttled[side] = { retryAfterSeconds: Math.ceil(waitMs / 1000), message: error.message };
    }
    for (const [side, until] of root.earlier) {
      report.waiting[side] = until.toISOString();
      report.throttled[side] ??= { retryAfterSeconds: Math.ceil((until.getTime() - now) / 1000), message: waitMessage(side, until) };
    }
    for (const [pageId, error] of root.pageLimitsNow()) {
      store.setMeta(META.pageThrottleNotBefore(pageId), new Date(now + (error.retryAfterMs ?? 60_000)).toISOString());
    }
    report.stoppedEarly = root.interrupted ? 'interrupted' : (root.refusedBy ?? root.budget.exhausted);
  }

  /** The error that ended the run, for the command to report (exit 3 or 2). */
  get endedBy(): Error | undefined {
    return this.ended ?? this.root?.ended;
  }

  private throttle(error: ThrottledError, pageId: string | undefined): void {
    if (this.isPageLimit(error, pageId)) {
      if (!this.pageLimits.has(pageId!)) this.pageLimits.set(pageId!, error);
    } else if (!this.throttled.has(error.side)) this.throttled.set(error.side, error);
  }

  /** Throttles told, then quiet stops of the watched clients (a Page-limited client is stopped by design). */
  private throttles(): Map<Side, ThrottledError> {
    const all = new Map(this.throttled);
    for (const { client, pageId } of this.brakes) {
      const error = client.throttledBy;
      // A Page-limited client may also carry the usage headers' stop: both are that Page's limit.
      if (!error || all.has(error.side) || this.isPageLimit(error, pageId) || (pageId !== undefined && this.pageLimits.has(pageId))) continue;
      all.set(error.side, error);
    }
    return all;
  }

  private sideStop(): Stop | undefined {
    const [side, error] = [...this.throttles()][0] ?? [];
    if (side && error) return { kind: 'throttled', side, error };
    const [waiting, until] = [...this.earlier][0] ?? [];
    if (waiting && until) return { kind: 'throttled', side: waiting, error: new ThrottledError(waiting, waitMessage(waiting, until)) };
    return undefined;
  }

  private isPageLimit(error: ThrottledError, pageId: string | undefined): boolean {
    return this.severalPages && pageId !== undefined && error.side === 'facebook' && PAGE_LIMIT_CODES.has(error.apiCode ?? 0);
  }

  private pageLimitsNow(): Map<string, ThrottledError> {
    const all = new Map(this.pageLimits);
    for (const { client, pageId } of this.brakes) {
      const error = client.throttledBy;
      if (error && pageId !== undefined && this.isPageLimit(error, pageId) && !all.has(pageId)) all.set(pageId, error);
    }
    return all;
  }

  private pageLimitOf(pageId: string): ThrottledError | undefined {
    return this.pageLimitsNow().get(pageId);
  }
}

/** Takes a write slot of the budget; the stop when there is none. */
function budgetRefusal(budget: RunBudget): Stop | undefined {
  const reason = budget.take();
  return reason === undefined ? undefined : { kind: 'budget', reason };
}

function waitMessage(side: Side, until: Date): string {
  return `${side} asked fbsync to wait until ${until.toISOString()}`;
}

/** A side that throttled an earlier run is left alone until the time it named (calls while blocked extend the block). */
export function throttledUntil(store: Store, side: Side, now = Date.now()): Date | undefined {
  return waitUntil(store, META.throttleNotBefore(side), now);
}

/** Until when a Page's own Facebook limit keeps it waiting (several Pages only). */
export function pageThrottledUntil(store: Store, pageId: string, now = Date.now()): Date | undefined {
  return waitUntil(store, META.pageThrottleNotBefore(pageId), now);
}

/** The time a wait kept under `key` ends, if it is still ahead. */
function waitUntil(store: Store, key: string, now: number): Date | undefined {
  const value = store.getMeta(key);
  if (!value) return undefined;
  const at = new Date(value);
  return at.getTime() > now ? at : undefined;
}
