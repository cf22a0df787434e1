import type { FacebookPage, FbComment } from '../facebook/types.js';
import { parseReplyKey, replyKey, replyNoteKey, repliesPrefix } from './effect-keys.js';
import type { PfComment } from '../planfix/types.js';
import { HIDDEN_AUTHOR, type SyncContext } from './context.js';
import { carriesMarker, replyNoteMarker } from './markers.js';
import { answerRecipients, chooseTarget, OWN_COMMENT_KINDS, postponement, publishable, recipientKind, replyRefusal, REPLY_REASONS, settleStep } from './reply-rules.js';
import { htmlToText, replyPostponedNote, replyRefusedNote, replySentNote, sameText } from './format.js';
import type { ReplyRow, ReplyTargetRow } from '../store/store.js';
import { META, parseJsonMeta } from '../store/meta-keys.js';
import { parseOwnReplies, withOwnReply } from './inbound-plan.js';

export const REPLY_CURSOR = 'planfix.changedSince';
/**
 * Planfix filter dates have minute resolution (`gt 12:10` skips 12:10:30) and are read in the token
 * employee's time zone (api-notes-planfix.md §1): look back a minute for the resolution and two for
 * clock skew, and dedupe by id. Until the zone is known, the margin covers every zone
 * (UTC−12 … UTC+14), so no reply is ever missed.
 */
const OVERLAP_MS = 3 * 60_000;
const UNKNOWN_ZONE_OVERLAP_MS = 14 * 3_600_000;

interface Target {
  fbCommentId: string;
  authorName: string;
}

type ReplyBase = Pick<ReplyRow, 'planfixCommentId' | 'fbTargetId' | 'taskId'>;

/**
 * A task Planfix lists because fbsync itself just wrote to it (this cycle's imports) is read next
 * cycle instead of now: the reply cursor stays at or before fbsync's first write to it, so the next
 * cycle lists it again and reads it once, whatever else changed in it meanwhile. A task is never
 * left twice in a row (a post commented on every cycle still has its answers read every other
 * cycle). Saves one read of each task a busy cycle writes to.
 */
export function deferOwnWrites(
  listed: readonly number[],
  written: ReadonlyMap<number, number> | undefined,
  deferredLastCycle: readonly number[],
  startedAt: number,
): { scan: number[]; deferred: number[]; cursorAt: number } {
  const before = new Set(deferredLastCycle);
  const scan: number[] = [];
  const deferred: number[] = [];
  let cursorAt = startedAt;
  for (const id of listed) {
    const at = written?.get(id);
    if (at === undefined || before.has(id)) scan.push(id);
    else {
      deferred.push(id);
      cursorAt = Math.min(cursorAt, at);
    }
  }
  return { scan, deferred, cursorAt };
}

function readIds(raw: string | undefined): number[] {
  return (parseJsonMeta<unknown[]>(raw, Array.isArray) ?? []).filter((v): v is number => typeof v === 'number');
}

/** Planfix → Facebook (rule 4): employees' comments notifying a commenter's contact become Page replies. */
export class Replies {
  /** Set once per run from the store, and when learnt: the zone is learnt once, not on every comment. */
  private zoneKnown = false;

  constructor(private readonly ctx: SyncContext) {}

  /** The reply pass; what stops it goes to the run's outcome. */
  async run(): Promise<void> {
    await this.ctx.outcome.told(() => this.pass());
  }

  private async pass(): Promise<void> {
    const { store, pf, report, outcome } = this.ctx;
    const startedAt = new Date();
    // Before the first scan, everything since the store began counts: an answer written between the
    // first import and the first complete scan must not be lost. Older comments of a task fbsync
    // found rather than made are excluded anyway (store.answersAfter).
    const cursor = store.getCursor(REPLY_CURSOR) ?? store.getMeta(META.storeCreatedAt) ?? startedAt.toISOString();
    const offset = store.getMeta(META.planfixUtcOffset);
    this.zoneKnown = offset !== undefined;
    const since = new Date(Date.parse(cursor) - (offset === undefined ? UNKNOWN_ZONE_OVERLAP_MS : OVERLAP_MS));
    // Several Pages: one scan for all their templates (filter 51 takes an array).
    const changed = await pf.listTasksChangedSince(since, offset === undefined ? 0 : Number(offset), this.ctx.pages?.taskTemplateIds);
    const listed = changed.filter((id) => store.postOfTask(id) !== undefined);
    const { scan: taskIds, deferred, cursorAt } = deferOwnWrites(listed, this.ctx.writtenThisCycle, readIds(store.getMeta(META.repliesDeferred)), startedAt.getTime());
    let complete = true;
    for (const taskId of taskIds) {
      if (!outcome.mayGoOn) {
        complete = false;
        break;
      }
      try {
        if (!(await this.scanTask(taskId))) complete = false;
      } catch (error) {
        complete = false;
        if (outcome.absorb(error)) break;
        report.fail(`task:${taskId}`, (error as Error).message, (error as { side?: 'facebook' | 'planfix' }).side);
      }
    }
    // Kept even when the pass is incomplete: a task left now is read next cycle, whatever happens.
    store.setMeta(META.repliesDeferred, JSON.stringify(deferred));
    // `--page`: the other Pages' changed tasks were not listed; the next full run lists them from here (answers are never published twice).
    if (complete && !this.ctx.replyCursorFrozen) store.setCursor(REPLY_CURSOR, new Date(cursorAt).toISOString());
    if (outcome.mayGoOn) await this.retryPostponed(startedAt);
  }

