import { describe, expect, it } from 'vitest';
import { ann, bob } from './fixtures.js';
import { useE2E } from './harness.js';
import { SIM_IDS } from '../../src/simulator/index.js';

// Rules 1–3 of behaviour.md, through the built CLI against the simulator.


describe('fbsync run: Facebook → Planfix', () => {
  const e2e = useE2E();

  it('makes one contact per commenter and one task per post, with comments in order', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Fresh croissants every morning from 7, come early before they are gone!' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'First!' });
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Second' });

    const first = await e2e.run();
    expect(first.code).toBe(0);
    expect(first.summary.effects).toMatchObject({ 'contact.created': 2, 'task.created': 1, 'comment.imported': 2 });
    // The summary counts every request the run made (the simulator saw no other).
    expect(first.summary.requests).toEqual({ facebook: e2e.sim.facebook.requestLog.length, planfix: e2e.sim.planfix.requestLog.length });

    const [task] = e2e.sim.planfix.tasks();
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    expect(task!.name).toMatch(/^Facebook: «Fresh croissants every morning/);
    expect(task!.postId).toBe(post.id);
    const comments = e2e.sim.planfix.comments(task!.id);
    expect(comments.map((c) => c.description)).toEqual([expect.stringContaining('First!'), expect.stringContaining('Second')]);
    expect(comments[0]!.description).toContain('Ann Lee');

    const contacts = e2e.sim.planfix.contacts();
    expect(contacts.map((c) => `${c.name} ${c.lastname}`).sort()).toEqual(['Ann Lee', 'Bob Stone']);
    expect(comments[0]!.owner?.id).toBe(`contact:${contacts.find((c) => c.name === 'Ann')!.id}`);
  });

  it('finds the same contact when the person comments on another post, across runs', async () => {
    const p1 = e2e.sim.facebook.addPost({ message: 'Post one' });
    e2e.sim.facebook.addComment(p1.id, { from: ann, message: 'Hello' });
    expect((await e2e.run()).code).toBe(0);
    const p2 = e2e.sim.facebook.addPost({ message: 'Post two' });
    e2e.sim.facebook.addComment(p2.id, { from: ann, message: 'Me again' });
    const second = await e2e.run();
    expect(second.code).toBe(0);
    expect(second.summary.effects['contact.created']).toBeUndefined();
    expect(e2e.sim.planfix.contacts()).toHaveLength(1);
    expect(e2e.sim.planfix.tasks()).toHaveLength(2);
  });

  it('opens a new task when the post’s task was completed, and keeps using an active one', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Question time' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'one' });
    await e2e.run();
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'two' });
    await e2e.run();
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);

    const [task] = e2e.sim.planfix.tasks();
    e2e.sim.planfix.setTaskStatus(task!.id, 'Completed');
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'three' });
    const third = await e2e.run();
    expect(third.code).toBe(0);
    const tasks = e2e.sim.planfix.tasks();
    expect(tasks).toHaveLength(2);
    const fresh = tasks.find((t) => t.id !== task!.id)!;
    expect(e2e.sim.planfix.comments(fresh.id).map((c) => c.description)).toEqual([expect.stringContaining('three')]);
    expect(e2e.sim.planfix.comments(task!.id)).toHaveLength(2);
  });

  it('opens a new task when the old one was deleted', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Deleted task post' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'one' });
    await e2e.run();
    e2e.sim.planfix.trashTask(e2e.sim.planfix.tasks()[0]!.id);
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'two' });
    expect((await e2e.run()).code).toBe(0);
    const live = e2e.sim.planfix.tasks().filter((t) => !t.isDeleted);
    expect(live).toHaveLength(1);
    expect(e2e.sim.planfix.comments(live[0]!.id).map((c) => c.description)).toEqual([expect.stringContaining('two')]);
  });

  it('imports thread replies marked as replies, photo-only comments, and comments without an author', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Photos welcome' });
    const top = e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Look at this' });
    e2e.sim.facebook.addComment(top.id, { from: bob, message: 'Nice one' });
    e2e.sim.facebook.addComment(post.id, { from: bob, message: '', attachment: { type: 'photo', url: 'https://www.facebook.com/photo.php?fbid=42', imageUrl: 'https://scontent.example/42.jpg' } });
    e2e.sim.facebook.addComment(post.id, { from: null, message: 'who am I' });
    const result = await e2e.run();
    expect(result.code).toBe(0);
    const [task] = e2e.sim.planfix.tasks();
    const texts = e2e.sim.planfix.comments(task!.id).map((c) => c.description);
    expect(texts).toHaveLength(4);
    expect(texts[1]).toMatch(/reply to Ann Lee/);
    expect(texts[2]).toContain('https://www.facebook.com/photo.php?fbid=42');
    expect(texts[3]).toContain('Facebook user (hidden)');
    expect(e2e.sim.planfix.contacts().map((c) => c.name).sort()).toEqual(['Ann', 'Bob', 'Facebook user (hidden)'].sort());
  });

  it('never makes a contact or a task from the Page’s own comment', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Page speaking' });
    e2e.sim.facebook.addPageComment(post.id, 'We are open today!');
    const result = await e2e.run();
    expect(result.code).toBe(0);
    expect(e2e.sim.planfix.contacts()).toHaveLength(0);
    expect(e2e.sim.planfix.tasks()).toHaveLength(0);
  });

  it('rule 4: an admin’s answer typed before the post had a task joins the task once it opens, before the later comment, once', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Opening hours changed' });
    e2e.sim.facebook.addPageComment(post.id, 'We open at 8 from Monday.');
    expect((await e2e.run()).code).toBe(0);
    expect(e2e.sim.planfix.tasks()).toHaveLength(0);

    e2e.sim.facebook.advanceClock(2000);
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'And on Sundays?' });
    const second = await e2e.run();
    expect(second.code).toBe(0);
    expect(second.summary.effects).toMatchObject({ 'task.created': 1, 'comment.pageAnswer': 1, 'comment.imported': 1 });
    const [task] = e2e.sim.planfix.tasks();
    const texts = e2e.sim.planfix.comments(task!.id).map((c) => c.description);
    expect(texts).toEqual([expect.stringContaining('We open at 8 from Monday.'), expect.stringContaining('And on Sundays?')]);
    expect(texts[0]).toContain('(the Page) answered on Facebook');
    expect(e2e.sim.planfix.contacts()).toHaveLength(1);

    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Thanks' });
    const third = await e2e.run();
    expect(third.summary.effects['comment.pageAnswer']).toBeUndefined();
    expect((await e2e.run()).summary.effects).toEqual({});
    expect(e2e.sim.planfix.comments(task!.id).filter((c) => c.description.includes('We open at 8'))).toHaveLength(1);
    expect(e2e.sim.planfix.comments(task!.id)).toHaveLength(3);
  });

  it('rule 4: a waiting admin answer deleted on Facebook before the task opens is not added', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'Typo post' });
    const answer = e2e.sim.facebook.addPageComment(post.id, 'Wrong answer, deleted later.');
    e2e.sim.facebook.addPageComment(post.id, 'Right answer.');
    expect((await e2e.run()).code).toBe(0);
    e2e.sim.facebook.deleteComment(answer.id);
    e2e.sim.facebook.advanceClock(2000);
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Which one?' });
    expect((await e2e.run()).code).toBe(0);
    const [task] = e2e.sim.planfix.tasks();
    expect(e2e.sim.planfix.comments(task!.id).map((c) => c.description)).toEqual([expect.stringContaining('Right answer.'), expect.stringContaining('Which one?')]);
  });

  it('rule 4: admin answers and a comment read in one run land in creation order', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'New cake' });
    e2e.sim.facebook.addPageComment(post.id, 'Available from Friday.');
    e2e.sim.facebook.advanceClock(2000);
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Price?' });
    e2e.sim.facebook.advanceClock(2000);
    e2e.sim.facebook.addPageComment(post.id, '12 euro.');
    expect((await e2e.run()).code).toBe(0);
    const [task] = e2e.sim.planfix.tasks();
    expect(e2e.sim.planfix.comments(task!.id).map((c) => c.description)).toEqual([
      expect.stringContaining('Available from Friday.'),
      expect.stringContaining('Price?'),
      expect.stringContaining('12 euro.'),
    ]);
  });

  it('makes no writes and prints nothing on a second run with nothing new', async () => {
    for (let i = 0; i < 3; i++) {
      const post = e2e.sim.facebook.addPost({ message: `Post ${i}` });
      e2e.sim.facebook.addComment(post.id, { from: ann, message: `c${i}` });
    }
    await e2e.run();
    e2e.sim.planfix.clearRequestLog();
    const quiet = await e2e.cli(['run', '--config', e2e.configPath]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    const writes = e2e.sim.planfix.requestLog.filter((r) => r.method === 'POST' && !r.path.endsWith('/list'));
    expect(writes).toEqual([]);
  });
});

