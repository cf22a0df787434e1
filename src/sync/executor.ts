import { RefusedError, TransientError } from '../http/errors.js';
import { sleep } from '../http/backoff.js';
import type { Journal } from '../store/journal.js';
import type { RunOutcome } from './outcome.js';
import type { RunReport } from './report.js';

export interface Effect<T> {
  /** Stable across runs and crashes; made only in effect-keys.ts (`contact:<fbUserId>`, `comment:<fbCommentId>`, …). */
  key: string;
  kind: string;
  payload?: string;
  /** Looks on the remote side for the result of an attempt whose outcome is unknown. */
  check(): Promise<T | undefined>;
  /** `checked`: the remote side was just searched and the result is not there. */
  write(checked: boolean): Promise<T>;
  remoteId(result: T): string;
  /** Stores the result; runs inside the transaction that marks the effect done. */
  commit(result: T, how: 'written' | 'recovered'): void;
  /**
   * `backfill --dry-run` (sync/dry-run.ts): the write in words ("create task Facebook: «…»"), and
   * what it would return, with a made-up id (negative) where Planfix would give one.
   */
  dryRun: { says(): string; result(madeUpId: number): T };
}

/** What carries effects out: the executor, or the dry run's planner. */
export interface EffectRunner {
  perform<T>(effect: Effect<T>): Promise<T>;
}

/** In-run attempts for a write whose outcome was unknown (check, then write again). */
const UNKNOWN_OUTCOME_ATTEMPTS = 3;

/**
 * The only place that performs remote writes. Intent is committed before the call; a write whose
 * outcome is unknown (timeout, reset, 5xx) is looked for on the remote side before it is repeated.
 */
export class Executor implements EffectRunner {
  constructor(
    private readonly journal: Journal,
    private readonly outcome: RunOutcome,
    private readonly report: RunReport,
    private readonly retryPauseMs = 200,
  ) {}

  async perform<T>(effect: Effect<T>): Promise<T> {
    const earlier = this.journal.get(effect.key);
    let mustCheck = earlier?.state === 'sending';
    this.outcome.takeWrite();

    for (let attempt = 1; ; attempt++) {
      if (mustCheck) {
        const found = await effect.check();
        if (found !== undefined) {
          this.journal.markDone(effect.key, effect.remoteId(found), () => effect.commit(found, 'recovered'));
          this.report.count('recovered');
          return found;
        }
      }
      this.journal.markSending(effect.key, effect.kind, effect.payload);
      try {
        const result = await effect.write(mustCheck);
        this.journal.markDone(effect.key, effect.remoteId(result), () => effect.commit(result, 'written'));
        return result;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof TransientError && error.outcomeUnknown) {
          this.journal.markFailed(effect.key, message, 'sending');
          if (attempt < UNKNOWN_OUTCOME_ATTEMPTS) {
            mustCheck = true;
            await sleep(this.retryPauseMs * attempt);
            continue;
          }
        } else if (error instanceof RefusedError) {
          this.journal.markFailed(effect.key, message, 'parked');
        } else {
          // Throttled, not found, auth, transient with a known outcome: nothing was written.
          this.journal.markFailed(effect.key, message, 'failed');
        }
        throw error;
      }
    }
  }
}
