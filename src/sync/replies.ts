import type { FbComment } from '../facebook/types.js';
import { NotFoundError, RefusedError } from '../http/errors.js';
import type { PfComment } from '../planfix/types.js';
import { BudgetExhausted } from './budget.js';
import type { SyncContext } from './context.js';
import { isSideStopper } from './executor.js';
import { htmlToText, replyRefusedNote, replySentNote, sameText } from './format.js';
import { STORE_CREATED_META } from '../store/migrations.js';
import type { ReplyRow } from '../store/store.js';

export const REPLY_CURSOR = 'planfix.changedSince';
/** The token employee's UTC offset, learnt from the local times Planfix shows on fbsync's own comments. */
export const OFFSET_META = 'planfix.utcOffsetMinutes';
/**
 * Planfix filter dates have minute resolution (`gt 12:10` skips 12:10:30) and are read in the token
 * employee's time zone (api-notes-planfix.md §1): look back a minute for the resolution and two for
 * clock skew, and dedupe by id. Until the zone is known, the margin covers every zone
 * (UTC−12 … UTC+14), so no reply is ever missed.
 */
const OVERLAP_MS = 3 * 60_000;
const UNKNOWN_ZONE_OVERLAP_MS = 14 * 3_600_000;
/** Kinds of effect whose result is a Planfix comment written by fbsync: never published back. */
const OWN_COMMENT_KINDS = ['comment', 'comment.deleted', 'comment.hidden', 'comment.unhidden', 'reply.note'];

const DELETED = 'the Facebook comment it answers was deleted.';

interface Target {
  fbCommentId: string;
  authorName: string;
}

/** Planfix → Facebook (rule 4): employees' comments notifying a commenter's contact become Page replies. */
export class Replies {
  /** Set once per run from the store, and when learnt: the zone is learnt once, not on every comment. */
  private zoneKnown = false;

  constructor(private readonly ctx: SyncContext) {
    ctx.adoptEcho = (comment) => this.adoptEcho(comment);
  }

  async run(): Promise<void> {
    const { store, pf, report } = this.ctx;
    const startedAt = new Date();
    // Before the first scan, everything since the store began counts: an answer written between the
    // first import and the first complete scan must not be lost. Older comments of a task are
    // excluded anyway (only those after fbsync's first comment in it are answers).
    const cursor = store.getCursor(REPLY_CURSOR) ?? store.getMeta(STORE_CREATED_META) ?? startedAt.toISOString();
    const offset = store.getMeta(OFFSET_META);
    this.zoneKnown = offset !== undefined;
    const since = new Date(Date.parse(cursor) - (offset === undefined ? UNKNOWN_ZONE_OVERLAP_MS : OVERLAP_MS));
    const taskIds = (await pf.listTasksChangedSince(since, offset === undefined ? 0 : Number(offset))).filter((id) => store.postOfTask(id) !== undefined);
    let complete = true;
    for (const taskId of taskIds) {
      if (this.ctx.budget.exhausted) {
        complete = false;
        break;
      }
      try {
        await this.scanTask(taskId);
      } catch (error) {
        complete = false;
        if (error instanceof BudgetExhausted) {
          report.stoppedEarly ??= error.reason;
          break;
        }
        if (isSideStopper(error)) throw error;
        report.fail(`task:${taskId}`, (error as Error).message, (error as { side?: 'facebook' | 'planfix' }).side);
      }
    }
    if (complete) store.setCursor(REPLY_CURSOR, startedAt.toISOString());
  }

  private async scanTask(taskId: number): Promise<void> {
    const { store, pf } = this.ctx;
    const postId = store.postOfTask(taskId)!;
    const first = store.firstImportedCommentId(taskId);
    if (first === undefined) return;
    const comments = await pf.listComments(taskId);
    for (const comment of comments) {
      const own = store.journal.wrote(OWN_COMMENT_KINDS, String(comment.id));
      if (own) {
        if (!this.zoneKnown) this.learnZone(comment, own.updatedAt, own.attempts);
        continue;
      }
      if (comment.id <= first || comment.isDeleted || !comment.ownerId?.startsWith('user:')) continue;
      for (const contactRef of comment.recipientIds.filter((r) => r.startsWith('contact:'))) {
        const contact = store.contactByPlanfixId(Number(contactRef.slice('contact:'.length)));
        if (!contact) continue;
        const latest = store.latestCommentBy(postId, contact.fbUserId);
        if (!latest) continue;
        const target: Target = { fbCommentId: latest.parentId ?? latest.id, authorName: contact.name };
        const done = store.getReply(comment.id, target.fbCommentId);
        if (!done && latest.state === 'deleted') await this.refuse({ planfixCommentId: comment.id, fbTargetId: target.fbCommentId, taskId, reason: DELETED }, target);
        else if (!done) await this.publish(taskId, comment, target);
        // A crash may have come between the reply and its mark in the task.
        else if (store.journal.get(noteKey(done))?.state !== 'done') await this.markInTask(done, target.authorName);
      }
    }
  }