describe('fbsync run: sync.reopenClosedTasks: false keeps one task per post (rule 2)', () => {
  const e2e = useE2E({}, { manual: true });

  async function postWithTask() {
    const post = e2e.sim.facebook.addPost({ message: 'One task per post' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'one' });
    expect((await e2e.run()).code).toBe(0);
    return { post, task: e2e.sim.planfix.tasks()[0]! };
  }

  it('puts a new comment into the post’s completed, then cancelled task, and an admin’s answer too', async () => {
    await e2e.start({ configExtra: 'sync:\n  reopenClosedTasks: false\n' });
    const { post, task } = await postWithTask();
    e2e.sim.planfix.setTaskStatus(task.id, 'Completed');
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'two' });
    const second = await e2e.run();
    expect(second.code).toBe(0);
    expect(second.summary.effects['task.created']).toBeUndefined();
    e2e.sim.planfix.setTaskStatus(task.id, 'Cancelled');
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'three' });
    e2e.sim.facebook.addPageComment(post.id, 'We reopened the list.');
    expect((await e2e.run()).code).toBe(0);
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    expect(e2e.sim.planfix.comments(task.id).map((c) => c.description)).toEqual([
      expect.stringContaining('one'),
      expect.stringContaining('two'),
      expect.stringContaining('three'),
      expect.stringContaining('We reopened the list.'),
    ]);
  });

  it('still opens a new task when the post’s task was deleted', async () => {
    await e2e.start({ configExtra: 'sync:\n  reopenClosedTasks: false\n' });
    const { post, task } = await postWithTask();
    e2e.sim.planfix.trashTask(task.id);
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'two' });
    expect((await e2e.run()).code).toBe(0);
    const live = e2e.sim.planfix.tasks().filter((t) => !t.isDeleted);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(task.id);
    expect(e2e.sim.planfix.comments(live[0]!.id).map((c) => c.description)).toEqual([expect.stringContaining('two')]);
  });

  it('opens a new task when the status refuses comments (code 6), and says so in the old task once', async () => {
    await e2e.start({ configExtra: 'sync:\n  reopenClosedTasks: false\n', simulator: { planfix: { statusesRefusingComments: ['Completed'] } } });
    const { post, task } = await postWithTask();
    e2e.sim.planfix.setTaskStatus(task.id, 'Completed');
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'two' });
    const second = await e2e.run();
    expect(second.code).toBe(0);
    expect(second.summary.effects).toMatchObject({ 'task.created': 1, 'task.moved': 1, 'comment.imported': 1 });
    const fresh = e2e.sim.planfix.tasks().find((t) => t.id !== task.id)!;
    expect(e2e.sim.planfix.comments(fresh.id).map((c) => c.description)).toEqual([expect.stringContaining('two')]);
    const old = () => e2e.sim.planfix.tasks().find((t) => t.id === task.id)!;
    expect(old().description).toContain(`New comments on this post now go to task #${fresh.id}.`);
    expect(old().description).toContain('One task per post');
    expect(e2e.sim.planfix.comments(task.id)).toHaveLength(1);

    const writesTo = (id: number) => e2e.sim.planfix.requestLog.filter((r) => r.method === 'POST' && new RegExp(`^/rest/task/${id}(/|\\?|$)`).test(r.path) && !r.path.includes('/list'));
    e2e.sim.planfix.clearRequestLog();
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'three' });
    const third = await e2e.run();
    expect(third.summary.effects['task.moved']).toBeUndefined();
    expect(third.summary.effects['task.created']).toBeUndefined();
    expect(writesTo(task.id)).toEqual([]);
    expect(writesTo(fresh.id)).toHaveLength(1);
    expect(e2e.sim.planfix.comments(fresh.id)).toHaveLength(2);
    expect(old().description.match(/New comments on this post now go to task/g)).toHaveLength(1);
  });

  it('a template whose new tasks refuse comments (code 6) stops the run with the fix (exit 2), opening no task after task; the comment comes once the task takes comments', async () => {
    await e2e.start({ simulator: { planfix: { statusesRefusingComments: ['New'] } } });
    const post = e2e.sim.facebook.addPost({ message: 'Template check' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'first' });
    for (let run = 0; run < 2; run++) {
      const stopped = await e2e.run();
      expect(stopped.code).toBe(2);
      expect(stopped.summary.error).toMatchObject({ kind: 'config' });
      expect(stopped.summary.error.message).toMatch(/Planfix refused the first comment in task #\d+, which fbsync created .*planfix\.taskTemplateId/);
      expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    }
    const task = e2e.sim.planfix.tasks()[0]!;
    e2e.sim.planfix.setTaskStatus(task.id, 'In progress');
    const fixed = await e2e.run();
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    expect(e2e.sim.planfix.comments(task.id).map((c) => c.description)).toEqual([expect.stringContaining('first')]);
  });

  it('keeps an admin’s answer the closed task refused for the post’s next task, which gets it before the next comment', async () => {
    await e2e.start({ configExtra: 'sync:\n  reopenClosedTasks: false\n', simulator: { planfix: { statusesRefusingComments: ['Completed'] } } });
    const { post, task } = await postWithTask();
    e2e.sim.planfix.setTaskStatus(task.id, 'Completed');
    e2e.sim.facebook.addPageComment(post.id, 'Closed for the holidays.');
    const second = await e2e.run();
    expect(second.code).toBe(0);
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    e2e.sim.facebook.advanceClock(2000);
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Until when?' });
    const third = await e2e.run();
    expect(third.code).toBe(0);
    expect(third.summary.effects).toMatchObject({ 'task.created': 1, 'task.moved': 1, 'comment.pageAnswer': 1, 'comment.imported': 1 });
    const fresh = e2e.sim.planfix.tasks().find((t) => t.id !== task.id)!;
    expect(e2e.sim.planfix.comments(fresh.id).map((c) => c.description)).toEqual([
      expect.stringContaining('Closed for the holidays.'),
      expect.stringContaining('Until when?'),
    ]);
    expect((await e2e.run()).summary.effects).toEqual({});
  });
});

