import type { Simulator } from '../simulator/index.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../time.js';

export interface SeedOptions {
  posts: number;
  commentsPerPost: number;
  /** Distinct commenters; each comment's author is drawn from this pool (spread across posts). */
  commenters: number;
  /** Every n-th comment is a thread reply to the comment before it (0 = none). */
  replyEvery?: number;
}

export interface Seeded {
  posts: number;
  comments: number;
  commenters: number;
  /** Distinct commenters who actually wrote something. */
  authors: number;
  /** A `--since` just before the oldest post. */
  since: string;
  newest: Date;
  oldest: Date;
}

/**
 * A Page history that only backfill sees: posts from 60 days ago backwards (`run` looks 14 days
 * back), six hours apart, with comments a minute apart from a pool of commenters.
 */
export function seedHistory(sim: Simulator, options: SeedOptions): Seeded {
  const fb = sim.facebook;
  const newest = new Date(Date.now() - 60 * DAY_MS);
  const replyEvery = options.replyEvery ?? 10;
  const authors = new Set<number>();
  let comments = 0;
  let oldest = newest;
  for (let p = 0; p < options.posts; p++) {
    const created = new Date(newest.getTime() - p * 6 * HOUR_MS);
    oldest = created;
    const post = fb.addPost({ message: `Archive post ${p}: our new seasonal menu and opening hours`, createdTime: created });
    let lastTop: string | undefined;
    for (let c = 0; c < options.commentsPerPost; c++) {
      // A spread that puts one person on many posts (shared contacts, concurrent lookups).
      const who = (p * 7919 + c * 104_729) % options.commenters;
      authors.add(who);
      const isReply = replyEvery > 0 && lastTop !== undefined && c % replyEvery === replyEvery - 1;
      const { id } = fb.addComment(isReply ? lastTop! : post.id, {
        from: { id: String(7_300_000_000_000_000 + who), name: `Bench Commenter ${who}` },
        message: `comment ${c} on post ${p}: is the almond croissant back? ${'lorem ipsum '.repeat(c % 5)}`,
        createdTime: new Date(created.getTime() + (c + 1) * MINUTE_MS),
      });
      if (!isReply) lastTop = id;
      comments++;
    }
  }
  const since = new Date(oldest.getTime() - 12 * HOUR_MS).toISOString();
  return { posts: options.posts, comments, commenters: options.commenters, authors: authors.size, since, newest, oldest };
}
