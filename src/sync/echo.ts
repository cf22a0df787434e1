import type { FbComment } from '../facebook/types.js';
import { parseReplyKey, repliesPrefix } from './effect-keys.js';
import type { SyncContext } from './context.js';
import { sameText } from './format.js';

/**
 * A Page comment under a target with the text of a reply whose outcome a crash left unknown is
 * that reply: record it as sent instead of importing it as an admin's answer. Both of the
 * inbound's sources (`run`, `backfill`) ask it before importing a Page comment.
 */
export function adoptEcho(ctx: Pick<SyncContext, 'store' | 'report'>, comment: FbComment): boolean {
  const { store, report } = ctx;
  if (!comment.parentId) return false;
  for (const effect of store.journal.unfinished('reply', repliesPrefix())) {
    const reply = parseReplyKey(effect.key);
    if (!reply || reply.fbTargetId !== comment.parentId || effect.payload === null || !sameText(effect.payload, comment.message)) continue;
    const taskId = store.getComment(comment.parentId)?.taskId ?? 0;
    store.journal.markDone(effect.key, comment.id, () => {
      store.putReply({ ...reply, taskId, fbReplyId: comment.id, permalinkUrl: comment.permalinkUrl ?? null, state: 'sent', reason: null });
      report.count('recovered');
    });
    return true;
  }
  return false;
}
