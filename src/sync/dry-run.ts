import type { Journal } from '../store/journal.js';
import type { Effect, EffectRunner } from './executor.js';
import type { RunOutcome } from './outcome.js';

export interface PlannedWrite {
  /** The effect's kind (`contact`, `task`, `comment`, `task.update`, …). */
  kind: string;
  /** The write in words: "create task Facebook: «…»". */
  says: string;
}

/**
 * The executor of `backfill --dry-run`. The run reads both sides as a real one does and plans the
 * same effects; each effect is only said, and committed to the throw-away store with a made-up
 * (negative) id, so the rest of the plan sees it done (a person's second comment goes under the
 * card the first one planned, into the task planned for the post). Nothing is written anywhere.
 */
export class PlanningExecutor implements EffectRunner {
  private nextId = -1;

  constructor(
    private readonly journal: Journal,
    private readonly outcome: RunOutcome,
    private readonly onPlan: (write: PlannedWrite) => void,
  ) {}

  async perform<T>(effect: Effect<T>): Promise<T> {
    this.outcome.takeWrite();
    const result = effect.dryRun.result(this.nextId--);
    this.onPlan({ kind: effect.kind, says: effect.dryRun.says() });
    this.journal.markSending(effect.key, effect.kind, effect.payload);
    this.journal.markDone(effect.key, effect.remoteId(result), () => effect.commit(result, 'written'));
    return result;
  }
}