  /** Returns false when an answer had to wait (its person's comment on the post failed to import this run). */
  private async scanTask(taskId: number): Promise<boolean> {
    const { store, pf, report } = this.ctx;
    const postId = store.postOfTask(taskId)!;
    const first = store.answersAfter(taskId);
    if (first === undefined) return true;
    let complete = true;
    const comments = await pf.listComments(taskId);
    for (const comment of comments) {
      const own = store.journal.wrote(OWN_COMMENT_KINDS, String(comment.id));
      if (own && !this.zoneKnown) this.learnZone(comment, own.updatedAt, own.attempts);
      for (const contactId of answerRecipients(comment, own !== undefined, first)) {
        const contact = store.contactByPlanfixId(contactId);
        const kind = recipientKind(contact);
        if (kind === 'none' || !contact) continue;
        if (kind === 'unaddressable') {
          await this.unaddressable(taskId, comment.id, contact.fbUserId, contact.name);
          continue;
        }
        const decided = this.decideTarget(taskId, postId, comment.id, contact.fbUserId);
        if (decided) await this.settle(decided, { fbCommentId: decided.fbTargetId, authorName: contact.name }, () => htmlToText(comment.description));
        // The person's comment may be what failed to import: look again next run instead of passing the answer by.
        else if (report.failed.some((f) => f.item === `post:${postId}`)) complete = false;
      }
    }
    return complete;
  }

  /**
   * Rule 4, "one answer, one reply": the comment an answer is for is chosen the first time fbsync
   * sees the answer and stored; later comments of the person, re-reads and crashes never move it.
   * The choice is the person's latest comment already in the task when the employee wrote the answer.
   */
  private decideTarget(taskId: number, postId: string, planfixCommentId: number, fbUserId: string): ReplyTargetRow | undefined {
    const { store } = this.ctx;
    const known = store.getReplyTarget(planfixCommentId, fbUserId);
    if (known) return known;
    const legacy = this.legacyTarget(postId, planfixCommentId, fbUserId);
    const target = legacy ?? chooseTarget(store.commentsBy(postId, fbUserId), planfixCommentId);
    if (!target) return undefined;
    return store.putReplyTarget({ planfixCommentId, fbUserId, taskId, ...target });
  }

  /** A store from before decisions were recorded: an answer already published (or under way) into one of the person's threads keeps that thread. */
  private legacyTarget(postId: string, planfixCommentId: number, fbUserId: string): { fbCommentId: string; fbTargetId: string } | undefined {
    const { store } = this.ctx;
    const threads = new Set(store.commentsBy(postId, fbUserId).map((c) => c.parentId ?? c.id));
    const targets = [
      ...store.repliesOf(planfixCommentId).map((r) => r.fbTargetId),
      ...store.journal.unfinished('reply', repliesPrefix(planfixCommentId)).flatMap((e) => parseReplyKey(e.key)?.fbTargetId ?? []),
    ];
    const thread = targets.find((t) => threads.has(t));
    return thread === undefined ? undefined : { fbCommentId: thread, fbTargetId: thread };
  }

