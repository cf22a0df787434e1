import { describe, expect, it } from 'vitest';
import type { PlanfixSimOptions } from '../../src/simulator/planfix/index.js';
import { ann, bob, carl, contactOf, dan, pageReplies } from './fixtures.js';
import { type E2E, useE2E } from './harness.js';

// The answer shapes the Planfix spec allows besides the usual ones (simulator options), through the
// built CLI: every 2xx is success, a refused comment author or counterparty degrades once per run
// and never opens a task twice, the plan's contact limit files comments under a shared card.


describe('fbsync run against the other answer shapes Planfix may give', () => {
  const e2e = useE2E({}, { manual: true });

  const start = (planfix: PlanfixSimOptions) => e2e.start({ simulator: { planfix }, schedule: 'eager' });

  /** Import, then a post edit (task description update) and a comment edit (comment update); returns the Planfix task. */
  async function importEditConverge(e: E2E) {
    const post = e.sim.facebook.addPost({ message: 'Opening hours this week' });
    const a = e.sim.facebook.addComment(post.id, { from: ann, message: 'Open on Sunday?' });
    e.sim.facebook.addComment(post.id, { from: bob, message: 'And Monday?' });
    const first = await e.run();
    expect(first.code, first.stderr).toBe(0);
    e.sim.facebook.editPost(post.id, 'Opening hours this week — now with Sunday');
    e.sim.facebook.editComment(a.id, 'Open on Sunday morning?');
    // The comment edit shows only on the periodic re-read: a few runs.
    for (let i = 0; i < 3; i++) {
      const r = await e.run();
      expect(r.code, r.stderr).toBe(0);
      expect(r.summary.failed).toEqual([]);
    }
    expect(e.sim.planfix.tasks()).toHaveLength(1);
    const task = e.sim.planfix.tasks()[0]!;
    expect(task.description).toContain('now with Sunday');
    const comments = e.sim.planfix.comments(task.id);
    expect(comments.filter((c) => c.description.includes('Open on Sunday morning?') && c.description.includes('(edited)'))).toHaveLength(1);
    expect(comments.filter((c) => c.description.includes('And Monday?'))).toHaveLength(1);
    return { post, task, comments };
  }

  it('updates answered with no body, owner ignored: import, post edit and comment edit converge with exit 0, one task', async () => {
    const e = await start({ updatesAnswerNoBody: true, commentOwner: 'ignore' });
    const { comments } = await importEditConverge(e);
    // Planfix stored the token's employee as author: fbsync's own comments are still its own.
    expect(comments.every((c) => c.owner.id === 'user:1')).toBe(true);
    const again = await e.run();
    expect(again.code).toBe(0);
    expect(pageReplies(e)).toEqual([]);
  });

  it('updates answered with no body, owner refused with code 6: comments go without owner, no task opened twice', async () => {
    const e = await start({ updatesAnswerNoBody: true, commentOwner: { refuseCode: 6 } });
    const { task, comments } = await importEditConverge(e);
    expect(comments.every((c) => c.owner.id === 'user:1')).toBe(true);
    // Once per run the owner is tried; then the run remembers. Only the first run adds comments
    // (the later ones update them, without an owner), so Planfix refuses exactly one request.
    const refusedOwner = e.sim.planfix.requestLog.filter((r) => r.code === 6);
    expect(refusedOwner.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /rest/task/${task.id}/comments/`]);
  });

  it('owner ignored: an employee’s quick reply is published once and fbsync’s own comments never are', async () => {
    const e = await start({ commentOwner: 'ignore', updatesAnswerNoBody: true, idsAsStrings: true, failuresAsObject: true });
    const post = e.sim.facebook.addPost({ message: 'Ask us' });
    e.sim.facebook.addComment(post.id, { from: ann, message: 'Question one' });
    expect((await e.run()).code).toBe(0);
    expect((await e.run()).code).toBe(0);
    const task = e.sim.planfix.tasks()[0]!;
    const contact = contactOf(e, ann);
    e.sim.planfix.quickReply(task.id, contact.id, 'Answer one');
    for (let i = 0; i < 2; i++) expect((await e.run()).code).toBe(0);
    const replies = pageReplies(e);
    expect(replies.map((r) => r.message)).toEqual(['Answer one']);
  });

  it('counterparty refused with code 41: the task is made without it, once', async () => {
    const e = await start({ counterparty: { refuseCode: 41 } });
    const p1 = e.sim.facebook.addPost({ message: 'One' });
    const p2 = e.sim.facebook.addPost({ message: 'Two' });
    e.sim.facebook.addComment(p1.id, { from: ann, message: 'a' });
    e.sim.facebook.addComment(p2.id, { from: bob, message: 'b' });
    const r = await e.run();
    expect(r.code, r.stderr).toBe(0);
    expect(e.sim.planfix.tasks()).toHaveLength(2);
    expect(e.sim.planfix.tasks().every((t) => t.counterparty === undefined)).toBe(true);
    // Posts are synced concurrently: each post in flight before the first refusal may try once.
    const refused = e.sim.planfix.requestLog.filter((l) => l.code === 41).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(2);
  });

  it('contact limit (code 23): comments are filed under the shared card, status says how many since when, and a person gets their own card once it lifts', async () => {
    const e = await start({ contactLimit: 2 });
    const post = e.sim.facebook.addPost({ message: 'Busy day' });
    e.sim.facebook.addComment(post.id, { from: ann, message: 'one' });
    e.sim.facebook.addComment(post.id, { from: bob, message: 'two' });
    expect((await e.run()).code).toBe(0);

    // No room even for the shared card: the comment waits (not lost), with a message that says what to do.
    e.sim.facebook.addComment(post.id, { from: carl, message: 'three' });
    const blocked = await e.run();
    expect(blocked.code).toBe(4);
    expect(JSON.stringify(blocked.summary.failed)).toMatch(/limit on the number of contacts.*Upgrade the Planfix plan or delete contacts/);

    // One slot frees: it goes to the shared card, and Carl's comment is filed under it.
    e.sim.planfix.setAnswerShapes({ contactLimit: 3 });
    const filed = await e.run();
    expect(filed.code, filed.stderr).toBe(0);
    expect(filed.summary.notes).toEqual([expect.stringMatching(/^Planfix contact limit reached: new commenters' comments are filed under "Facebook commenter \(contact limit reached\)"/)]);
    expect(filed.stdout + filed.stderr).toContain('Planfix contact limit reached');
    e.sim.facebook.addComment(post.id, { from: dan, message: 'four' });
    expect((await e.run()).code).toBe(0);
    const sharedCards = e.sim.planfix.contacts().filter((c) => c.name === 'Facebook commenter (contact limit reached)');
    expect(sharedCards).toHaveLength(1);
    const shared = sharedCards[0]!;
    const task = e.sim.planfix.tasks()[0]!;
    const under = e.sim.planfix.comments(task.id).filter((c) => c.owner.id === `contact:${shared.id}`);
    expect(under.map((c) => c.description)).toEqual([expect.stringContaining('Carl Berg'), expect.stringContaining('Dan Moss')]);
    expect(e.sim.planfix.tasks()).toHaveLength(1);

    const status = await e.cli(['status', '--json', '--config', e.configPath]);
    const s = JSON.parse(status.stdout);
    expect(s.contactLimit).toMatchObject({ comments: 2, liftedAt: null });
    expect(Date.parse(s.contactLimit.since)).toBeLessThanOrEqual(Date.parse(s.contactLimit.last));
    const text = await e.cli(['status', '--config', e.configPath]);
    expect(text.stdout).toMatch(/contact limit: .*2 comments filed under "Facebook commenter \(contact limit reached\)" since .*upgrade the plan or delete contacts/);

    // The limit lifts: Carl's next comment gets his own card (no row tied him to the shared one).
    e.sim.planfix.setAnswerShapes({ contactLimit: null });
    e.sim.facebook.addComment(post.id, { from: carl, message: 'five' });
    expect((await e.run()).code).toBe(0);
    const card = contactOf(e, carl);
    expect(card.id).not.toBe(shared.id);
    expect(`${card.name} ${card.lastname}`).toBe('Carl Berg');
    expect(e.sim.planfix.comments(task.id).find((c) => c.description.includes('five'))!.owner.id).toBe(`contact:${card.id}`);
    const after = JSON.parse((await e.cli(['status', '--json', '--config', e.configPath])).stdout);
    expect(after.contactLimit.liftedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
  });
});
