import { describe, expect, it } from 'vitest';
import { contactOf, crowd } from './fixtures.js';
import { useE2E } from './harness.js';
import { checkExactlyOnce, checkRepliesOnce } from './invariants.js';

// The answers the published API descriptions allow, all switched on at once: Graph caps pages at 25
// items and leads the feed with an old pinned post; text-less comments carry no `message`; Planfix
// answers updates with no body, gives `failures` as an object and ids as strings, and ignores a
// contact as comment author. A whole import + edit + reply cycle must converge with every rule of
// behaviour.md holding, and exit 0.

const people = crowd(5, 'Shape', '930000000');

describe('every answer shape the specs allow, at once', () => {
  const e2e = useE2E({
    schedule: 'eager',
    simulator: {
      facebook: { pageLimitCap: 25, emptyCommentMessage: 'absent' },
      planfix: { updatesAnswerNoBody: true, failuresAsObject: true, idsAsStrings: true, commentOwner: 'ignore' },
    },
  });

  it('import, edits and replies converge with exit 0, each comment and answer once', async () => {
    const { facebook: fb, planfix: pf } = e2e.sim;
    const old = fb.addPost({ message: 'Pinned welcome post', createdTime: new Date(Date.now() - 60 * 86_400_000), pinned: true });
    const busy = fb.addPost({ message: 'A busy post' });
    const quiet = fb.addPost({ message: 'A quiet post' });
    const tops: { id: string }[] = [];
    for (let i = 0; i < 60; i++) tops.push(fb.addComment(busy.id, { from: people[i % people.length]!, message: `comment ${i}` }));
    for (let i = 0; i < 6; i++) fb.addComment(tops[i]!.id, { from: people[(i + 1) % people.length]!, message: `thread reply ${i}` });
    fb.addComment(busy.id, { from: people[1]!, attachment: { type: 'photo', url: 'https://example.com/p.jpg' } });
    fb.addComment(quiet.id, { from: null, message: 'Hidden author' });
    const asked = fb.addComment(quiet.id, { from: people[2]!, message: 'A question' });
    for (let i = 0; i < 26; i++) fb.addPost({ message: `Filler post ${i}` });

    expect((await e2e.run()).code).toBe(0);
    const tasks = () => pf.tasks().filter((t) => t.postId === busy.id || t.postId === quiet.id);
    expect(tasks()).toHaveLength(2);
    expect(pf.tasks().some((t) => t.postId === old.id)).toBe(false);

    // Edits on Facebook, answers in Planfix.
    fb.editComment(tops[0]!.id, 'comment 0, edited');
    fb.deleteComment(tops[1]!.id);
    fb.editPost(quiet.id, 'A quiet post, edited');
    const quietTask = tasks().find((t) => t.postId === quiet.id)!;
    const busyTask = tasks().find((t) => t.postId === busy.id)!;
    pf.quickReply(quietTask.id, contactOf(e2e, people[2]!).id, 'Here is the answer');
    pf.addEmployeeComment(busyTask.id, { description: '<p>Thanks, <b>both</b> of you!</p>', notifyContactIds: [contactOf(e2e, people[3]!).id, contactOf(e2e, people[4]!).id] });
    fb.addComment(quiet.id, { from: people[2]!, message: 'Writing again after the answer' });

    for (let i = 0; i < 4; i++) expect((await e2e.run()).code).toBe(0);

    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(checkRepliesOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(fb.comments().filter((c) => c.byPage && c.message === 'Here is the answer').map((c) => c.parentId)).toEqual([asked.id]);
    expect(fb.comments().filter((c) => c.byPage && c.message === 'Thanks, both of you!')).toHaveLength(2);
    expect(tasks()).toHaveLength(2);
    const busyComments = pf.comments(busyTask.id).map((c) => c.description);
    expect(busyComments.some((d) => d.includes('comment 0, edited'))).toBe(true);
    expect(busyComments.filter((d) => d.includes(`fb:${tops[1]!.id}:deleted`))).toHaveLength(1);
    expect(pf.tasks().find((t) => t.id === quietTask.id)!.description).toContain('A quiet post, edited');
    expect(new Set(pf.contacts().map((c) => c.facebookId)).size).toBe(pf.contacts().length);
  });
});