  /** Brings one decided answer to its end: published, refused, or waiting out a temporary block. */
  private async settle(decided: ReplyTargetRow, target: Target, text: () => string): Promise<void> {
    const { store } = this.ctx;
    const done = store.getReply(decided.planfixCommentId, decided.fbTargetId);
    const base = { planfixCommentId: decided.planfixCommentId, fbTargetId: decided.fbTargetId, taskId: decided.taskId };
    const noteDone = done !== undefined && store.journal.get(noteKeyOf(done))?.state === 'done';
    // A postponed reply waits for its time in `retryPostponed`: the scan of a changed task does not hurry it.
    const step = settleStep(done, noteDone, store.getComment(decided.fbCommentId), store.getComment(decided.fbTargetId));
    if (step.kind === 'publish') await this.publish(base, text(), target);
    else if (step.kind === 'refuse') await this.refuse({ ...base, reason: step.reason }, target);
    // A crash may have come between the reply and its mark in the task.
    else if (step.kind === 'mark') await this.markInTask(done!, target.authorName);
  }

  /** Replies Facebook blocked for a while (368) are tried again when their wait is over, whether or not their task changed. */
  private async retryPostponed(now: Date): Promise<void> {
    const { store } = this.ctx;
    for (const reply of store.dueReplies(now.toISOString())) {
      if (!this.ctx.outcome.mayGoOn) return;
      const text = store.journal.get(replyKeyOf(reply))?.payload;
      const authorName = store.contactOfReply(reply.planfixCommentId, reply.fbTargetId)?.name ?? HIDDEN_AUTHOR.name;
      const base = { planfixCommentId: reply.planfixCommentId, fbTargetId: reply.fbTargetId, taskId: reply.taskId };
      try {
        if (!text) await this.refuse({ ...base, reason: 'its text was not kept (a store from an older fbsync).' }, { fbCommentId: reply.fbTargetId, authorName });
        else await this.publish(base, text, { fbCommentId: reply.fbTargetId, authorName }, reply);
      } catch (error) {
        if (this.ctx.outcome.absorb(error)) return;
        this.ctx.report.fail(`reply:${reply.planfixCommentId}`, (error as Error).message, (error as { side?: 'facebook' | 'planfix' }).side);
      }
    }
  }

  /** The Page an answer is published as: its post's Page (the post id's prefix), through that Page's client. */
  private pageOf(taskId: number): { fb: FacebookPage; pageId: string } {
    const { pages, fb, pageId } = this.ctx;
    if (!pages) return { fb, pageId };
    const postId = this.ctx.store.postOfTask(taskId) ?? '';
    const owner = postId.slice(0, Math.max(0, postId.indexOf('_')));
    const client = pages.clients.get(owner);
    if (!client) throw new Error(`the post ${postId} belongs to Page ${owner || '(unknown)'}, which fbsync cannot publish as this run (its token is missing or was refused, its own Facebook limit was reached, or the Page is not configured); the answer waits`);
    return { fb: client.fb, pageId: owner };
  }

  private async publish(base: ReplyBase, text: string, target: Target, postponed?: ReplyRow): Promise<void> {
    const { store, executor, report } = this.ctx;
    const ready = publishable(text);
    if (!ready.ok) {
      await this.refuse({ ...base, reason: ready.reason }, target);
      return;
    }
    const { fb, pageId } = this.pageOf(base.taskId);
    try {
      await executor.perform({
        key: replyKeyOf(base),
        kind: 'reply',
        payload: text,
        check: async () => {
          const replies = await fb.listReplies(target.fbCommentId);
          const mine = replies.find((r) => r.from?.id === pageId && sameText(r.message, text) && !store.isOurReply(r.id));
          return mine ? { id: mine.id, permalinkUrl: mine.permalinkUrl } : undefined;
        },
        write: () => fb.reply(target.fbCommentId, text),
        remoteId: (r) => r.id,
        dryRun: { says: () => `publish a reply under Facebook comment ${target.fbCommentId}`, result: (id) => ({ id: String(id) }) },
        commit: (r) => {
          store.putReply({ ...base, fbReplyId: r.id, permalinkUrl: r.permalinkUrl ?? null, state: 'sent', reason: null });
          report.count('reply.published');
          this.noteOwnReply(base.taskId);
        },
      });
    } catch (error) {
      // Deleted comment, closed thread: tell the employee once, never retry. A block Facebook calls temporary (368) waits.
      const refusal = replyRefusal(error);
      if (!refusal) throw error;
      if (refusal.kind === 'postpone') await this.postpone(base, target, refusal.reason, postponed);
      else await this.refuse({ ...base, reason: refusal.reason }, target);
      return;
    }
    await this.markInTask(store.getReply(base.planfixCommentId, base.fbTargetId)!, target.authorName);
  }

