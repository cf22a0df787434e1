import type { SyncContext } from './context.js';
import { parseGraphTime } from './format.js';
import { Inbound } from './inbound.js';

export interface BackfillProgress {
  postsSeen: number;
  postsDone: number;
  postsSkipped: number;
  commentsImported: number;
  /** Created time of the oldest post listed so far. */
  oldestSeen?: Date;
}

export interface BackfillOptions {
  since: Date;
  until: Date;
  /** Start no new write once Planfix says fewer requests than this are left today (room for `run`). */
  planfixReserve: number;
  onProgress?(progress: BackfillProgress): void;
}

export interface BackfillResult {
  progress: BackfillProgress;
  /** Facebook stopped returning posts before `since` was reached (it serves a limited history). */
  historyEndedAt?: Date;
}

/**
 * History import under the same rules and the same journal as `run` (it is Inbound.syncPost, post
 * by post). Streams: one page of posts at a time, a bounded number of posts in flight, so memory
 * does not grow with history. Resuming is re-listing: posts already imported and unchanged are skipped.
 */
export async function runBackfill(ctx: SyncContext, options: BackfillOptions): Promise<BackfillResult> {
  const inbound = new Inbound(ctx);
  const progress: BackfillProgress = { postsSeen: 0, postsDone: 0, postsSkipped: 0, commentsImported: 0 };
  const report = () => options.onProgress?.({ ...progress });

  // Before every write, not only when a post starts: one post can hold more comments than the headroom.
  ctx.outcome.budget.guard = () => ((ctx.pf.remainingToday ?? Number.POSITIVE_INFINITY) < options.planfixReserve ? 'planfixBudget' : undefined);

  const { outcome } = ctx;
  // A side an earlier run was told to leave alone is left alone by backfill too: calls while blocked extend the block.
  outcome.waitOutEarlier(ctx.store);
  if (!outcome.mayGoOn) {
    outcome.settle(ctx.store, ctx.report);
    return { progress };
  }
  const listedToTheEnd = await outcome.told(() => inbound.readPosts({
    pages: ctx.fb.listPosts({ since: options.since, until: options.until, pageSize: 100 }),
    listed: (post) => {
      if (!outcome.mayGoOn) return false;
      progress.postsSeen++;
      const created = parseGraphTime(post.createdTime);
      if (!progress.oldestSeen || created < progress.oldestSeen) progress.oldestSeen = created;
      return true;
    },
    unchanged: () => {
      progress.postsSkipped++;
      report();
    },
    pageDone: () => {
      report();
      return true;
    },
    // Memory does not grow with history: Facebook is read ahead of Planfix only a little.
    maxWaiting: ctx.concurrency,
    onPostDone: (_post, added) => {
      progress.postsDone++;
      progress.commentsImported += added;
      report();
    },
  }));
  const stop = outcome.stop;
  outcome.settle(ctx.store, ctx.report);
  if (outcome.endedBy) throw outcome.endedBy;

  const dayMs = 86_400_000;
  const historyEndedAt =
    listedToTheEnd && stop?.kind !== 'throttled' && (!progress.oldestSeen || progress.oldestSeen.getTime() - options.since.getTime() > dayMs) ? (progress.oldestSeen ?? options.until) : undefined;
  return { progress, historyEndedAt };
}
