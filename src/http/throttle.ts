import type { Side } from './errors.js';
import { ThrottledError } from './errors.js';
import { sleep } from './backoff.js';

/**
 * Per-side pace and brake. Once a side answers "throttled", nothing more is sent to it in this
 * run: calls made while throttled extend the block (Meta's rate-limit guide), and Planfix's
 * daily budget is shared with `run`.
 */
export class Throttle {
  private stoppedBy: ThrottledError | undefined;
  private nextSlot = 0;
  private extraDelayMs = 0;

  constructor(
    readonly side: Side,
    /** Minimum spacing of request starts; 0 = unpaced. */
    private readonly minIntervalMs: number,
  ) {}

  get stopped(): ThrottledError | undefined {
    return this.stoppedBy;
  }

  stop(error: ThrottledError): void {
    this.stoppedBy ??= error;
  }

  /** Usage is climbing: space requests further apart (Facebook's usage headers). */
  slowDown(delayMs: number): void {
    this.extraDelayMs = Math.max(0, delayMs);
  }

  /** Waits for this request's slot, or throws when the side is stopped. */
  async admit(): Promise<void> {
    this.throwIfStopped();
    const interval = this.minIntervalMs + this.extraDelayMs;
    if (interval > 0) {
      const now = Date.now();
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + interval;
      if (slot > now) await sleep(slot - now);
      this.throwIfStopped();
    }
  }

  private throwIfStopped(): void {
    if (this.stoppedBy) {
      throw new ThrottledError(this.side, `${this.side} is throttled for the rest of this run: ${this.stoppedBy.message}`, this.stoppedBy.retryAfterMs, this.stoppedBy.apiCode);
    }
  }
}
