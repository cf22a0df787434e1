import pLimit from 'p-limit';
import type { FbComment, FbPost } from '../facebook/types.js';
import { ContactResolver } from './contacts.js';
import { HIDDEN_AUTHOR, type SyncContext } from './context.js';
import { adoptEcho } from './echo.js';
import type { CommentContext } from './format.js';
import { applyChange, updatePostDescription } from './changes.js';
import {
  mayStopPaging,
  needsSync,
  onlyOwnReplies,
  optionalReadsAllowed,
  parseOwnReplies,
  pickRescans,
  planListing,
  planPost,
  planRead,
  postRowAfterRead,
  rotationAfter,
  threadReplyTo,
  type ListingPlan,
  type ListingRead,
  type NewCommentKind,
  type Rotation,
} from './inbound-plan.js';
import { TaskResolver } from './tasks.js';
import { addToTimeline } from './timeline.js';
import { parseGraphTime } from './format.js';
import { META, parseJsonMeta } from '../store/meta-keys.js';

export interface InboundOptions {
  /** Oldest post creation time watched. */
  since: Date;
  /** The cycle's "now": the rotation and the edit re-reads are scheduled by it. */
  now: Date;
  /** Each post of the window is listed again at least this often (sync.fullCheckMinutes; 0: the whole window every cycle). */
  fullCheckMs: number;
  /** Full re-reads for edits, hides and deletions: how often per post (sync.editCheckMinutes; 0: as often as the cap allows). */
  editCheckMs: number;
  /** Optional reads per cycle (older pages of the rotation first, then edit re-reads): sync.editChecksPerCycle. */
  optionalReads: number;
  onPostDone?(post: FbPost, newComments: number): void;
}

/**
 * One pass over a source of posts: `run`'s lookback window, or `backfill`'s history. The loop is
 * the same (needsSync, then syncPostSafely with bounded concurrency); the hooks are the source's.
 */
export interface PostLoop {
  /** Pages of posts as Graph lists them. */
  pages: AsyncIterable<FbPost[]>;
  /** Every listed post before it is decided; false ends the listing before it. */
  listed(post: FbPost): boolean;
  /** A listed post that needsSync says is unchanged. */
  unchanged?(post: FbPost): void;
  /** After each page of posts; false ends the listing. */
  pageDone(): boolean;
  /** Back-pressure: list further only while at most this many posts wait for a slot (unset: list ahead freely). */
  maxWaiting?: number;
  /** Posts read in full once the listing ends (run's rescans). */
  afterListing?(): FbPost[];
  onPostDone?(post: FbPost, newComments: number): void;
}

/** Facebook → Planfix (rules 1–3, 5): one pass over the posts of the window. Decisions: inbound-plan.ts. */
export class Inbound {
  readonly contacts: ContactResolver;
  readonly tasks: TaskResolver;
  /** `run`'s cycle time, so that scan times and the schedules that read them share one clock (default: the system's). */
  private now?: Date;

  constructor(private readonly ctx: SyncContext) {
    this.contacts = new ContactResolver(ctx);
    this.tasks = new TaskResolver(ctx);
  }

  /**
   * `run`'s pass: the newest page of the window every cycle, the older pages in rotation
   * (planListing), then the edit re-reads that are due, as many as the optional reads left allow.
   * Above OPTIONAL_READS_BELOW_PERCENT of Facebook's usage only the newest page is read.
   */
  async run(options: InboundOptions): Promise<void> {
    const { fb, store, report } = this.ctx;
    this.now = options.now;
    const nowMs = options.now.getTime();
    const rotationKey = this.ctx.rotationKey ?? META.inboundRotation;
    const rotation = readRotation(store.getMeta(rotationKey));
    const plan = planListing(rotation, nowMs, options.fullCheckMs);
    const read: ListingRead = { olderPages: 0, ended: false };
    const unchanged: FbPost[] = [];
    const listedToTheEnd = await this.ctx.outcome.told(() => this.readPosts({
      pages: this.windowPages(options, rotation, plan, read),
      listed: () => {
        report.postsChecked++;
        return true;
      },
      unchanged: (post) => unchanged.push(post),
      pageDone: () => this.ctx.outcome.mayGoOn,
      afterListing: () => {
        if (!optionalReadsAllowed(fb.usage?.percent)) return [];
        // Paced rotation pages take the optional slots first; reading the whole window does not.
        const slots = plan.kind === 'window' ? options.optionalReads : Math.max(0, options.optionalReads - read.olderPages);
        const schedule = { nowMs, editCheckMs: options.editCheckMs };
        return pickRescans(unchanged.map((post) => ({ post, stored: store.getPost(post.id) })), slots, schedule);
      },
      onPostDone: options.onPostDone,
    }));
    // A listing cut short (budget, a stop) keeps the rotation where it was: those pages are read again.
    if (listedToTheEnd && this.ctx.outcome.mayGoOn && (plan.kind === 'rotation' || read.ended)) {
      store.setMeta(rotationKey, JSON.stringify(rotationAfter(rotation, plan, read, nowMs, options.fullCheckMs)));
    }
  }