  private async postpone(base: ReplyBase, target: Target, reason: string, earlier?: ReplyRow): Promise<void> {
    const wait = postponement(earlier?.blockedSince ?? undefined, Date.now());
    if (wait.giveUp) {
      await this.refuse({ ...base, reason: `Facebook kept blocking the Page's replies for ${wait.blockedHours} hours (${reason}).` }, target);
      return;
    }
    const row: ReplyRow = { ...base, fbReplyId: null, permalinkUrl: null, state: 'postponed', reason, retryAt: wait.retryAt, blockedSince: wait.blockedSince };
    this.ctx.store.putReply(row);
    this.ctx.report.count('reply.postponed');
    await this.markInTask(row, target.authorName);
  }

  /** An answer to a shared card (hidden authors, the contact-limit card): whom to answer cannot be told; said once in the task. */
  private async unaddressable(taskId: number, planfixCommentId: number, card: string, cardName: string): Promise<void> {
    const done = this.ctx.store.getReply(planfixCommentId, card);
    const target = { fbCommentId: card, authorName: cardName };
    if (!done) await this.refuse({ planfixCommentId, fbTargetId: card, taskId, reason: REPLY_REASONS.sharedCard }, target);
    else if (this.ctx.store.journal.get(noteKeyOf(done))?.state !== 'done') await this.markInTask(done, cardName);
  }

  private async refuse(reply: ReplyBase & { reason: string }, target: Target): Promise<void> {
    this.ctx.store.putReply({ ...reply, fbReplyId: null, permalinkUrl: null, state: 'refused' });
    this.ctx.report.count('reply.refused');
    await this.markInTask(this.ctx.store.getReply(reply.planfixCommentId, reply.fbTargetId)!, target.authorName);
  }

  /** The visible "sent" / "not sent" mark in the task, written once (found by its marker after a crash). */
  private async markInTask(reply: ReplyRow, authorName: string): Promise<void> {
    const { pf, executor } = this.ctx;
    const marker = noteMarker(reply);
    const reason = reply.reason ?? 'unknown reason';
    const description =
      reply.state === 'sent'
        ? replySentNote(marker, authorName, reply.permalinkUrl ?? undefined)
        : reply.state === 'postponed'
          ? replyPostponedNote(marker, authorName, reason)
          : replyRefusedNote(marker, authorName, reason);
    await executor.perform({
      key: noteKeyOf(reply),
      kind: 'reply.note',
      check: async () => (await pf.listComments(reply.taskId)).find((c) => carriesMarker(c.description, marker))?.id,
      write: async () => (await pf.addComment(reply.taskId, { description })).id,
      remoteId: (id) => String(id),
      dryRun: { says: () => `note in task #${reply.taskId} that the answer was ${reply.state}`, result: (id) => id },
      commit: () => undefined,
    });
  }

  /** The post's next listing will show this reply: its read can be spared (inbound-plan.ts onlyOwnReplies). */
  private noteOwnReply(taskId: number): void {
    const { store } = this.ctx;
    const postId = store.postOfTask(taskId);
    const row = postId === undefined ? undefined : store.getPost(postId);
    if (!postId || !row || row.commentCount === null) return;
    const key = META.ownReplies(postId);
    store.setMeta(key, JSON.stringify(withOwnReply(parseOwnReplies(store.getMeta(key)), row.commentCount, new Date().toISOString())));
  }

  /** Planfix shows fbsync's own comment at local time T; fbsync wrote it at UTC time U: the zone is T − U. */
  private learnZone(comment: PfComment, writtenAt: string, attempts: number): void {
    if (attempts !== 1 || !comment.localTime) return;
    const m = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2})/.exec(comment.localTime);
    if (!m) return;
    const localAsUtc = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]));
    const minutes = Math.round((localAsUtc - Date.parse(writtenAt)) / 60_000 / 15) * 15;
    if (Math.abs(minutes) > 14 * 60) return;
    this.ctx.store.setMeta(META.planfixUtcOffset, String(minutes));
    this.zoneKnown = true;
  }
}

function noteMarker(reply: ReplyRow): string {
  return replyNoteMarker(reply.planfixCommentId, reply.fbTargetId, reply.state);
}

/** Built from the decided target only, so it never moves (architecture.md § Read → plan → execute). */
function replyKeyOf(reply: ReplyBase): string {
  return replyKey(reply.planfixCommentId, reply.fbTargetId);
}

function noteKeyOf(reply: ReplyRow): string {
  return replyNoteKey(noteMarker(reply));
}
