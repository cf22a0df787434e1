import pLimit from 'p-limit';
import type { FbComment, FbPost } from '../facebook/types.js';
import { BudgetExhausted } from './budget.js';
import { ContactResolver } from './contacts.js';
import { HIDDEN_AUTHOR, type SyncContext } from './context.js';
import { isSideStopper } from './executor.js';
import { postHash, type CommentContext } from './format.js';
import { reconcileKnownComments, updatePostDescription } from './changes.js';
import { TaskResolver } from './tasks.js';
import { addToTimeline } from './timeline.js';

export interface InboundOptions {
  /** Oldest post creation time watched. */
  since: Date;
  until?: Date;
  /** Re-read every comment of this many unchanged posts per run, to notice edits, hides and deletions. */
  rescanPerRun: number;
  onPostDone?(post: FbPost, newComments: number): void;
}

/** Facebook → Planfix (rules 1–3, 5): one pass over the posts of the window. */
export class Inbound {
  readonly contacts: ContactResolver;
  readonly tasks: TaskResolver;
  /** The error that ends this pass for every post (throttle, refused credentials, configuration). */
  stop: unknown;

  constructor(private readonly ctx: SyncContext) {
    this.contacts = new ContactResolver(ctx);
    this.tasks = new TaskResolver(ctx);
  }

  async run(options: InboundOptions): Promise<void> {
    const { fb, store, report } = this.ctx;
    const limit = pLimit(Math.max(1, this.ctx.concurrency));
    const work: Promise<void>[] = [];
    const unchanged: FbPost[] = [];
    for await (const page of fb.listPosts({ since: options.since, until: options.until })) {
      for (const post of page) {
        report.postsChecked++;
        if (this.needsSync(post)) work.push(limit(() => this.syncPostSafely(post, options)));
        else if ((post.commentCount ?? 0) > 0) unchanged.push(post);
      }
      if (this.stop || this.ctx.budget.exhausted) break;
    }
    // Comments carry no updated time: edits and deletions show only by re-reading. Oldest scan first.
    unchanged.sort((a, b) => (store.getPost(a.id)?.fullScanAt ?? '').localeCompare(store.getPost(b.id)?.fullScanAt ?? ''));
    for (const post of unchanged.slice(0, options.rescanPerRun)) work.push(limit(() => this.syncPostSafely(post, options, true)));
    await Promise.all(work);
    if (this.stop) throw this.stop;
  }

  /** A post is read again when Facebook says it changed (new comment, edit), or when an earlier pass did not finish it. */
  needsSync(post: FbPost): boolean {
    const stored = this.ctx.store.getPost(post.id);
    // Without the comment-count summary a new reply may not move updated_time (api-notes-facebook.md §9.3): read it.
    if (post.commentCount === undefined) return true;
    return !stored || stored.updatedTime !== post.updatedTime || stored.commentCount !== post.commentCount || stored.syncedAt === null;
  }

  /** syncPost, with its failure recorded in the report instead of thrown; errors that end the pass are kept in `stop`. */
  async syncPostSafely(post: FbPost, options: Pick<InboundOptions, 'onPostDone'>, rescan = false): Promise<void> {
    if (this.stop || this.ctx.budget.exhausted) return;
    try {
      const added = await this.syncPost(post, rescan);
      options.onPostDone?.(post, added);
    } catch (error) {
      if (error instanceof BudgetExhausted) {
        this.ctx.report.stoppedEarly ??= error.reason;
      } else if (isSideStopper(error)) {
        this.stop ??= error;
      } else {
        this.ctx.report.fail(`post:${post.id}`, (error as Error).message, (error as { side?: 'facebook' | 'planfix' }).side);
      }
    }
  }

  /** Imports a post's new comments in order; the post is marked synced only when all are in. Returns how many were added. */
  async syncPost(post: FbPost, rescan = false): Promise<number> {
    const { store, fb } = this.ctx;
    const stored = store.getPost(post.id);
    const waiting = new Set(this.waitingAnswers(post.id));
    // A Page answer waiting for its task is read again with the rest, whatever page it is on.
    const full = !stored || stored.syncedAt === null || rescan || (post.commentCount ?? 0) < (stored.commentCount ?? 0) || waiting.size > 0;
    const comments: FbComment[] = [];
    for await (const page of fb.listComments(post.id, { newestFirst: true })) {
      comments.push(...page);
      this.ctx.report.commentsSeen += page.length;
      // Newest first: once a whole page is known, everything older is too (they were imported in order).
      // Only when the page really is newest first: a Graph that ignored `order` would otherwise hide new comments.
      if (!full && newestFirst(page) && page.every((c) => store.getComment(c.id))) break;
    }
    comments.sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.id.localeCompare(b.id));
    const byId = new Map(comments.map((c) => [c.id, c]));
    const fresh = new Set(comments.filter((c) => !store.getComment(c.id)));

    if (stored && stored.messageHash !== postHash(post)) await updatePostDescription(this.ctx, this.tasks, post);
    if (full && stored) await reconcileKnownComments(this.ctx, post, comments);
    // A waiting answer deleted on Facebook waits no more (the read was full).
    for (const id of waiting) if (!byId.has(id)) store.putComment({ ...store.getComment(id)!, state: 'deleted' });
    const pass: PostPass = { byId, answers: [] };
    for (const comment of comments) {
      if (waiting.has(comment.id)) pass.answers.push(comment);
      else if (fresh.has(comment)) await this.importComment(post, comment, pass);
    }

    const now = new Date().toISOString();
    store.savePost({
      id: post.id,
      createdTime: post.createdTime,
      updatedTime: post.updatedTime,
      commentCount: post.commentCount ?? null,
      messageHash: postHash(post),
      permalinkUrl: post.permalinkUrl ?? null,
      syncedAt: now,
      fullScanAt: full ? now : (stored?.fullScanAt ?? null),
    });
    return fresh.size;
  }

  /**
   * Page answers recorded while the post had no task taking comments (rule 4: the timeline is complete):
   * not fbsync's own replies, which stay skipped for good.
   */
  private waitingAnswers(postId: string): string[] {
    const { store } = this.ctx;
    return store.commentsOfPost(postId).filter((r) => r.state === 'skipped' && r.byPage && !store.isOurReply(r.id)).map((r) => r.id);
  }

  private async importComment(post: FbPost, comment: FbComment, pass: PostPass): Promise<void> {
    const { store, pageId, pageName } = this.ctx;
    if (comment.from?.id === pageId) {
      // Rule 4: the Page's comments never make contacts or tasks. fbsync's own replies are echoes;
      // an admin's direct answer joins the post's current task, or waits for its next one.
      if (store.isOurReply(comment.id) || (await this.ctx.adoptEcho?.(comment))) {
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
  const parent = pass.byId.get(comment.parentId);
  const parentRow = ctx.store.getComment(comment.parentId);
  return { authorName: parent?.from?.name ?? parentRow?.authorName ?? HIDDEN_AUTHOR.name, text: parent?.message ?? '' };
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

/** A page sorted newest first, with at least two distinct times to tell by. */
function newestFirst(page: FbComment[]): boolean {
  if (page.length < 2 || page[0]!.createdTime === page[page.length - 1]!.createdTime) return false;
  return page.every((c, i) => i === 0 || page[i - 1]!.createdTime >= c.createdTime);
}