  private async publish(taskId: number, comment: PfComment, target: Target): Promise<void> {
    const { store, fb, executor, report, pageId } = this.ctx;
    const text = htmlToText(comment.description);
    const base = { planfixCommentId: comment.id, fbTargetId: target.fbCommentId, taskId };
    if (!text) {
      await this.refuse({ ...base, reason: 'the comment has no text to publish (attachments are not sent to Facebook).' }, target);
      return;
    }
    try {
      await executor.perform({
        key: `reply:${comment.id}:${target.fbCommentId}`,
        kind: 'reply',
        payload: text,
        check: async () => {
          const replies = await fb.listReplies(target.fbCommentId);
          const mine = replies.find((r) => r.from?.id === pageId && sameText(r.message, text) && !store.isOurReply(r.id));
          return mine ? { id: mine.id, permalinkUrl: mine.permalinkUrl } : undefined;
        },
        write: () => fb.reply(target.fbCommentId, text),
        remoteId: (r) => r.id,
        commit: (r) => {
          store.putReply({ ...base, fbReplyId: r.id, permalinkUrl: r.permalinkUrl ?? null, state: 'sent', reason: null });
          report.count('reply.published');
        },
      });
    } catch (error) {
      // Deleted comment, closed thread, policy block (368): tell the employee once, never retry.
      if (error instanceof NotFoundError) await this.refuse({ ...base, reason: DELETED }, target);
      else if (error instanceof RefusedError) await this.refuse({ ...base, reason: `Facebook refused it: ${error.message}` }, target);
      else throw error;
      return;
    }
    await this.markInTask(store.getReply(comment.id, target.fbCommentId)!, target.authorName);
  }

  private async refuse(reply: { planfixCommentId: number; fbTargetId: string; taskId: number; reason: string }, target: Target): Promise<void> {
    this.ctx.store.putReply({ ...reply, fbReplyId: null, permalinkUrl: null, state: 'refused' });
    this.ctx.report.count('reply.refused');
    await this.markInTask(this.ctx.store.getReply(reply.planfixCommentId, reply.fbTargetId)!, target.authorName);
  }

  /** The visible "sent" / "not sent" mark in the task, written once (found by its marker after a crash). */
  private async markInTask(reply: ReplyRow, authorName: string): Promise<void> {
    const { pf, executor } = this.ctx;
    const marker = noteMarker(reply);
    const description =
      reply.state === 'sent'
        ? replySentNote(marker, authorName, reply.permalinkUrl ?? undefined)
        : replyRefusedNote(marker, authorName, reply.reason ?? 'unknown reason');
    await executor.perform({
      key: noteKey(reply),
      kind: 'reply.note',
      check: async () => (await pf.listComments(reply.taskId)).find((c) => hasExactMarker(c.description, marker))?.id,
      write: async () => (await pf.addComment(reply.taskId, { description })).id,
      remoteId: (id) => String(id),
      commit: () => undefined,
    });
  }

  /** Planfix shows fbsync's own comment at local time T; fbsync wrote it at UTC time U: the zone is T − U. */
  private learnZone(comment: PfComment, writtenAt: string, attempts: number): void {
    if (attempts !== 1 || !comment.localTime) return;
    const m = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2})/.exec(comment.localTime);
    if (!m) return;
    const localAsUtc = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]));
    const minutes = Math.round((localAsUtc - Date.parse(writtenAt)) / 60_000 / 15) * 15;
    if (Math.abs(minutes) > 14 * 60) return;
    this.ctx.store.setMeta(OFFSET_META, String(minutes));
    this.zoneKnown = true;
  }

  /**
   * A Page comment under a target with the text of a reply whose outcome a crash left unknown is
   * that reply: record it instead of importing it as an admin's answer.
   */
  private async adoptEcho(comment: FbComment): Promise<boolean> {
    const { store, report } = this.ctx;
    if (!comment.parentId) return false;
    for (const effect of store.journal.unfinished('reply', 'reply:')) {
      const [, pfCommentId, target] = effect.key.split(':');
      if (target !== comment.parentId || effect.payload === null || !sameText(effect.payload, comment.message)) continue;
      const taskId = store.getComment(comment.parentId)?.taskId ?? 0;
      store.journal.markDone(effect.key, comment.id, () => {
        store.putReply({ planfixCommentId: Number(pfCommentId), fbTargetId: target, taskId, fbReplyId: comment.id, permalinkUrl: comment.permalinkUrl ?? null, state: 'sent', reason: null });
        report.count('recovered');
      });
      return true;
    }
    return false;
  }
}

function noteMarker(reply: ReplyRow): string {
  return `fbreply:${reply.planfixCommentId}:${reply.fbTargetId}${reply.state === 'refused' ? ':refused' : ''}`;
}

function noteKey(reply: ReplyRow): string {
  return `replynote:${noteMarker(reply)}`;
}

function hasExactMarker(description: string, marker: string): boolean {
  const at = description.indexOf(marker);
  return at >= 0 && !/[0-9_:a-z]/.test(description.charAt(at + marker.length));
}
