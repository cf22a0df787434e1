import type { FbComment, FbPost } from '../facebook/types.js';
import { commentKey } from './effect-keys.js';
import { NotFoundError } from '../http/errors.js';
import type { ContactRow } from '../store/store.js';
import { noteContactLimitUse } from './contacts.js';
import type { SyncContext } from './context.js';
import { commentDescription, commentHash, snippet, type CommentContext } from './format.js';
import { carriesMarker, commentMarker } from './markers.js';
import { newTaskRefuses, taskRefusal } from './task-plan.js';
import { ConfigError } from '../errors.js';
import type { TaskResolver } from './tasks.js';
import type { Effect } from './executor.js';

/**
 * Rule 3: puts one Facebook comment on its post's task timeline, exactly once. After a crash the
 * task's comments are searched for the comment's marker before it is added again. Returns false
 * when the task is gone or refuses comments and the comment is the Page's (which never opens a
 * task): it waits for the post's next task.
 */
export async function addToTimeline(
  ctx: SyncContext,
  tasks: TaskResolver,
  post: FbPost,
  comment: FbComment,
  author: { contact?: ContactRow; context: CommentContext },
  taskId: number,
): Promise<boolean> {
  const description = commentDescription(comment, author.context);
  const perform = (target: number) => ctx.executor.perform(commentEffect(ctx, post, comment, author, description, target));
  const refusedByNewTask = (error: unknown, id: number) => {
    if (newTaskRefuses(taskRefusal(error), ctx.store.isFreshTask(id))) throw templateRefusesComments(id);
  };
  try {
    await perform(taskId);
    return true;
  } catch (error) {
    const refusal = taskRefusal(error);
    if (!refusal) throw error;
    refusedByNewTask(error, taskId);
    // The task was deleted, or its status takes no comments (whatever sync.reopenClosedTasks
    // says): rule 2 says the post's next comment opens a new task.
    tasks.retire(post.id, taskId, refusal.refused);
    if (author.context.byPage) return false;
    const next = await tasks.resolve(post, author.contact?.planfixContactId);
    try {
      await perform(next);
    } catch (error) {
      refusedByNewTask(error, next);
      throw error;
    }
    return true;
  }
}

/** The `comment:<id>` effect: the comment into task `target`, found again by its marker after a crash. */
function commentEffect(
  ctx: SyncContext,
  post: FbPost,
  comment: FbComment,
  author: { contact?: ContactRow; context: CommentContext },
  description: string,
  target: number,
): Effect<{ id: number; taskId: number }> {
  const { store, pf, report } = ctx;
  return {
    key: commentKey(comment.id),
    kind: 'comment',
    check: async () => {
      // The earlier attempt may have gone to an older task of the post, if that one closed since.
      const candidates = [target, ...store.tasksOfPost(post.id).map((t) => t.taskId).reverse()];
      for (const id of new Set(candidates)) {
        const found = (await pf.listComments(id).catch((e) => (e instanceof NotFoundError ? [] : Promise.reject(e)))).find((c) =>
          carriesMarker(c.description, commentMarker(comment.id)),
        );
        if (found) return { id: found.id, taskId: id };
      }
      return undefined;
    },
    write: async () => ({ id: (await pf.addComment(target, { description, ownerContactId: author.contact?.planfixContactId })).id, taskId: target }),
    remoteId: (r) => String(r.id),
    dryRun: {
      says: () => `create comment in task ${target < 0 ? '(new)' : `#${target}`}: ${snippet(description.replace(/<br>/g, ' ').replace(/<[^>]+>/g, ''), 100)}`,
      result: (id) => ({ id, taskId: target }),
    },
    commit: (r) => {
      store.putComment({
        id: comment.id,
        postId: post.id,
        parentId: comment.parentId ?? null,
        authorId: comment.from?.id ?? null,
        authorName: author.context.authorName,
        createdTime: comment.createdTime,
        messageHash: commentHash(comment),
        isHidden: comment.isHidden,
        state: 'imported',
        taskId: r.taskId,
        planfixCommentId: r.id,
        byPage: author.context.byPage ?? false,
      });
      noteContactLimitUse(store, author.contact);
      report.count(author.context.byPage ? 'comment.pageAnswer' : 'comment.imported');
    },
  };
}

function templateRefusesComments(taskId: number): ConfigError {
  return new ConfigError(
    `Planfix refused the first comment in task #${taskId}, which fbsync created for a Facebook post (code 6: its status takes no new comments), so every task from this template would refuse too. ` +
      `Choose a planfix.taskTemplateId whose new tasks accept comments (or change the template's process), and move task #${taskId} to a status that takes comments or delete it; then run again.`,
    'planfix.taskTemplateId',
  );
}