describe('fbsync run: a post met for the first time may already have a task (rule 2)', () => {
  // A new install on an account that has tasks for the Page's posts, or a task an employee made by
  // hand and gave the post id: the store has never seen the post, Planfix has its task.
  const e2e = useE2E({}, { manual: true });
  const texts = (taskId: number) => e2e.sim.planfix.comments(taskId).map((c) => c.description);
  /** One run that exits 0 with these effects counted, and none of `absent`. */
  async function runCounting(effects: Record<string, number>, absent: string) {
    const run = await e2e.run();
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.effects).toMatchObject(effects);
    expect(run.summary.effects[absent]).toBeUndefined();
  }

  it('rule 2: an active task an employee made for the post (post-id field filled) takes its first comment; no second task', async () => {
    await e2e.start();
    const post = e2e.sim.facebook.addPost({ message: 'Asked about on the phone first' });
    const byHand = e2e.sim.planfix.addEmployeeTask({ name: 'Customer called about the post', postId: post.id, status: 'In progress' }).id;
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Is it still available?' });
    await runCounting({ 'task.found': 1, 'comment.imported': 1 }, 'task.created');
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    expect(texts(byHand)).toEqual([expect.stringContaining('Is it still available?')]);

    // Found once, it is the post's task from then on.
    e2e.sim.facebook.addComment(post.id, { from: bob, message: 'Me too' });
    const second = await e2e.run();
    expect(second.summary.effects['task.found']).toBeUndefined();
    expect(second.summary.effects['task.created']).toBeUndefined();
    expect(e2e.sim.planfix.tasks()).toHaveLength(1);
    expect(texts(byHand)).toEqual([expect.stringContaining('Is it still available?'), expect.stringContaining('Me too')]);
  });

  it('rule 2 (default): a completed or cancelled task made for the post does not take its first comment; a new task opens, the old ones left as they are', async () => {
    await e2e.start();
    const post = e2e.sim.facebook.addPost({ message: 'Summer sale' });
    const completed = e2e.sim.planfix.addEmployeeTask({ name: 'Last year’s questions', postId: post.id, status: 'Completed' }).id;
    const cancelled = e2e.sim.planfix.addEmployeeTask({ name: 'Dropped', postId: post.id, status: 'Cancelled' }).id;
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Again this year?' });
    await runCounting({ 'task.created': 1, 'comment.imported': 1 }, 'task.found');
    const tasks = e2e.sim.planfix.tasks();
    expect(tasks).toHaveLength(3);
    const fresh = tasks.find((t) => t.id !== completed && t.id !== cancelled)!;
    expect(fresh).toMatchObject({ postId: post.id, status: 'New' });
    expect(texts(fresh.id)).toEqual([expect.stringContaining('Again this year?')]);
    expect(texts(completed)).toEqual([]);
    expect(texts(cancelled)).toEqual([]);
    expect(tasks.find((t) => t.id === completed)!.status).toBe('Completed');
    expect(tasks.find((t) => t.id === cancelled)!.status).toBe('Cancelled');
  });

  it('rule 2 (reopenClosedTasks false): the post’s last task takes its first comment whatever its status; no new task', async () => {
    await e2e.start({ configExtra: 'sync:\n  reopenClosedTasks: false\n' });
    const post = e2e.sim.facebook.addPost({ message: 'Winter sale' });
    const older = e2e.sim.planfix.addEmployeeTask({ name: 'First round', postId: post.id, status: 'Cancelled' }).id;
    const last = e2e.sim.planfix.addEmployeeTask({ name: 'Second round', postId: post.id, status: 'Completed' }).id;
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Any left?' });
    await runCounting({ 'task.found': 1, 'comment.imported': 1 }, 'task.created');
    expect(e2e.sim.planfix.tasks()).toHaveLength(2);
    expect(texts(last)).toEqual([expect.stringContaining('Any left?')]);
    expect(texts(older)).toEqual([]);
  });

  it('rule 2: a task of another template, or whose post-id field holds another post id (a prefix of this one, or one starting with it), is not the post’s; a new task opens', async () => {
    await e2e.start();
    const post = e2e.sim.facebook.addPost({ message: 'New opening hours' });
    const otherTemplate = e2e.sim.planfix.addTemplate('task', 'Website orders', [SIM_IDS.taskPostIdField]).id;
    const strangers = [
      e2e.sim.planfix.addEmployeeTask({ name: 'Order from the site', postId: post.id, templateId: otherTemplate }).id,
      e2e.sim.planfix.addEmployeeTask({ name: 'Typo in the post id', postId: post.id.slice(0, -1) }).id,
      e2e.sim.planfix.addEmployeeTask({ name: 'Another post', postId: `${post.id}7` }).id,
    ];
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'Open on Sunday?' });
    await runCounting({ 'task.created': 1, 'comment.imported': 1 }, 'task.found');
    const fresh = e2e.sim.planfix.tasks().find((t) => !strangers.includes(t.id))!;
    expect(fresh).toMatchObject({ postId: post.id, templateId: SIM_IDS.taskTemplateId });
    expect(texts(fresh.id)).toEqual([expect.stringContaining('Open on Sunday?')]);
    for (const id of strangers) expect(texts(id)).toEqual([]);
  });
});
