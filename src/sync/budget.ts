/** Bounds one run (behaviour.md § Guarantees, "bounded work per run"): no new write starts past these. */
export class RunBudget {
  private readonly deadline: number;
  private effects = 0;
  private exhaustedBy: 'time' | 'effects' | undefined;

  constructor(maxRunSeconds: number, private readonly maxEffects: number, now = Date.now()) {
    this.deadline = maxRunSeconds > 0 ? now + maxRunSeconds * 1000 : Number.POSITIVE_INFINITY;
  }

  /** Takes a slot for one remote write, or says why not. */
  take(): 'time' | 'effects' | undefined {
    if (!this.exhaustedBy) {
      if (Date.now() >= this.deadline) this.exhaustedBy = 'time';
      else if (this.maxEffects > 0 && this.effects >= this.maxEffects) this.exhaustedBy = 'effects';
    }
    if (this.exhaustedBy) return this.exhaustedBy;
    this.effects++;
    return undefined;
  }

  get exhausted(): 'time' | 'effects' | undefined {
    if (!this.exhaustedBy && Date.now() >= this.deadline) this.exhaustedBy = 'time';
    return this.exhaustedBy;
  }
}

export class BudgetExhausted extends Error {
  constructor(readonly reason: 'time' | 'effects') {
    super(`run budget reached (${reason})`);
  }
}
