import type { FbComment, FbPost } from '../facebook/types.js';
import { editKey, noteKey, notesPrefix, postDescriptionKey } from './effect-keys.js';
import type { CommentRow } from '../store/store.js';
import type { SyncContext } from './context.js';
import { commentDescription, postHash, statusNote, taskDescription } from './format.js';
import { threadReplyTo, type KnownChange } from './inbound-plan.js';
import type { TaskResolver } from './tasks.js';
import { carriesMarker, commentNoteMarker } from './markers.js';

/** Rule 5: an edited post text updates the description of its current task (active, or the last one under sync.reopenClosedTasks: false). */
export async function updatePostDescription(ctx: SyncContext, tasks: TaskResolver, post: FbPost): Promise<void> {
  const taskId = await tasks.currentTask(post);
  if (taskId === undefined) return;
  await ctx.executor.perform({
    key: postDescriptionKey(post.id, postHash(post)),
    kind: 'task.update',
    // Setting a description twice does no harm: no remote check needed.
    check: async () => undefined,
    write: async () => {
      await ctx.pf.updateTaskDescription(taskId, taskDescription(post));
      return taskId;
    },
    remoteId: (id) => String(id),
    dryRun: { says: () => `update the description of task #${taskId}`, result: () => taskId },
    commit: () => ctx.report.count('task.updated'),
  });
}

/**
 * Rule 5: carries out one change planned by planKnownChanges (inbound-plan.ts): an edit replaces
 * the text of the Planfix entry (marked edited), deletion and hiding are noted on the timeline;
 * nothing in Planfix is deleted. `byId`: the post's comments as just read.
 */
export async function applyChange(ctx: SyncContext, change: KnownChange, byId: ReadonlyMap<string, FbComment>): Promise<void> {
  switch (change.kind) {
    case 'markEdited':
      return applyEdit(ctx, change.row, change.now, change.hash, byId);
    case 'markDeleted':
      return addNote(ctx, change.row, 'deleted');
    case 'markHidden':
    case 'markUnhidden':
      // After an edit of the same comment, the row it committed.
      return addNote(ctx, ctx.store.getComment(change.row.id)!, change.kind === 'markHidden' ? 'hidden' : 'unhidden', change.now);
  }
}

async function applyEdit(ctx: SyncContext, row: CommentRow, now: FbComment, hash: string, byId: ReadonlyMap<string, FbComment>): Promise<void> {
  // Marked as its import was: the same thread context (threadReplyTo), the new text.
  const replyTo = now.parentId ? threadReplyTo(now, byId.get(now.parentId), ctx.store.getComment(now.parentId)) : undefined;
  const description = commentDescription(now, { authorName: row.authorName ?? 'Facebook user', replyTo, byPage: row.byPage, edited: true });
  await ctx.executor.perform({
    key: editKey(row.id, hash),
    kind: 'comment.edit',
    // Replacing the text is idempotent.
    check: async () => undefined,
    write: async () => {
      await ctx.pf.updateComment(row.taskId!, row.planfixCommentId!, description);
      return row.planfixCommentId!;
    },
    remoteId: (id) => String(id),
    dryRun: { says: () => `update comment #${row.planfixCommentId} (edited on Facebook)`, result: () => row.planfixCommentId! },
    commit: () => {
      ctx.store.putComment({ ...row, messageHash: hash, state: 'edited' });
      ctx.report.count('comment.edited');
    },
  });
}

async function addNote(ctx: SyncContext, row: CommentRow, what: 'deleted' | 'hidden' | 'unhidden', now?: FbComment): Promise<void> {
  const taskId = row.taskId!;
  const description = statusNote({ id: row.id, permalinkUrl: now?.permalinkUrl }, what, row.authorName ?? 'Facebook user');
  // Hide/unhide can happen more than once: the n-th note of a kind is its own effect, numbered by the notes already done.
  const seen = ctx.store.journal.countDone(`comment.${what}`, notesPrefix(what, row.id));
  await ctx.executor.perform({
    key: noteKey(what, row.id, seen),
    kind: `comment.${what}`,
    check: async () => {
      const found = (await ctx.pf.listComments(taskId)).filter((c) => carriesMarker(c.description, commentNoteMarker(row.id, what)));
      return found[seen]?.id;
    },
    write: async () => (await ctx.pf.addComment(taskId, { description })).id,
    remoteId: (id) => String(id),
    dryRun: { says: () => `note in task #${taskId} that comment ${row.id} was ${what} on Facebook`, result: (id) => id },
    commit: () => {
      ctx.store.putComment({ ...row, isHidden: what === 'hidden' ? true : what === 'unhidden' ? false : row.isHidden, state: what === 'deleted' ? 'deleted' : row.state });
      ctx.report.count(what === 'deleted' ? 'comment.deleted' : 'comment.hidden');
    },
  });
}
