import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { META } from '../../src/store/meta-keys.js';
import { DAY, withStore } from './fixtures.js';
import { type E2E, useE2E } from './harness.js';
import { checkExactlyOnce, planfixWrites } from './invariants.js';

/** Old posts (outside `run`'s 14-day window) with a few hundred comments in all. */
function seedHistory(e2e: E2E, posts = 12, perPost = 25): void {
  for (let p = 0; p < posts; p++) {
    const created = new Date(Date.now() - (40 + p * 3) * DAY);
    const post = e2e.sim.facebook.addPost({ message: `Archive post ${p}`, createdTime: created });
    for (let c = 0; c < perPost; c++) {
      e2e.sim.facebook.addComment(post.id, {
        from: { id: `77000${c % 9}`, name: `Old Commenter ${c % 9}` },
        message: `old comment ${p}.${c}`,
        createdTime: new Date(created.getTime() + (c + 1) * 60_000),
      });
    }
  }
}

const since = () => new Date(Date.now() - 90 * DAY).toISOString().slice(0, 10);

describe('fbsync backfill', () => {
  const e2e = useE2E({ requestsPerSecond: 300 });

  it('imports older posts that run does not watch, each comment exactly once, and resumes with nothing twice', async () => {
    seedHistory(e2e, 4, 10);
    expect((await e2e.run()).summary.effects).toEqual({});
    const result = await e2e.cli(['backfill', '--since', since(), '--json', '--config', e2e.configPath]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.effects['comment.imported']).toBe(40);
    expect(summary.progress.postsDone).toBe(4);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    const again = await e2e.cli(['backfill', '--since', since(), '--json', '--config', e2e.configPath]);
    expect(JSON.parse(again.stdout).effects).toEqual({});
    expect(e2e.sim.planfix.comments()).toHaveLength(40);
  });

  it('stops cleanly on SIGINT, and after SIGKILL, and the resumed backfill ends with each comment once', async () => {
    seedHistory(e2e);
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      const before = planfixWrites(e2e.sim);
      const exit = await e2e.killWhen(['backfill', '--since', since(), '--config', e2e.configPath], () => planfixWrites(e2e.sim) - before >= 40, signal);
      if (signal === 'SIGINT') expect(exit.code).toBe(130);
      else expect(exit.signal).toBe('SIGKILL');
    }
    expect(e2e.sim.planfix.comments().length).toBeLessThan(300);
    const resumed = await e2e.cli(['backfill', '--since', since(), '--json', '--config', e2e.configPath]);
    expect(resumed.code).toBe(0);
    expect(e2e.sim.facebook.comments()).toHaveLength(300);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
  });

  it('rate limits: a side an earlier run was told to leave alone is not called by backfill until the wait is over', async () => {
    seedHistory(e2e, 2, 3);
    expect((await e2e.run()).code).toBe(0);
    const until = new Date(Date.now() + 30 * 60_000).toISOString();
    withStore(e2e.storePath, (db) => db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(META.throttleNotBefore('planfix'), until));
    const fbFrom = e2e.sim.facebook.requestLog.length;
    const pfFrom = e2e.sim.planfix.requestLog.length;
    const waited = await e2e.cli(['backfill', '--since', since(), '--json', '--config', e2e.configPath]);
    expect(waited.code).toBe(4);
    const summary = JSON.parse(waited.stdout);
    expect(summary.throttled.planfix.message).toBe(`planfix asked fbsync to wait until ${until}`);
    expect(summary.error.kind).toBe('throttled');
    expect(waited.stderr).toMatch(/fbsync backfill: Planfix asked fbsync to wait\. Run `fbsync backfill [^`]+` again after \S+; it resumes where it stopped\./);
    expect(e2e.sim.planfix.requestLog.length - pfFrom).toBe(0);
    expect(e2e.sim.facebook.requestLog.length - fbFrom).toBe(0);

    withStore(e2e.storePath, (db) => db.prepare('DELETE FROM meta WHERE key = ?').run(META.throttleNotBefore('planfix')));
    const after = await e2e.cli(['backfill', '--since', since(), '--json', '--config', e2e.configPath]);
    expect(after.code, after.stderr).toBe(0);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
  });

  it('--dry-run prints what it would create and writes nothing anywhere', async () => {
    seedHistory(e2e, 2, 3);
    const result = await e2e.cli(['backfill', '--since', since(), '--dry-run', '--config', e2e.configPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would create task Facebook: «Archive post 0»');
    expect(result.stdout).toMatch(/would create contact Old Commenter 0/);
    expect(result.stdout).toMatch(/would create 3 contacts, 2 tasks and 6 comments/);
    expect(planfixWrites(e2e.sim)).toBe(0);
    expect(fs.existsSync(e2e.storePath)).toBe(false);
  });

  it('--dry-run over an existing store counts what is already imported and leaves the store as it was', async () => {
    seedHistory(e2e, 2, 3);
    expect((await e2e.cli(['backfill', '--since', since(), '--config', e2e.configPath])).code).toBe(0);
    seedHistory(e2e, 1, 2);
    const before = fs.readFileSync(e2e.storePath);
    const writes = planfixWrites(e2e.sim);
    const result = await e2e.cli(['backfill', '--since', since(), '--dry-run', '--config', e2e.configPath]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/would create 0 contacts, 1 task and 2 comments \(3 posts read, 2 already imported\)/);
    expect(planfixWrites(e2e.sim)).toBe(writes);
    expect(fs.readFileSync(e2e.storePath).equals(before)).toBe(true);
    expect(fs.existsSync(`${e2e.storePath}-wal`)).toBe(false);
  });

  it('says when Facebook has no older posts to give', async () => {
    seedHistory(e2e, 1, 1);
    const result = await e2e.cli(['backfill', '--since', new Date(Date.now() - 300 * DAY).toISOString().slice(0, 10), '--config', e2e.configPath]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/no posts older than .*limited history/);
  });

  it('rejects a bad date naming the option (exit 2)', async () => {
    const result = await e2e.cli(['backfill', '--since', 'last tuesday', '--config', e2e.configPath]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since');
  });
});
