// Fault injection. Each request's fate is a pure function of (seed, request index since
// setFaults), so a failing reliability test replays exactly the same faults.

export type FaultKind = 'http500' | 'html' | 'slow' | 'reset' | 'throttle' | 'resetAfterWrite' | 'truncated';

export const FAULT_KINDS: readonly FaultKind[] = ['http500', 'html', 'slow', 'reset', 'throttle', 'resetAfterWrite', 'truncated'];

export interface FaultOptions {
  /** Probability 0..1 that a request is faulted. */
  rate: number;
  kinds: FaultKind[];
  seed?: number;
  /** Delay of the `slow` fault; default 15000 ms (longer than any sane client timeout). */
  slowMs?: number;
}

// murmur3's 32-bit finaliser: cheap, well mixed, and stateless, which is what "per request" needs.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0,1) for (seed, index, salt). */
export function unitRandom(seed: number, index: number, salt: number): number {
  const h = fmix32((seed | 0) ^ fmix32((Math.imul(index, 2) + salt + 0x9e3779b9) | 0));
  return h / 0x1_0000_0000;
}

export class FaultPlan {
  private opts: Required<FaultOptions> | null = null;
  private index = 0;
  /** timeToReset (seconds) of each forced over-limit answer still to come. */
  private readonly forcedThrottles: number[] = [];
  /** timeToReset of the over-limit answer `next()` just chose. */
  throttleResetSeconds = 0;

  set(opts: FaultOptions | null): void {
    this.index = 0;
    if (opts === null) {
      this.opts = null;
      return;
    }
    if (!(opts.rate >= 0 && opts.rate <= 1)) throw new Error('sim: fault rate must be within 0..1');
    if (opts.kinds.length === 0) throw new Error('sim: fault kinds must not be empty');
    for (const k of opts.kinds) if (!FAULT_KINDS.includes(k)) throw new Error(`sim: unknown fault kind ${k}`);
    this.opts = { rate: opts.rate, kinds: [...opts.kinds], seed: opts.seed ?? 1, slowMs: opts.slowMs ?? 15_000 };
  }

  forceThrottle(timeToResetSeconds: number): void {
    this.forcedThrottles.push(timeToResetSeconds);
  }

  get slowMs(): number {
    return this.opts?.slowMs ?? 15_000;
  }

  /** Draws the fate of the next request. Forced throttles do not consume a seeded draw. */
  next(defaultResetSeconds: number): FaultKind | undefined {
    this.throttleResetSeconds = defaultResetSeconds;
    const forced = this.forcedThrottles.shift();
    if (forced !== undefined) {
      this.throttleResetSeconds = forced;
      return 'throttle';
    }
    if (!this.opts) return undefined;
    const i = this.index++;
    if (unitRandom(this.opts.seed, i, 0) >= this.opts.rate) return undefined;
    const k = Math.floor(unitRandom(this.opts.seed, i, 1) * this.opts.kinds.length);
    return this.opts.kinds[Math.min(k, this.opts.kinds.length - 1)];
  }
}
