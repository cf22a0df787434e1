// Exponential backoff with full jitter: spreads retries of many cron hosts apart and never
// retries in a tight loop (behaviour.md § Guarantees, "never a tight retry loop").

export interface BackoffPolicy {
  /** Tries after the first one. */
  retries: number;
  baseMs: number;
  capMs: number;
}

export const defaultBackoff: BackoffPolicy = { retries: 3, baseMs: 500, capMs: 20_000 };

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
