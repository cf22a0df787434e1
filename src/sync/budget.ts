export type StopReason = 'time' | 'effects' | 'interrupted' | 'planfixBudget';

/** Bounds one run (behaviour.md § Guarantees, "bounded work per run"): no new write starts past these. */
export class RunBudget {
  private readonly deadline: number;
  private effects = 0;
  private exhaustedBy: StopReason | undefined;

  constructor(maxRunSeconds: number, private readonly maxEffects: number, now = Date.now()) {
    this.deadline = maxRunSeconds > 0 ? now + maxRunSeconds * 1000 : Number.POSITIVE_INFINITY;
  }

  /** One more stop condition, asked before every write (backfill: Planfix's reserve for `run`). */
  guard: (() => StopReason | undefined) | undefined;

  /** Takes a slot for one remote write, or says why not. */
  take(): StopReason | undefined {
    if (!this.exhaustedBy) {
      if (Date.now() >= this.deadline) this.exhaustedBy = 'time';
      else if (this.maxEffects > 0 && this.effects >= this.maxEffects) this.exhaustedBy = 'effects';
      else this.exhaustedBy = this.guard?.();
    }
    if (this.exhaustedBy) return this.exhaustedBy;
    this.effects++;
    return undefined;
  }

  /** Ctrl-C, or the Planfix daily budget nearly spent: finish what is in flight, start nothing new. */
  stop(reason: StopReason): void {
    this.exhaustedBy ??= reason;
  }

  get exhausted(): StopReason | undefined {
    if (!this.exhaustedBy && Date.now() >= this.deadline) this.exhaustedBy = 'time';
    return this.exhaustedBy;
  }
}

export class BudgetExhausted extends Error {
  constructor(readonly reason: StopReason) {
    super(`run budget reached (${reason})`);
  }
}
