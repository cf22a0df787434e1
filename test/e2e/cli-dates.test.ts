import { describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';

// issue 9 § 1: backfill dates are ISO 8601 or exit 2 naming the option; before it reads, backfill
// prints the range in UTC.

describe('backfill dates on the command line', () => {
  const e2e = useE2E({}, { per: 'file' });

  const backfill = (...args: string[]) => e2e.cli(['backfill', '--config', e2e.configPath, '--dry-run', ...args]);

  /** The example a date Facebook cannot be asked for gets. */
  const LIKE = 'write a date like 2026-01-31, 2026-01-31T08:00:00Z, or 30d / 12w (days / weeks ago) (times are UTC)';
  const monthAgo = (at: number) => new Date(at - 30 * 86_400_000).toISOString().slice(0, 10);

  for (const [args, option, example] of [
    [['--since', '5'], '--since', () => [LIKE]],
    [['--since', 'March 3'], '--since', () => [LIKE]],
    [['--since', '2026-02-30'], '--since', () => [LIKE]],
    [['--since', '01/02/2026'], '--since', () => [LIKE]],
    [['--since', '2026-01-01', '--until', 'next week'], '--until', () => [LIKE]],
    [['--since', '2026-03-01', '--until', '2026-02-01'], '--until', () => ['e.g. --since 2026-01-01 --until 2026-02-01']],
    // 30 days before the CLI's today: the date at the start or at the end of the run (midnight UTC may fall between).
    [['--since', '2999-01-01'], '--since', (from: number, to: number) => [`e.g. --since ${monthAgo(from)}`, `e.g. --since ${monthAgo(to)}`]],
  ] as const) {
    it(`${args.join(' ')}: exit 2 naming ${option} and an example, nothing read`, async () => {
      const before = e2e.sim.facebook.requestLog.length;
      const from = Date.now();
      const result = await backfill(...args);
      const tails = example(from, Date.now());
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(option);
      expect(tails.some((tail) => result.stderr.trimEnd().endsWith(tail)), `${result.stderr} ends with one of ${tails.join(' | ')}`).toBe(true);
      expect(e2e.sim.facebook.requestLog.length).toBe(before);
    });
  }

  it('prints the UTC range it reads before it starts', async () => {
    const result = await backfill('--since', '2026-01-01', '--until', '2026-02-01T12:00:00+02:00');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/backfill --dry-run: posts created 2026-01-01 → 2026-02-01 10:00:00 UTC/);
  });

  it('takes relative dates (30d)', async () => {
    const result = await backfill('--since', '30d');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/posts created \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} → .* UTC/);
  });
});
