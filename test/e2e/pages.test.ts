import { describe, expect, it } from 'vitest';
import { SIM_IDS } from '../../src/simulator/index.js';
import { META } from '../../src/store/meta-keys.js';
import { ann, bob, carl, contactOf, crowd, DAY, type Person, withStore } from './fixtures.js';
import { type E2E, type E2EOptions, useE2E } from './harness.js';

// Several Pages in one configuration (issue 11 point 4; behaviour.md § Configuration): one store,
// one lock, each Page with its own token and task template, through the built CLI.

const A = SIM_IDS.pageId;
const B = '204857600000000';
const TWO_PAGES: E2EOptions = { simulator: { facebook: { pages: [{ pageId: B, pageName: 'Second Shop' }] } } };

describe('fbsync with several Pages (facebook.pages)', () => {
  const e2e = useE2E(TWO_PAGES);

  /** Page B's posts go to tasks of their own template (with the post-id field, as fbsync needs). */
  function configure(e: E2E, extra = '', pages?: { pageId: string; taskTemplateId?: number; withToken?: boolean }[]): number {
    const templateB = e.sim.planfix.addTemplate('task', 'Second Shop post', [SIM_IDS.taskPostIdField]).id;
    e.writeConfig(e.sim.configYaml({ storePath: e.storePath, requestsPerSecond: 200, extra, pages: pages ?? [{ pageId: A }, { pageId: B, taskTemplateId: templateB }] }));
    return templateB;
  }

  /** A post on Page `pageId` with one question from `from`; created `at` (the comment a minute later) when given, else now. */
  function askOn(e: E2E, pageId: string, from: Person, at?: Date) {
    const post = e.sim.facebook.addPost({ message: pageId === B ? 'Shop news' : 'Bakery news', pageId, ...(at && { createdTime: at }) });
    const comment = e.sim.facebook.addComment(post.id, { from, message: pageId === B ? 'Open on Sunday?' : 'Bread today?', ...(at && { createdTime: new Date(at.getTime() + 60_000) }) });
    return { post, comment };
  }

  /** Ann asks on Page A, `onB` (Bob by default) on Page B. */
  function postOnEachPage(e: E2E, { onB = bob, at }: { onB?: Person; at?: Date } = {}) {
    const a = askOn(e, A, ann, at);
    const b = askOn(e, B, onB, at);
    return { postA: a.post, commentA: a.comment, postB: b.post, commentB: b.comment };
  }

  it('two Pages sync independently into their own tasks, each Page’s posts in tasks of its template', async () => {
    const templateB = configure(e2e);
    const { postA, postB } = postOnEachPage(e2e);

    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.effects['comment.imported']).toBe(2);
    const tasks = e2e.sim.planfix.tasks();
    expect(tasks.map((t) => [t.postId, t.templateId]).sort()).toEqual(
      [
        [postA.id, SIM_IDS.taskTemplateId],
        [postB.id, templateB],
      ].sort(),
    );
    expect(run.summary.pages).toEqual([
      expect.objectContaining({ pageId: A, outcome: 'synced', effects: expect.objectContaining({ 'comment.imported': 1 }) }),
      expect.objectContaining({ pageId: B, outcome: 'synced', effects: expect.objectContaining({ 'comment.imported': 1 }) }),
    ]);
    // Nothing new: nothing done, for either Page.
    const again = await e2e.run();
    expect(again.code).toBe(0);
    expect(again.summary.effects).toEqual({});
    // Each Page keeps its own rotation over its older posts.
    const keys = withStore(e2e.storePath, (db) => (db.prepare("SELECT key FROM meta WHERE key LIKE 'inbound.rotation%'").all() as { key: string }[]).map((r) => r.key).sort(), { readonly: true });
    expect(keys).toEqual([META.inboundRotationOf(A), META.inboundRotationOf(B)].sort());
  });

  it('an answer in Planfix is published under the Page its post belongs to', async () => {
    configure(e2e);
    const { postA, postB, commentA: onA, commentB: onB } = postOnEachPage(e2e, { onB: carl });
    expect((await e2e.run()).code).toBe(0);
    const taskOf = (postId: string) => e2e.sim.planfix.tasks().find((t) => t.postId === postId)!;
    e2e.sim.planfix.quickReply(taskOf(postB.id).id, contactOf(e2e, carl).id, 'Yes, 10 to 14.');
    e2e.sim.planfix.quickReply(taskOf(postA.id).id, contactOf(e2e, ann).id, 'Rye and spelt.');

    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.effects['reply.published'], JSON.stringify(run.summary)).toBe(2);
    const replyB = e2e.sim.facebook.repliesTo(onB.id);
    const replyA = e2e.sim.facebook.repliesTo(onA.id);
    expect(replyB).toEqual([expect.objectContaining({ message: 'Yes, 10 to 14.', from: { id: B, name: 'Second Shop' } })]);
    expect(replyA).toEqual([expect.objectContaining({ message: 'Rye and spelt.', from: expect.objectContaining({ id: A }) })]);
    // The replies are fbsync's own: not imported back as admin answers.
    const third = await e2e.run();
    expect(third.summary.effects).toEqual({});
  });

  it("one Page's revoked token leaves the other working, and the run exits 3 naming the Page that failed", async () => {
    configure(e2e);
    const { postB } = postOnEachPage(e2e);
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageTokenOf(A));

    const run = await e2e.run();
    expect(run.code).toBe(3);
    expect(e2e.sim.planfix.tasks().map((t) => t.postId)).toEqual([postB.id]);
    expect(run.summary.pages).toEqual([
      expect.objectContaining({ pageId: A, outcome: 'credentials', error: expect.any(String) }),
      expect.objectContaining({ pageId: B, outcome: 'synced' }),
    ]);
    expect(run.summary.error).toEqual(expect.objectContaining({ kind: 'credentials', side: 'facebook' }));
    expect(run.summary.error.message).toContain(`Page ${A} failed and was skipped`);
    expect(run.stderr).toContain(`failed: Page ${A}:`);

    // The text form says it too (cron mails it).
    const text = await e2e.cli(['run', '--config', e2e.configPath]);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(new RegExp(`Page ${A} failed and was skipped .*the other Pages went on`));
  });

  it('a Page without any token is skipped and named; the others sync', async () => {
    configure(e2e, '', [{ pageId: A, withToken: false }, { pageId: B }]);
    askOn(e2e, B, bob);
    const run = await e2e.run();
    expect(run.code).toBe(3);
    expect(run.summary.effects['comment.imported']).toBe(1);
    expect(run.summary.pages[0]).toEqual(expect.objectContaining({ pageId: A, outcome: 'credentials', error: expect.stringContaining('facebook.pages[0].pageAccessToken') }));
  });

  it('--page limits the run to that Page; an id not configured is exit 2', async () => {
    configure(e2e);
    const { postB } = postOnEachPage(e2e);

    const onlyB = await e2e.run(['--page', B]);
    expect(onlyB.code, onlyB.stderr).toBe(0);
    expect(e2e.sim.planfix.tasks().map((t) => t.postId)).toEqual([postB.id]);

    const unknown = await e2e.run(['--page', '999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr + unknown.stdout).toContain('--page: Page 999 is not in the configuration');

    const all = await e2e.run();
    expect(all.code).toBe(0);
    expect(all.summary.effects['comment.imported']).toBe(1);
  });

  it('a --page run leaves the reply cursor where it was, so the other Pages’ answers are listed by the next full run', async () => {
    configure(e2e);
    const { comment: onB } = askOn(e2e, B, bob);
    expect((await e2e.run()).code).toBe(0);
    const cursor = () => withStore(e2e.storePath, (db) => (db.prepare("SELECT value FROM cursor WHERE name = 'planfix.changedSince'").get() as { value: string } | undefined)?.value, { readonly: true });
    const before = cursor();
    expect(before).toBeDefined();
    e2e.sim.planfix.quickReply(e2e.sim.planfix.tasks()[0]!.id, contactOf(e2e, bob).id, 'Yes, 10 to 14.');

    const onlyA = await e2e.run(['--page', A]);
    expect(onlyA.code, onlyA.stderr).toBe(0);
    expect(cursor()).toBe(before);
    expect(e2e.sim.facebook.repliesTo(onB.id)).toEqual([]);

    const all = await e2e.run();
    expect(all.summary.effects['reply.published']).toBe(1);
    expect(e2e.sim.facebook.repliesTo(onB.id)).toEqual([expect.objectContaining({ from: { id: B, name: 'Second Shop' } })]);
  });

  it('a Page with a huge backlog does not starve the next Page: each takes its turn with a share of sync.maxEffects', async () => {
    configure(e2e, 'sync:\n  maxEffects: 12\n');
    const people = crowd(20, 'Backlog', '91000000');
    for (let p = 0; p < 4; p++) {
      const post = e2e.sim.facebook.addPost({ message: `busy ${p}` });
      for (let c = 0; c < 5; c++) e2e.sim.facebook.addComment(post.id, { from: people[p * 5 + c]!, message: `busy ${p}.${c}` });
    }
    const { post: postB } = askOn(e2e, B, bob);

    const run = await e2e.run();
    expect([0, 4]).toContain(run.code);
    expect(run.summary.stoppedEarly).toBe('effects');
    // Page A had 40 writes' worth and got its half; Page B's comment came through in the same run.
    expect(e2e.sim.planfix.tasks().some((t) => t.postId === postB.id)).toBe(true);
    const writesA = Object.values(run.summary.pages[0].effects as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(writesA).toBeGreaterThan(0);
    expect(writesA).toBeLessThanOrEqual(6);
  });

  it('reconnect stores a token for every configured Page the login manages; run then syncs both', async () => {
    configure(e2e, '', [{ pageId: A, withToken: false }, { pageId: B, withToken: false }]);
    const result = await e2e.cli(['reconnect', '--config', e2e.configPath, '--token', '-'], { input: `${e2e.sim.facebook.issueUserToken()}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`(${A})`);
    expect(result.stdout).toContain(`"Second Shop" (${B})`);
    askOn(e2e, B, bob);
    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.pages.map((p: { outcome: string }) => p.outcome)).toEqual(['synced', 'synced']);

    const status = await e2e.cli(['status', '--json', '--config', e2e.configPath]);
    const pages = JSON.parse(status.stdout).pages;
    expect(pages).toEqual([
      expect.objectContaining({ pageId: A, token: expect.objectContaining({ source: 'store' }), counts: expect.objectContaining({ posts: 0 }) }),
      expect.objectContaining({ pageId: B, token: expect.objectContaining({ source: 'store' }), counts: expect.objectContaining({ posts: 1, comments: 1, tasks: 1 }) }),
    ]);
    const text = await e2e.cli(['status', '--config', e2e.configPath, '--page', B]);
    expect(text.stdout).toContain(`page ${B}:`);
    expect(text.stdout).not.toContain(`page ${A}:`);
  });

  it('reconnect names a configured Page the login could not get a token for, stores the others, exits 3', async () => {
    configure(e2e, '', [{ pageId: A, withToken: false }, { pageId: B, withToken: false }]);
    const onlyA = e2e.sim.facebook.issueUserToken({ targetPageIds: [A] });
    const result = await e2e.cli(['reconnect', '--config', e2e.configPath, '--token', '-'], { input: `${onlyA}\n` });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`no token for Page ${B} (facebook.pages[1])`);
    const run = await e2e.run();
    expect(run.code).toBe(3);
    expect(run.summary.pages).toEqual([expect.objectContaining({ pageId: A, outcome: 'synced' }), expect.objectContaining({ pageId: B, outcome: 'credentials' })]);
  });

  it("doctor checks each Page's token and feed; a revoked one fails its own checks only", async () => {
    configure(e2e);
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageTokenOf(B));
    const doctor = await e2e.cli(['doctor', '--json', '--config', e2e.configPath]);
    expect(doctor.code).toBe(3);
    const checks = JSON.parse(doctor.stdout).checks as { name: string; status: string }[];
    const status = (name: string) => checks.find((c) => c.name === name)?.status;
    expect(status(`facebook.token[${A}]`)).toBe('pass');
    expect(status(`facebook.page[${A}]`)).toBe('pass');
    expect(status(`facebook.token[${B}]`)).toBe('fail');
    expect(status(`planfix.taskTemplate[${B}]`)).toBe('pass');
    const onlyA = await e2e.cli(['doctor', '--json', '--config', e2e.configPath, '--page', A]);
    expect(onlyA.code, onlyA.stdout).toBe(0);
  });

  it('backfill imports each Page’s history in turn (one JSON object for all), or one Page with --page', async () => {
    const templateB = configure(e2e);
    const { postA, postB } = postOnEachPage(e2e, { at: new Date(Date.now() - 40 * DAY) });

    const onlyB = await e2e.cli(['backfill', '--since', '60d', '--config', e2e.configPath, '--page', B]);
    expect(onlyB.code, onlyB.stderr).toBe(0);
    expect(onlyB.stderr).toContain(`posts of Page ${B} created`);
    expect(e2e.sim.planfix.tasks().map((t) => [t.postId, t.templateId])).toEqual([[postB.id, templateB]]);

    const both = await e2e.cli(['backfill', '--since', '60d', '--json', '--config', e2e.configPath]);
    expect(both.code, both.stderr).toBe(0);
    const summary = JSON.parse(both.stdout);
    expect(summary.pages.map((p: { pageId: string; exitCode: number }) => [p.pageId, p.exitCode])).toEqual([
      [A, 0],
      [B, 0],
    ]);
    expect(summary.pages[0].effects['comment.imported']).toBe(1);
    expect(e2e.sim.planfix.tasks().map((t) => [t.postId, t.templateId]).sort()).toEqual(
      [
        [postA.id, SIM_IDS.taskTemplateId],
        [postB.id, templateB],
      ].sort(),
    );
  });

  it("one Page's own Facebook limit (80001) makes that Page alone wait; the other goes on in this run and the next", async () => {
    configure(e2e);
    const { postA, postB } = postOnEachPage(e2e);
    // Page A goes first: its first Graph request meets Page A's own request limit.
    e2e.sim.facebook.throttleNext(80001);

    const first = await e2e.run();
    expect(first.code).toBe(4);
    expect(first.summary.pages).toEqual([expect.objectContaining({ pageId: A, outcome: 'throttled' }), expect.objectContaining({ pageId: B, outcome: 'synced' })]);
    expect(first.summary.throttled).toEqual({});
    expect(e2e.sim.planfix.tasks().map((t) => t.postId)).toEqual([postB.id]);
    const meta = (key: string) => withStore(e2e.storePath, (db) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value, { readonly: true });
    expect(meta(META.pageThrottleNotBefore(A))).toBeDefined();
    expect(meta(META.throttleNotBefore('facebook'))).toBeUndefined();

    // The next run: Page A still waits, Page B takes its new comment.
    e2e.sim.facebook.addComment(postB.id, { from: carl, message: 'And on holidays?' });
    const second = await e2e.run();
    expect(second.code).toBe(4);
    expect(second.summary.effects['comment.imported']).toBe(1);
    expect(second.stdout + second.summary.error?.message).toContain(`Page ${A} waits out its own Facebook limit`);
    const status = JSON.parse((await e2e.cli(['status', '--json', '--config', e2e.configPath])).stdout);
    expect(status.pages[0].throttledUntil).toEqual(expect.any(String));
    expect(status.pages[1].throttledUntil).toBeNull();

    // Once the wait is over, Page A's comments come in.
    withStore(e2e.storePath, (db) => db.prepare('DELETE FROM meta WHERE key = ?').run(META.pageThrottleNotBefore(A)));
    const third = await e2e.run();
    expect(third.code, third.stderr).toBe(0);
    expect(e2e.sim.planfix.tasks().some((t) => t.postId === postA.id)).toBe(true);
  });
});
