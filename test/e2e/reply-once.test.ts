import { describe, expect, it } from 'vitest';
import { ann as anna, bob, contactOf as contactOfIn, pageReplies as pageRepliesOf, type Person, runOk as runOkIn } from './fixtures.js';
import { useE2E } from './harness.js';

// Rule 4, "one answer, one reply": an employee's answer is published once per notified person,
// under the comment chosen the first time fbsync saw it — whatever the person writes afterwards,
// however often the task is re-read.


describe('one answer, one reply', () => {
  const e2e = useE2E();

  const pageReplies = (text: string) => pageRepliesOf(e2e, text);
  const contactOf = (person: Person) => contactOfIn(e2e, person);
  const runOk = () => runOkIn(e2e);
  /** A post with top-level comments, each `[person, message]`, in that order. */
  const postWith = (message: string, ...comments: [Person, string][]) => {
    const post = e2e.sim.facebook.addPost({ message });
    return { post, comments: comments.map(([from, text]) => e2e.sim.facebook.addComment(post.id, { from, message: text })) };
  };
  /** The post's task, once a run has imported what was written. */
  const importedTask = async () => {
    await runOk();
    return e2e.sim.planfix.tasks()[0]!;
  };
  /** Imports, then answers `person` in the task as an employee does (a quick reply); returns the task. */
  const answered = async (person: Person, text: string) => {
    const task = await importedTask();
    e2e.sim.planfix.quickReply(task.id, contactOf(person).id, text);
    return task;
  };
  /** Two runs: what was just written is imported, and the task that changed is read again. */
  const runTwice = async () => {
    await runOk();
    await runOk();
  };

  it('an answer stands once after the person writes a new top-level comment and the task is re-read many times', async () => {
    const { post, comments: [first] } = postWith('Spring sale', [anna, 'Is the sale online too?']);
    const task = await answered(anna, 'Yes, online as well.');
    await runOk();
    expect(pageReplies('Yes, online as well.').map((r) => r.parentId)).toEqual([first.id]);

    // Anna writes again; the task changes again and again (new comments, an internal note).
    e2e.sim.facebook.addComment(post.id, { from: anna, message: 'Thanks! And delivery?' });
    await runOk();
    e2e.sim.planfix.addEmployeeComment(task.id, { description: 'Internal: ask the warehouse', notifyUserIds: [5] });
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Me too' });
    await runOk();
    e2e.sim.facebook.addComment(post.id, { from: anna, message: 'Still waiting' });
    await runTwice();
    expect(pageReplies('Yes, online as well.').map((r) => r.parentId)).toEqual([first.id]);
    expect(e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('Sent to Facebook'))).toHaveLength(1);
  });

  it('answers the comment the employee saw, not one the person wrote before fbsync read the answer', async () => {
    const { post, comments: [asked] } = postWith('Opening hours', [anna, 'Open on Sunday?']);
    await answered(anna, 'Yes, 10 to 16.');
    // Anna starts a new thread before the next run: the same run imports it and then reads the answer.
    e2e.sim.facebook.addComment(post.id, { from: anna, message: 'Another question: parking?' });
    await runTwice();
    expect(pageReplies('Yes, 10 to 16.').map((r) => r.parentId)).toEqual([asked.id]);
  });

  it('a person with several threads on one post gets the answer once, in the thread of their latest comment before it', async () => {
    const { comments: [own, bobs] } = postWith('New menu', [anna, 'Vegan options?'], [bob, 'Gluten free?']);
    e2e.sim.facebook.addComment(bobs.id, { from: anna, message: 'Same question as Bob' });
    await answered(anna, 'Both, from Monday.');
    await runOk();
    expect(pageReplies('Both, from Monday.').map((r) => r.parentId)).toEqual([bobs.id]);
    // She writes in her own thread now; the answer does not follow her there.
    e2e.sim.facebook.addComment(own.id, { from: anna, message: 'Any news?' });
    await runTwice();
    expect(pageReplies('Both, from Monday.').map((r) => r.parentId)).toEqual([bobs.id]);
  });

  it('an answer to two people in one comment is published once for each, and stays so when both write again', async () => {
    const { post, comments: [a, b] } = postWith('Workshop', [anna, 'What time?'], [bob, 'Where?']);
    const task = await importedTask();
    e2e.sim.planfix.addEmployeeComment(task.id, { description: 'At 18:00 in the library.', notifyContactIds: [contactOf(anna).id, contactOf(bob).id] });
    await runOk();
    e2e.sim.facebook.addComment(post.id, { from: anna, message: 'Thanks' });
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'See you' });
    await runTwice();
    expect(pageReplies('At 18:00 in the library.').map((r) => r.parentId).sort()).toEqual([a.id, b.id].sort());
  });

  it('an answer to the shared card of hidden authors is not published, and the task says why, once', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Hidden people' });
    e2e.sim.facebook.addComment(post.id, { from: null, message: 'Who am I?' });
    const task = await importedTask();
    const card = e2e.sim.planfix.contacts().find((c) => c.name === 'Facebook user (hidden)')!;
    e2e.sim.planfix.quickReply(task.id, card.id, 'Hello, whoever you are');
    await runTwice();
    expect(pageReplies('Hello, whoever you are')).toEqual([]);
    const notes = e2e.sim.planfix.comments(task.id).filter((c) => c.description.includes('cannot tell whom to answer'));
    expect(notes).toHaveLength(1);
  });
});
