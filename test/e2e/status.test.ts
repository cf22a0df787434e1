import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ann, bob } from './fixtures.js';
import { useE2E } from './harness.js';

// `fbsync status` reports what the store knows, after real runs through the built CLI.


describe('fbsync status', () => {
  const e2e = useE2E();

  const status = async (args: string[] = []) => e2e.cli(['status', '--config', e2e.configPath, ...args]);

  it('reports counts, the last run, cursors and the token source after runs, in JSON and text', async () => {
    const p1 = e2e.sim.facebook.addPost({ message: 'Post one' });
    const p2 = e2e.sim.facebook.addPost({ message: 'Post two' });
    e2e.sim.facebook.addComment(p1.id, { from: ann, message: 'Hello' });
    e2e.sim.facebook.addComment(p1.id, { from: bob, message: 'Hi' });
    e2e.sim.facebook.addComment(p2.id, { from: ann, message: 'Again' });
    const before = Date.now();
    const first = await e2e.run();
    expect(first.code, first.stderr).toBe(0);
    const second = await e2e.run();
    expect(second.code, second.stderr).toBe(0);

    const json = await status(['--json']);
    expect(json.code, json.stderr).toBe(0);
    const s = JSON.parse(json.stdout);
    expect(s.store).toBe(e2e.storePath);
    expect(s.counts).toEqual({ posts: 2, comments: 3, contacts: 2, tasks: 2, replies: 0 });
    expect(s.lastRun).toMatchObject({ command: 'run', exitCode: 0 });
    expect(Date.parse(s.lastRun.finishedAt)).toBeGreaterThanOrEqual(before);
    expect(s.lastRun.summary).toMatchObject({ exitCode: 0 });
    expect(s.lastSuccessfulRun.finishedAt).toBe(s.lastRun.finishedAt);
    expect(Object.keys(s.cursors)).toContain('planfix.changedSince');
    expect(Date.parse(s.cursors['planfix.changedSince'])).toBeGreaterThanOrEqual(before);
    expect(s.waiting).toEqual([]);
    expect(s.parked).toEqual([]);
    expect(s.token).toEqual({ source: 'config', expiresAt: null, dataAccessExpiresAt: null, checkedAt: null });
    expect(s.throttledUntil).toEqual({ facebook: null, planfix: null });

    const text = await status();
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`store:        ${e2e.storePath}`);
    expect(text.stdout).toMatch(new RegExp(`last run: +run at ${s.lastRun.finishedAt.replace(/[.]/g, '\\.')}, exit 0`));
    expect(text.stdout).toContain('counts:       2 posts, 3 comments, 2 contacts, 2 tasks, 0 replies');
    expect(text.stdout).toMatch(/cursor: +planfix\.changedSince = \d{4}-/);
    expect(text.stdout).toMatch(/page token: +from the config/);
    expect(text.stdout).toMatch(/waiting: +0 item/);
  });

  it('after reconnect: the token comes from the store and never expires; status writes nothing', async () => {
    e2e.writeConfig(e2e.sim.configYaml({ storePath: e2e.storePath, withPageToken: false, requestsPerSecond: 200 }));
    const reconnect = await e2e.cli(['reconnect', '--config', e2e.configPath, '--token', '-'], { input: e2e.sim.facebook.issueUserToken() });
    expect(reconnect.code, reconnect.stderr).toBe(0);
    expect((await e2e.run()).code).toBe(0);

    const files = fs.readdirSync(e2e.dir).sort();
    const bytes = fs.readFileSync(e2e.storePath);
    const s = JSON.parse((await status(['--json'])).stdout);
    expect(s.token).toMatchObject({ source: 'store', expiresAt: null });
    expect(Date.parse(s.token.dataAccessExpiresAt)).toBeGreaterThan(Date.now() + 80 * 86_400_000);
    expect(Date.parse(s.token.checkedAt)).toBeLessThanOrEqual(Date.now());
    const text = await status();
    expect(text.stdout).toMatch(/page token: +from the store, does not expire, data access until \d{4}-/);
    expect(fs.readdirSync(e2e.dir).sort()).toEqual(files);
    expect(fs.readFileSync(e2e.storePath)).toEqual(bytes);
  });

  it('shows a failed run as the last run, and the earlier success separately', async () => {
    expect((await e2e.run()).code).toBe(0);
    const ok = JSON.parse((await status(['--json'])).stdout);
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageToken);
    e2e.sim.facebook.addPost({ message: 'hello' });
    expect((await e2e.run()).code).toBe(3);
    const s = JSON.parse((await status(['--json'])).stdout);
    expect(s.lastRun).toMatchObject({ command: 'run', exitCode: 3 });
    expect(s.lastSuccessfulRun.finishedAt).toBe(ok.lastRun.finishedAt);
    expect((await status()).stdout).toMatch(/last success: +\d{4}-/);
  });
});
