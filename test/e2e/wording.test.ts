import { beforeAll, describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';
import { hasScript, inPty } from './pty.js';

// issue 9 § 9: plurals right, status shows what is known of the token expiry, and colour for
// ✓ / ✗ / ! on a terminal only — never with NO_COLOR or --no-color, never in a pipe.

const ESC = '\u001b[';

describe('wording and colour', () => {
  const e2e = useE2E({}, { per: 'file' });
  beforeAll(async () => {
    e2e.sim.facebook.addComment(e2e.sim.facebook.addPost({ message: 'p' }).id, { from: { id: '9910000001', name: 'Ann Word' }, message: 'hi' });
    expect((await e2e.run()).code).toBe(0);
  });

  it('status: plurals, and a configured token says where its expiry is shown', async () => {
    const r = await e2e.cli(['status', '--config', e2e.configPath]);
    expect(r.stdout).toContain('waiting:      0 items to retry');
    expect(r.stdout).toContain('parked:       0 items refused for good');
    expect(r.stdout).toMatch(/page token: +from the config, expiry not recorded \(`fbsync doctor` shows it\)/);
    expect(r.stdout).not.toContain('(s)');
  });

  it('a pipe gets no colour', async () => {
    const r = await e2e.cli(['doctor', '--config', e2e.configPath]);
    expect(r.stdout).toMatch(/^✓ configuration/m);
    expect(r.stdout).not.toContain(ESC);
  });

  it.skipIf(!hasScript())('a terminal gets coloured marks; NO_COLOR and --no-color turn them off', async () => {
    const coloured = await inPty(['doctor', '--config', e2e.configPath], [], { cwd: e2e.dir, env: { NO_COLOR: '', FORCE_COLOR: '' } });
    expect(coloured.output).toContain(`${ESC}32m✓`);
    const noColor = await inPty(['doctor', '--config', e2e.configPath], [], { cwd: e2e.dir, env: { NO_COLOR: '1' } });
    expect(noColor.output).toMatch(/✓ configuration/);
    expect(noColor.output).not.toContain(ESC);
    const flag = await inPty(['--no-color', 'doctor', '--config', e2e.configPath], [], { cwd: e2e.dir, env: { NO_COLOR: '' } });
    expect(flag.output).toMatch(/✓ configuration/);
    expect(flag.output).not.toContain(ESC);
  });
});
