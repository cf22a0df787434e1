import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';

// A bad configuration (a wrong type, an unknown key with a did-you-mean: exit 2, no stack trace)
// is bad-input.test.ts's; these are the errors of a good file pointing at the wrong things.

describe('errors a user can cause', () => {
  const e2e = useE2E();

  it('a revoked token exits 3 and names fbsync reconnect', async () => {
    e2e.sim.facebook.addPost({ message: 'hello' });
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageToken);
    const result = await e2e.cli(['run', '--config', e2e.configPath]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Facebook/);
    expect(result.stderr).toContain('fbsync reconnect');
  });

  it('a wrong Planfix token exits 3 naming Planfix', async () => {
    e2e.writeConfig(fs.readFileSync(e2e.configPath, 'utf8').replace(/token: ".*"/, 'token: "wrong-planfix-token"'));
    const post = e2e.sim.facebook.addPost({ message: 'hello' });
    e2e.sim.facebook.addComment(post.id, { from: { id: '1', name: 'A B' }, message: 'hi' });
    const result = await e2e.cli(['run', '--config', e2e.configPath]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Planfix/);
  });

  it('an unknown task template id is named, and the store is left intact', async () => {
    e2e.writeConfig(fs.readFileSync(e2e.configPath, 'utf8').replace(/taskTemplateId: \d+/, 'taskTemplateId: 999'));
    const post = e2e.sim.facebook.addPost({ message: 'hello' });
    e2e.sim.facebook.addComment(post.id, { from: { id: '1', name: 'A B' }, message: 'hi' });
    const result = await e2e.cli(['run', '--config', e2e.configPath]);
    // Checked before anything is written, like the rest of the configuration: exit 2, not 4.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('taskTemplateId');
  });
});
