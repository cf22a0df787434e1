import { beforeEach, describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';
import { hasScript, inPty } from './pty.js';

// issue 9 § 7: `reconnect --token -` on a terminal reads the token with echo off (like `read -s`):
// the pasted token never shows on the screen.

describe.skipIf(!hasScript())('the token prompt on a terminal', () => {
  const e2e = useE2E();
  beforeEach(() => {
    e2e.writeConfig(e2e.sim.configYaml({ storePath: e2e.storePath, withPageToken: false, requestsPerSecond: 200 }));
  });

  it('does not echo the pasted token, and connects with it', async () => {
    const token = e2e.sim.facebook.issueUserToken();
    const r = await inPty(['reconnect', '--token', '-', '--config', e2e.configPath], [[/Paste the user access token.*not shown/, token]], { cwd: e2e.dir });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Connected the Facebook Page/);
    expect(r.output).not.toContain(token);
    expect(r.output).not.toContain(token.slice(0, 12));
  });
});
