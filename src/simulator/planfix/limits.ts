// Request budgets. The daily one follows the sim clock (tests jump days); the per-second one uses
// a monotonic clock because a frozen sim clock would otherwise never let a second pass.

import { DAY_MS, MINUTE_MS } from './dates.js';

export class DailyBudget {
  private used = 0;
  private day: number;

  constructor(
    readonly limit: number,
    private readonly now: () => number,
    private readonly offsetMin: number,
  ) {
    this.day = this.dayIndex();
  }

  // The day turns at midnight in the account's zone.
  private dayIndex(): number {
    return Math.floor((this.now() + this.offsetMin * MINUTE_MS) / DAY_MS);
  }

  private roll(): void {
    const d = this.dayIndex();
    if (d !== this.day) {
      this.day = d;
      this.used = 0;
    }
  }

  /** Counts one request; false when the budget was already spent (that request is not counted). */
  consume(): boolean {
    this.roll();
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  remaining(): number {
    this.roll();
    return Math.max(0, this.limit - this.used);
  }

  get usedToday(): number {
    this.roll();
    return this.used;
  }

  setUsed(n: number): void {
    this.roll();
    this.used = Math.max(0, Math.floor(n));
  }

  secondsToReset(): number {
    const local = this.now() + this.offsetMin * MINUTE_MS;
    const next = (Math.floor(local / DAY_MS) + 1) * DAY_MS;
    return Math.max(1, Math.ceil((next - local) / 1000));
  }
}

export class RpsLimiter {
  private max: number | null = null;
  private stamps: number[] = [];

  set(max: number | null): void {
    this.max = max;
    this.stamps = [];
  }

  /** Rolling one-second window; refused requests take a slot too, as hammering keeps you limited. */
  allow(): boolean {
    if (this.max === null) return true;
    const t = performance.now();
    while (this.stamps.length > 0 && t - this.stamps[0] >= 1000) this.stamps.shift();
    this.stamps.push(t);
    return this.stamps.length <= this.max;
  }
}
