import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { DAY, minutesAgo, runOk } from './fixtures.js';
import { type E2E, type E2EOptions, useE2E } from './harness.js';

// Answers real Graph gives that the plain simulator does not (api-notes-facebook.md §1, §3, §7),
// through the built CLI: pages too heavy to build, `limit` capped, a pinned post leading the feed.

const e2e = useE2E({}, { manual: true });

function meta(storePath: string, key: string): string | undefined {
  const store = Store.open(storePath, { readonly: true });
  try {
    return store.getMeta(key);
  } finally {
    store.close();
  }
}

/** `limit` of each Graph request to `suffix` (e.g. "/feed"), in order, from the request log. */
function limits(e: E2E, suffix: string, from = 0): string[] {
  return e.sim.facebook.requestLog
    .slice(from)
    .filter((r) => r.method === 'GET' && r.path.split('?')[0]!.endsWith(suffix))
    .map((r) => `${new URLSearchParams(r.path.split('?')[1] ?? '').get('limit')}:${r.status}`);
}

/** 30 posts with a comment each and one with 40: heavy at Graph's full page size. */
function seedBusyPage(e: E2E): { comments: number; busy: string } {
  const fb = e.sim.facebook;
  for (let i = 0; i < 30; i++) {
    const post = fb.addPost({ message: `Daily special number ${i}`, createdTime: minutesAgo(600 - i * 10) });
    fb.addComment(post.id, { message: `question ${i}`, createdTime: minutesAgo(590 - i * 10) });
  }
  const busy = fb.addPost({ message: 'Giveaway! Comment to enter', createdTime: minutesAgo(200) });
  for (let i = 0; i < 40; i++) fb.addComment(busy.id, { message: `entry ${i}`, createdTime: minutesAgo(190 - i) });
  return { comments: 70, busy: busy.id };
}

function importedComments(e: E2E): number {
  return e.sim.planfix.tasks().reduce((sum, task) => sum + e.sim.planfix.comments(task.id).length, 0);
}

/** Starts a simulator with `simulator`'s options, seeds the busy Page, and checks that one run imports all of it. */
async function importsBusyPage(simulator: E2EOptions['simulator']): Promise<void> {
  await e2e.start({ simulator });
  const { comments } = seedBusyPage(e2e);
  await runOk(e2e);
  expect(e2e.sim.planfix.tasks()).toHaveLength(31);
  expect(importedComments(e2e)).toBe(comments);
}

describe('Graph pages too heavy to build ("Please reduce the amount of data")', () => {
  it('halves the page size until Graph answers, imports everything, and the next run starts at the size that worked', async () => {
    // A feed post with its comment summary weighs 2, a comment 1: 12 posts or 25 comments a page pass.
    await importsBusyPage({ facebook: { maxPageWeight: 30 } });
    expect(limits(e2e, '/feed').slice(0, 4)).toEqual(['100:500', '50:500', '25:500', '12:200']);
    expect(meta(e2e.storePath, 'graph.pageSize.feed')).toBe('12');
    expect(meta(e2e.storePath, 'graph.pageSize.comments')).toBe('25');

    const before = e2e.sim.facebook.requestLog.length;
    await runOk(e2e);
    // Starts at the remembered size (no refused page), and remembers a size a quarter larger for the next run.
    expect(limits(e2e, '/feed', before)[0]).toBe('12:200');
    expect(e2e.sim.facebook.requestLog.slice(before).filter((r) => r.status === 500)).toEqual([]);
    expect(meta(e2e.storePath, 'graph.pageSize.feed')).toBe('15');
  });

  it('when even 5 posts a page are too heavy, reads the feed without comment counts and still imports everything', async () => {
    // 5 posts with the summary weigh 10 > 8; without it 5.
    await e2e.start({ simulator: { facebook: { maxPageWeight: 8 } } });
    const fb = e2e.sim.facebook;
    for (let i = 0; i < 9; i++) {
      const post = fb.addPost({ message: `Post ${i}`, createdTime: minutesAgo(300 - i * 10) });
      for (let j = 0; j < 3; j++) fb.addComment(post.id, { message: `c${i}.${j}`, createdTime: minutesAgo(290 - i * 10 + j) });
    }
    await runOk(e2e);
    expect(importedComments(e2e)).toBe(27);
    const feed = fb.requestLog.filter((r) => r.path.split('?')[0]!.endsWith('/feed'));
    expect(feed.some((r) => r.status === 200 && !new URLSearchParams(r.path.split('?')[1]).get('fields')!.includes('comments'))).toBe(true);

    // A new comment is still found on the next run, without the counts.
    const latest = fb.posts()[0]!;
    fb.addComment(latest.id, { message: 'one more' });
    await runOk(e2e);
    expect(importedComments(e2e)).toBe(28);
  });

  it('a page capped below the asked limit (pageLimitCap) is followed to the end', async () => {
    await importsBusyPage({ facebook: { pageLimitCap: 25 } });
  });
});

describe('a pinned post leading the feed', () => {
  it('does not end the feed listing: a new comment on a recent post further down arrives', async () => {
    // Two posts a page, so the recent posts sit on pages after the old pinned one. The whole window
    // is listed every run (the eager schedule): the rule is that the listing goes on past the pin.
    await e2e.start({ simulator: { facebook: { pageLimitCap: 2 } }, schedule: 'eager' });
    const fb = e2e.sim.facebook;
    const pinned = fb.addPost({ message: 'Our opening hours (pinned)', createdTime: new Date(Date.now() - 200 * DAY), pinned: true });
    fb.addComment(pinned.id, { message: 'old question', createdTime: new Date(Date.now() - 199 * DAY) });
    const recent = Array.from({ length: 5 }, (_, i) => fb.addPost({ message: `Recent post ${i}`, createdTime: minutesAgo(500 - i * 60) }));
    for (const post of recent) fb.addComment(post.id, { message: `hello on ${post.id}` });

    await runOk(e2e);
    expect(e2e.sim.planfix.tasks().map((t) => t.postId).sort()).toEqual(recent.map((p) => p.id).sort());

    // The oldest recent post is on the last page.
    fb.addComment(recent[0]!.id, { message: 'a new question on an older post' });
    await runOk(e2e);
    const task = e2e.sim.planfix.tasks().find((t) => t.postId === recent[0]!.id)!;
    expect(e2e.sim.planfix.comments(task.id).map((c) => c.description)).toEqual([expect.stringContaining('hello on'), expect.stringContaining('a new question on an older post')]);
  });
});

describe('comments without text', () => {
  it("imports a photo-only and a sticker-only comment that come with no `message` field at all (emptyCommentMessage: 'absent')", async () => {
    await e2e.start({ simulator: { facebook: { emptyCommentMessage: 'absent' } } });
    const fb = e2e.sim.facebook;
    const post = fb.addPost({ message: 'Show us your loaf' });
    fb.addComment(post.id, { message: '', attachment: { type: 'photo', url: 'https://www.facebook.com/photo.php?fbid=77', imageUrl: 'https://scontent.example/77.jpg' } });
    fb.addComment(post.id, { message: '', attachment: { type: 'sticker', url: 'https://www.facebook.com/stickers/5' } });
    await runOk(e2e);
    const [task] = e2e.sim.planfix.tasks();
    const texts = e2e.sim.planfix.comments(task!.id).map((c) => c.description);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('https://www.facebook.com/photo.php?fbid=77');
  });
});