  /** The pages `run` lists (see run); `read` says what was listed. */
  private async *windowPages(options: InboundOptions, rotation: Rotation | undefined, plan: ListingPlan, read: ListingRead): AsyncIterable<FbPost[]> {
    const { fb } = this.ctx;
    let last = false;
    const onPage = (page: { last: boolean }) => (last = page.last);
    let first = true;
    let newestEnd: string | undefined;
    for await (const page of fb.listPosts({ since: options.since, onPage })) {
      if (!first) read.olderPages++;
      first = false;
      newestEnd = page[page.length - 1]!.createdTime;
      read.lastCreated = newestEnd;
      yield page;
      if (last || plan.kind === 'rotation') break;
    }
    if (plan.kind === 'window' || last || first) {
      read.ended = true;
      return;
    }
    if (plan.olderPages <= 0 || !optionalReadsAllowed(fb.usage?.percent)) return;
    const until = rotation?.until ?? newestEnd!;
    last = false;
    let yielded = false;
    for await (const page of fb.listPosts({ since: options.since, until: parseGraphTime(until), onPage })) {
      yielded = true;
      read.olderPages++;
      read.lastCreated = page[page.length - 1]!.createdTime;
      yield page;
      if (last || read.olderPages >= plan.olderPages) break;
    }
    if (last || !yielded) read.ended = true;
  }

  /** The post loop of `run` and `backfill`. Returns false when a hook ended the listing early. */
  async readPosts(loop: PostLoop): Promise<boolean> {
    const limit = pLimit(Math.max(1, this.ctx.concurrency));
    const inflight = new Set<Promise<void>>();
    const start = (post: FbPost, rescan: boolean) => {
      const job = limit(() => this.syncPostSafely(post, loop, rescan));
      inflight.add(job);
      void job.finally(() => inflight.delete(job));
    };
    let listedToTheEnd = true;
    outer: for await (const page of loop.pages) {
      for (const post of page) {
        if (!loop.listed(post)) {
          listedToTheEnd = false;
          break outer;
        }
        if (!this.needsSync(post)) {
          loop.unchanged?.(post);
          continue;
        }
        start(post, false);
        // Read Facebook ahead of Planfix, but only a little.
        while (loop.maxWaiting !== undefined && limit.pendingCount > loop.maxWaiting) await Promise.race(inflight);
      }
      if (!loop.pageDone()) {
        listedToTheEnd = false;
        break;
      }
    }
    for (const post of loop.afterListing?.() ?? []) start(post, true);
    await Promise.all(inflight);
    return listedToTheEnd;
  }

  needsSync(post: FbPost): boolean {
    const { store } = this.ctx;
    const stored = store.getPost(post.id);
    if (!needsSync(post, stored)) return false;
    const key = META.ownReplies(post.id);
    const own = parseOwnReplies(store.getMeta(key));
    if (!own) return true;
    store.deleteMeta(key);
    if (!onlyOwnReplies(post, stored, own)) return true;
    // The echo of fbsync's replies: the post is as stored but for them (full re-reads record the echoes).
    store.savePost({ ...stored!, updatedTime: post.updatedTime, commentCount: post.commentCount ?? null });
    return false;
  }

  /** syncPost, with its failure recorded in the report instead of thrown; errors that end the pass go to the run's outcome. */
  async syncPostSafely(post: FbPost, options: Pick<InboundOptions, 'onPostDone'>, rescan = false): Promise<void> {
    if (!this.ctx.outcome.mayGoOn) return;
    try {
      const added = await this.syncPost(post, rescan);
      options.onPostDone?.(post, added);
    } catch (error) {
      if (!this.ctx.outcome.absorb(error)) {
        this.ctx.report.fail(`post:${post.id}`, (error as Error).message, (error as { side?: 'facebook' | 'planfix' }).side);
      }
    }
  }

