import { describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';

// issue 9 § 8: help that teaches — the top-level help lists the configuration search order, the
// environment variables and the exit codes; each command's help has examples and says what it
// prints. Numeric environment variables reject bad values with exit 2.

describe('help and environment', () => {
  const e2e = useE2E({}, { per: 'file' });

  it('fbsync --help: configuration search order, environment variables, exit codes', async () => {
    const r = await e2e.cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--config PATH, else \$FBSYNC_CONFIG, else the first of fbsync\.yaml, fbsync\.yml/);
    for (const name of ['FBSYNC_CONFIG', 'FBSYNC_HTTP_TIMEOUT_MS', 'FBSYNC_RETRY_BASE_MS', 'FBSYNC_OAUTH_TIMEOUT_MS', 'FBSYNC_PROGRESS_INTERVAL_MS', 'NO_COLOR']) expect(r.stdout).toContain(name);
    for (const code of ['0', '1', '2', '3', '4', '75', '130', '143']) expect(r.stdout).toMatch(new RegExp(`\\b${code}\\b`));
    expect(r.stdout).toMatch(/--json prints one JSON object/);
  });

  for (const command of ['run', 'backfill', 'reconnect', 'doctor', 'status', 'demo', 'init']) {
    it(`fbsync ${command} --help has examples`, async () => {
      const r = await e2e.cli([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n  fbsync ${command}`));
    });
  }

  it('says what run prints, and that backfill dates are UTC', async () => {
    expect((await e2e.cli(['run', '--help'])).stdout).toMatch(/Prints nothing when nothing changed/);
    expect((await e2e.cli(['backfill', '--help'])).stdout).toMatch(/\(UTC\)/);
  });

  for (const [name, value] of [
    ['FBSYNC_HTTP_TIMEOUT_MS', 'abc'],
    ['FBSYNC_RETRY_BASE_MS', '-5'],
    ['FBSYNC_OAUTH_TIMEOUT_MS', '1.5'],
    ['FBSYNC_PROGRESS_INTERVAL_MS', '10s'],
    ['FBSYNC_HTTP_TIMEOUT_MS', '0'],
  ] as const) {
    it(`${name}=${value} is refused with exit 2 naming the variable`, async () => {
      const before = e2e.sim.facebook.requestLog.length;
      const r = await e2e.cli(['run', '--config', e2e.configPath], { env: { [name]: value } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${name}: expected a whole number of milliseconds`);
      expect(e2e.sim.facebook.requestLog.length).toBe(before);
    });
  }
});
