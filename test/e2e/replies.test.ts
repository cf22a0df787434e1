import { describe, expect, it } from 'vitest';
import { ann, bob, carl, contactOf, pageReplies as pageRepliesOf, withStore } from './fixtures.js';
import { carriesMarker, commentMarker } from '../../src/sync/markers.js';
import { useE2E } from './harness.js';

// Rules 4–6 of behaviour.md through the built CLI: replies from Planfix, echoes, admin answers,
// refusals, edits, deletions, hiding, post edits, renames.

describe('fbsync run: Planfix → Facebook and changes after the fact', () => {
  const e2e = useE2E({ schedule: 'eager' });

  /** A post with a comment by Ann, imported; returns the ids involved. */
  async function imported() {
    const post = e2e.sim.facebook.addPost({ message: 'Tell us what you think' });
    const comment = e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Do you deliver?' });
    expect((await e2e.run()).code).toBe(0);
    const task = e2e.sim.planfix.tasks()[0]!;
    const contact = contactOf(e2e, ann);
    return { post, comment, task, contact };
  }

  const pageReplies = () => pageRepliesOf(e2e);

  it('publishes an employee comment that notifies the contact as the Page’s reply, once, and marks it sent', async () => {
    const { comment, task, contact } = await imported();
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Yes, every day until 18:00.');
    const run = await e2e.run();
    expect(run.code).toBe(0);
    expect(run.summary.effects['reply.published']).toBe(1);
    expect(pageReplies()).toEqual([expect.objectContaining({ parentId: comment.id, message: 'Yes, every day until 18:00.' })]);
    const notes = e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Sent to Facebook'));
    expect(notes).toHaveLength(1);

    // Next runs: nothing published again, and the Page's reply is not imported as a new comment.
    const again = await e2e.run();
    expect(again.code).toBe(0);
    expect(again.summary.effects['reply.published']).toBeUndefined();
    const third = await e2e.run();
    expect(third.summary.effects).toEqual({});
    expect(pageReplies()).toHaveLength(1);
    expect(e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Yes, every day'))).toHaveLength(1);
  });

  it('never publishes an internal comment', async () => {
    const { task } = await imported();
    e2e.sim.planfix.addEmployeeComment(task.id, { description: 'Internal: check the van schedule', notifyUserIds: [5] });
    expect((await e2e.run()).code).toBe(0);
    expect(pageReplies()).toEqual([]);
  });

  it('answers under the top-level comment when the person’s latest comment is a thread reply, one reply per notified person', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Thread test' });
    const top = e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Question?' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'My own question' });
    e2e.sim.facebook.addComment(top.id, { from: ann, message: 'Latest, inside Bob’s thread' });
    const carlTop = e2e.sim.facebook.addComment(post.id, { from: carl, message: 'Me too' });
    await e2e.run();
    const task = e2e.sim.planfix.tasks()[0]!;
    const annC = contactOf(e2e, ann);
    const carlC = contactOf(e2e, carl);
    e2e.sim.planfix.addEmployeeComment(task.id, { description: 'Thanks both!', notifyContactIds: [annC.id, carlC.id] });
    expect((await e2e.run()).code).toBe(0);
    const replies = pageReplies();
    expect(replies.map((r) => r.parentId).sort()).toEqual([top.id, carlTop.id].sort());
    expect(replies.every((r) => r.message === 'Thanks both!')).toBe(true);
  });

  it('shows an admin’s direct Facebook answer in the task as the Page’s answer', async () => {
    const { post, comment, task } = await imported();
    e2e.sim.facebook.addPageComment(comment.id, 'Answered directly on Facebook');
    const run = await e2e.run();
    expect(run.code).toBe(0);
    expect(run.summary.effects['comment.pageAnswer']).toBe(1);
    const entry = e2e.sim.planfix.comments(task.id).find((c) => c.description.includes('Answered directly on Facebook'))!;
    expect(entry.description).toContain('(the Page)');
    expect(e2e.sim.planfix.contacts()).toHaveLength(1);
    // It joins the post's one task; no task of its own.
    expect(e2e.sim.planfix.tasks().map((t) => [t.id, t.postId])).toEqual([[task.id, post.id]]);
  });

  it('never adds fbsync’s own reply to a later task of the post, while an admin’s answer typed after the task closed joins it', async () => {
    const { post, task, contact } = await imported();
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Yes, we do.');
    expect((await e2e.run()).code).toBe(0);
    expect(pageReplies()).toHaveLength(1);
    e2e.sim.planfix.setTaskStatus(task.id, 'Completed');
    e2e.sim.facebook.addPageComment(post.id, 'Holiday hours: closed on the 24th.');
    expect((await e2e.run()).code).toBe(0);
    e2e.sim.facebook.advanceClock(2000);
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Open on the 25th?' });
    const run = await e2e.run();
    expect(run.code).toBe(0);
    expect(run.summary.effects).toMatchObject({ 'task.created': 1, 'comment.pageAnswer': 1 });
    const fresh = e2e.sim.planfix.tasks().find((t) => t.id !== task.id)!;
    expect(e2e.sim.planfix.comments(fresh.id).map((c) => c.description)).toEqual([
      expect.stringContaining('Holiday hours'),
      expect.stringContaining('Open on the 25th?'),
    ]);
    expect((await e2e.run()).summary.effects).toEqual({});
  });

  it('explains a refused reply (deleted comment) once in the task and does not retry it', async () => {
    const { comment, task, contact } = await imported();
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Hello?');
    e2e.sim.facebook.deleteComment(comment.id);
    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.effects['reply.refused']).toBe(1);
    const notes = () => e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Not published on Facebook'));
    expect(notes()).toHaveLength(1);
    expect(notes()[0]!.description).toMatch(/deleted/);
    await e2e.run();
    await e2e.run();
    expect(notes()).toHaveLength(1);
    expect(pageReplies()).toEqual([]);
  });

  /** Moves a postponed reply's clock back, as if `hours` had passed since Facebook first blocked it. */
  function age(hours: number) {
    const past = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    withStore(e2e.storePath, (db) => db.prepare("UPDATE reply SET retry_at = ?, blocked_since = ? WHERE state = 'postponed'").run(past(0.01), past(hours)));
  }

  it('postpones a reply Facebook blocks for now (368) with one note, leaves it alone during the wait, and publishes it once the block lifts', async () => {
    const { comment, task, contact } = await imported();
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Blocked for now');
    e2e.sim.facebook.setPolicyBlock(true);
    const run = await e2e.run();
    expect(run.code).toBe(0);
    expect(run.summary.effects['reply.postponed']).toBe(1);
    expect(run.summary.effects['reply.refused']).toBeUndefined();
    const waitNotes = () => e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('blocking the Page'));
    expect(waitNotes()).toHaveLength(1);
    expect(waitNotes()[0]!.description).toContain('fbsync will retry');

    // During the wait: no new attempt, no second note, even when the task changes.
    const graphCalls = e2e.sim.facebook.callCount;
    e2e.sim.planfix.addEmployeeComment(task.id, { description: 'Internal: waiting for Facebook', notifyUserIds: [5] });
    const waiting = await e2e.run();
    expect(waiting.code).toBe(0);
    expect(waiting.summary.effects['reply.postponed']).toBeUndefined();
    expect(e2e.sim.facebook.callCount - graphCalls).toBeLessThan(5);
    expect(waitNotes()).toHaveLength(1);

    e2e.sim.facebook.setPolicyBlock(false);
    age(1);
    const lifted = await e2e.run();
    expect(lifted.code).toBe(0);
    expect(lifted.summary.effects['reply.published']).toBe(1);
    expect(pageReplies()).toEqual([expect.objectContaining({ parentId: comment.id, message: 'Blocked for now' })]);
    expect(e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Sent to Facebook'))).toHaveLength(1);
    await e2e.run();
    expect(pageReplies()).toHaveLength(1);
  });

  it('refuses a reply with a note when Facebook has blocked it for 24 hours', async () => {
    const { task, contact } = await imported();
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Blocked for good');
    e2e.sim.facebook.setPolicyBlock(true);
    expect((await e2e.run()).summary.effects['reply.postponed']).toBe(1);
    age(25);
    const run = await e2e.run();
    expect(run.code).toBe(0);
    expect(run.summary.effects['reply.refused']).toBe(1);
    const refused = e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Not published on Facebook'));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.description).toContain('kept blocking');
    e2e.sim.facebook.setPolicyBlock(false);
    age(26);
    await e2e.run();
    expect(pageReplies()).toEqual([]);
  });

  it('marks each hide and unhide of a comment once, however often it flips', async () => {
    const { comment, task } = await imported();
    const notes = (what: string) => e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes(`fb:${comment.id}:${what}<`));
    for (const hidden of [true, false, true]) {
      e2e.sim.facebook.setHidden(comment.id, hidden);
      // A hide moves no timestamp: the periodic re-read finds it.
      for (let i = 0; i < 3; i++) expect((await e2e.run()).code).toBe(0);
    }
    expect(notes('hidden')).toHaveLength(2);
    expect(notes('unhidden')).toHaveLength(1);
  });

  it('reflects an edited comment, a hidden one and a deleted one without deleting anything in Planfix', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Edits' });
    const a = e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Original text' });
    const b = e2e.sim.facebook.addComment(post.id, { from: bob, message: 'To be deleted' });
    const c = e2e.sim.facebook.addComment(post.id, { from: bob, message: 'To be hidden' });
    await e2e.run();
    const task = e2e.sim.planfix.tasks()[0]!;
    const before = e2e.sim.planfix.comments(task.id).length;
    e2e.sim.facebook.editComment(a.id, 'Edited text');
    e2e.sim.facebook.deleteComment(b.id);
    e2e.sim.facebook.setHidden(c.id, true);
    // Edits change neither updated_time nor the count: they are found by the periodic re-read.
    for (let i = 0; i < 3; i++) expect((await e2e.run()).code).toBe(0);
    const all = e2e.sim.planfix.comments(task.id);
    // The mirror of the edited comment is rewritten in place: new text, flagged, the old text gone.
    const mirror = all.filter((x) => carriesMarker(x.description, commentMarker(a.id)));
    expect(mirror).toHaveLength(1);
    expect(mirror[0]!.description).toMatch(/^<b>Ann Lee on Facebook<\/b>, [^<]+ <b>\(edited\)<\/b>:<br>Edited text<br><small>/);
    expect(mirror[0]!.description).not.toContain('Original text');
    expect(all.filter((x) => x.description.includes(`fb:${b.id}:deleted`))).toHaveLength(1);
    expect(all.filter((x) => x.description.includes(`fb:${c.id}:hidden`))).toHaveLength(1);
    expect(all.filter((x) => x.isDeleted)).toEqual([]);
    expect(all.length).toBe(before + 2);
  });

  it('updates the task description when the post text changes, and a renamed commenter’s card', async () => {
    const { post, task, contact } = await imported();
    e2e.sim.facebook.editPost(post.id, 'Tell us what you think — now with prices');
    e2e.sim.facebook.addComment(post.id, { from: { id: ann.id, name: 'Ann Lee-Smith' }, message: 'Renamed me' });
    expect((await e2e.run()).code).toBe(0);
    expect(e2e.sim.planfix.tasks().find((t) => t.id === task.id)!.description).toContain('now with prices');
    const card = e2e.sim.planfix.contacts().find((c) => c.id === contact.id)!;
    expect(`${card.name} ${card.lastname}`).toBe('Ann Lee-Smith');
  });

  it('after SIGKILL between the Facebook reply and the store update, the next run leaves exactly one reply', async () => {
    const { task, contact } = await imported();
    e2e.sim.planfix.quickReply(task.id, contact.id, 'Exactly once, please.');
    await e2e.run(); // the first reply-scan sets the Planfix cursor; make sure it is set before this test's reply
    expect(pageReplies().map((r) => r.message)).toEqual(['Exactly once, please.']);
    const second = e2e.sim.planfix.quickReply(task.id, contact.id, 'Killed mid-flight.');
    // The simulator applies a write before its latency: the reply exists on Facebook while the CLI still waits.
    e2e.sim.facebook.latencyMs = 800;
    const exit = await e2e.killWhen(['run', '--config', e2e.configPath], () => pageReplies().some((r) => r.message === 'Killed mid-flight.'), 'SIGKILL', {
      env: { FBSYNC_HTTP_TIMEOUT_MS: '20000' },
    });
    expect(exit.signal).toBe('SIGKILL');
    e2e.sim.facebook.latencyMs = 0;
    expect((await e2e.run()).code).toBe(0);
    expect((await e2e.run()).code).toBe(0);
    expect(pageReplies().filter((r) => r.message === 'Killed mid-flight.')).toHaveLength(1);
    // The one Planfix comment saying it is the employee's own; fbsync wrote no copy of it.
    expect(e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Killed mid-flight.')).map((c) => c.id)).toEqual([second.id]);
  });
});