  /**
   * Reads a post's comments, plans (inbound-plan.ts), then carries the plan out: the post's text,
   * the known comments' changes, the new comments in order. The post is marked synced only when
   * all are in. Returns how many comments were new.
   */
  async syncPost(post: FbPost, rescan = false): Promise<number> {
    const { store, fb, pageId } = this.ctx;
    const stored = store.getPost(post.id);
    const before = store.commentsOfPost(post.id);
    const read = planRead(post, stored, before, this.ourReplies(before.filter((r) => r.byPage).map((r) => r.id)), rescan);
    const known = new Set(before.map((r) => r.id));
    const comments: FbComment[] = [];
    for await (const page of fb.listComments(post.id, { newestFirst: true })) {
      comments.push(...page);
      this.ctx.report.commentsSeen += page.length;
      if (mayStopPaging(read, page, known)) break;
    }
    const rows = store.commentsOfPost(post.id);
    const ourReplies = this.ourReplies(comments.filter((c) => c.from?.id === pageId).map((c) => c.id));
    const plan = planPost({ post, stored, read, rows, comments, pageId, ourReplies });

    if (plan.updateDescription) await updatePostDescription(this.ctx, this.tasks, post);
    const byId = new Map(plan.comments.map((c) => [c.id, c]));
    for (const change of plan.changes) await applyChange(this.ctx, change, byId);
    for (const id of plan.waitingGone) store.putComment({ ...store.getComment(id)!, state: 'deleted' });
    const pass: PostPass = { byId, answers: [] };
    for (const step of plan.steps) {
      if (step.kind === 'waitingAnswer') pass.answers.push(step.comment);
      else await this.importComment(post, step.kind, step.comment, pass);
    }

    store.savePost(postRowAfterRead(post, stored, read.full, (this.now ?? new Date()).toISOString()));
    return plan.fresh;
  }

  /** Those of these comment ids that are fbsync's own replies. */
  private ourReplies(ids: string[]): Set<string> {
    return new Set(ids.filter((id) => this.ctx.store.isOurReply(id)));
  }

  private async importComment(post: FbPost, kind: NewCommentKind, comment: FbComment, pass: PostPass): Promise<void> {
    const { store, pageName } = this.ctx;
    if (kind !== 'person') {
      // Rule 4: the Page's comments never make contacts or tasks. fbsync's own replies are echoes;
      // an admin's direct answer joins the post's current task, or waits for its next one.
      if (kind === 'echo' || adoptEcho(this.ctx, comment)) {
        store.putComment(skipped(post, comment, pageName));
        return;
      }
      const taskId = await this.tasks.currentTask(post);
      const added = taskId !== undefined && (await this.addAnswers(post, pass, taskId)) && (await this.addPageAnswer(post, comment, pass, taskId));
      if (!added) {
        store.putComment(skipped(post, comment, pageName));
        pass.answers.push(comment);
      }
      return;
    }
    const contact = await this.contacts.resolve(comment.from);
    let taskId = await this.tasks.resolve(post, contact.planfixContactId);
    // The Page answers that waited for this task go first: they are older. A task that refuses
    // them is left for a new one, which the comment then goes to.
    if (!(await this.addAnswers(post, pass, taskId))) {
      taskId = await this.tasks.resolve(post, contact.planfixContactId);
      await this.addAnswers(post, pass, taskId);
    }
    await addToTimeline(this.ctx, this.tasks, post, comment, { contact, context: { authorName: contact.name, replyTo: replyTo(this.ctx, comment, pass) } }, taskId);
  }

  /** Adds the waiting Page answers in order; false when the task refused one (it and the rest keep waiting). */
  private async addAnswers(post: FbPost, pass: PostPass, taskId: number): Promise<boolean> {
    while (pass.answers.length > 0) {
      if (!(await this.addPageAnswer(post, pass.answers[0]!, pass, taskId))) return false;
      pass.answers.shift();
    }
    return true;
  }

  private addPageAnswer(post: FbPost, comment: FbComment, pass: PostPass, taskId: number): Promise<boolean> {
    const authorName = comment.from?.name || this.ctx.pageName;
    return addToTimeline(this.ctx, this.tasks, post, comment, { context: { authorName, replyTo: replyTo(this.ctx, comment, pass), byPage: true } }, taskId);
  }
}

/** One pass over a post's comments. */
interface PostPass {
  byId: Map<string, FbComment>;
  /** Page answers, oldest first, waiting for the post's task. */
  answers: FbComment[];
}

function replyTo(ctx: SyncContext, comment: FbComment, pass: PostPass): CommentContext['replyTo'] {
  if (!comment.parentId) return undefined;
  return threadReplyTo(comment, pass.byId.get(comment.parentId), ctx.store.getComment(comment.parentId));
}

function skipped(post: FbPost, comment: FbComment, pageName: string) {
  return {
    id: comment.id,
    postId: post.id,
    parentId: comment.parentId ?? null,
    authorId: comment.from?.id ?? null,
    authorName: comment.from?.name ?? pageName,
    createdTime: comment.createdTime,
    messageHash: '',
    isHidden: comment.isHidden,
    state: 'skipped' as const,
    taskId: null,
    planfixCommentId: null,
    byPage: true,
  };
}

/** The stored rotation, or undefined when there is none (or it cannot be read: the next cycle lists the whole window). */
function readRotation(raw: string | undefined): Rotation | undefined {
  return parseJsonMeta<Rotation>(raw, (v) => typeof (v as Rotation)?.sweepAt === 'string' && typeof (v as Rotation).lastCycleAt === 'string');
}

