export type StopReason = 'time' | 'effects' | 'interrupted' | 'planfixBudget';

/** Bounds one run (behaviour.md § Guarantees, "bounded work per run"): no new write starts past these. */
export class RunBudget {
  private readonly deadline: number;
  private effects = 0;
  private exhaustedBy: StopReason | undefined;

  constructor(
    maxRunSeconds: number,
    private readonly maxEffects: number,
    now = Date.now(),
    /** A share's whole: what it takes, the whole takes too; what stops the whole stops it. */
    private readonly parent?: RunBudget,
  ) {
    this.deadline = maxRunSeconds > 0 ? now + maxRunSeconds * 1000 : Number.POSITIVE_INFINITY;
  }

  /**
   * One of `parts` turns at what is left (several Pages, one after another): an equal part of the
   * time and of the writes left, so a Page with a huge backlog cannot starve the Pages after it.
   * What a turn leaves unused stays in the whole, for the turns after it and the reply pass.
   */
  share(parts: number, now = Date.now()): RunBudget {
    const n = Math.max(1, parts);
    const seconds = Number.isFinite(this.deadline) ? Math.max(0.001, (this.deadline - now) / 1000 / n) : 0;
    const effects = this.maxEffects > 0 ? Math.max(1, Math.floor((this.maxEffects - this.effects) / n)) : 0;
    return new RunBudget(seconds, effects, now, this);
  }

  /** One more stop condition, asked before every write (backfill: Planfix's reserve for `run`). */
  guard: (() => StopReason | undefined) | undefined;

  /** Takes a slot for one remote write, or says why not. */
  take(): StopReason | undefined {
    const whole = this.parent?.exhausted;
    if (whole) return whole;
    if (!this.exhaustedBy) {
      if (Date.now() >= this.deadline) this.exhaustedBy = 'time';
      else if (this.maxEffects > 0 && this.effects >= this.maxEffects) this.exhaustedBy = 'effects';
      else this.exhaustedBy = this.guard?.();
    }
    if (this.exhaustedBy) return this.exhaustedBy;
    const refused = this.parent?.take();
    if (refused) return refused;
    this.effects++;
    return undefined;
  }

  get exhausted(): StopReason | undefined {
    if (!this.exhaustedBy && Date.now() >= this.deadline) this.exhaustedBy = 'time';
    return this.exhaustedBy ?? this.parent?.exhausted;
  }
}
