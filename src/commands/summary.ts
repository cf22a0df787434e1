import { EXIT } from './exit-codes.js';
import type { Side } from '../http/errors.js';
import type { StopReason } from '../sync/budget.js';
import type { RunReport } from '../sync/report.js';
import { type JsonError, result } from './result.js';

export interface Requests {
  facebook: number;
  planfix: number;
}

const STOP_REASONS: Record<StopReason, string> = {
  time: 'sync.maxRunSeconds reached',
  effects: 'sync.maxEffects reached',
  interrupted: 'interrupted',
  planfixBudget: "Planfix's daily request budget is nearly spent",
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** When a throttled side may be called again, from the wait it named. */
export function resumesAt(throttle: { retryAfterSeconds?: number }, now = Date.now()): string {
  return throttle.retryAfterSeconds === undefined ? 'when it allows calls again' : new Date(now + throttle.retryAfterSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The one line cron mails when something happened. */
export function summaryLine(report: RunReport, requests: Requests): string {
  return `fbsync: ${summaryParts(report).join('; ') || 'nothing changed'} · requests: facebook ${requests.facebook}, planfix ${requests.planfix}`;
}

function summaryParts(report: RunReport): string[] {
  const e = report.effects;
  const parts: string[] = [];
  const imported = (e['comment.imported'] ?? 0) + (e['comment.pageAnswer'] ?? 0);
  if (imported) {
    const made = [
      e['contact.created'] ? plural(e['contact.created'], 'new contact') : '',
      e['task.created'] ? plural(e['task.created'], 'new task') : '',
    ].filter(Boolean);
    parts.push(`imported ${plural(imported, 'comment')}${made.length ? ` (${made.join(', ')})` : ''}`);
  } else {
    if (e['contact.created']) parts.push(plural(e['contact.created'], 'new contact'));
    if (e['task.created']) parts.push(plural(e['task.created'], 'new task'));
  }
  if (e['reply.published']) parts.push(`published ${plural(e['reply.published'], 'reply', 'replies')}`);
  if (e['reply.refused']) parts.push(`${plural(e['reply.refused'], 'reply', 'replies')} refused by Facebook`);
  if (e['reply.postponed']) parts.push(`${plural(e['reply.postponed'], 'reply', 'replies')} postponed (Facebook is blocking the Page's replies for now)`);
  if (e['comment.edited']) parts.push(`${plural(e['comment.edited'], 'edit')}`);
  if (e['comment.deleted']) parts.push(`${plural(e['comment.deleted'], 'deletion')}`);
  if (e['comment.hidden']) parts.push(`${plural(e['comment.hidden'], 'hide/unhide', 'hides/unhides')}`);
  if (e['task.updated']) parts.push(`${plural(e['task.updated'], 'post text update')}`);
  if (e['contact.renamed']) parts.push(`${plural(e['contact.renamed'], 'contact renamed', 'contacts renamed')}`);
  if (e.recovered) parts.push(`${plural(e.recovered, 'interrupted write')} completed`);
  if (report.failed.length) parts.push(`${plural(report.failed.length, 'item')} failed (retried next run)`);
  for (const p of report.pages.filter((r) => r.outcome === 'throttled' && !report.throttled.facebook)) {
    parts.push(`Page ${p.pageId} waits out its own Facebook limit (${(p.error ?? '').replace(/[.\s]+$/, '')}); the other Pages went on`);
  }
  for (const p of report.pagesRefused) parts.push(`Page ${p.pageId} failed and was skipped (${(p.error ?? 'no token').replace(/[.\s]+$/, '')}); the other Pages went on`);
  for (const [side, t] of Object.entries(report.throttled)) parts.push(`${side} throttled (${t.message.replace(/[.\s]+$/, '')}), may resume after ${resumesAt(t)}`);
  parts.push(...report.notes.map((n) => n.replace(/[.\s]+$/, '')));
  if (report.stoppedEarly && report.stoppedEarly !== 'interrupted') parts.push(`stopped early (${STOP_REASONS[report.stoppedEarly]}), the rest follows next run`);
  return parts;
}

/** The one line of a run stopped by SIGINT/SIGTERM: what it did, and the command that resumes it. */
export function interruptedLine(signal: string, report: RunReport, requests: Requests, resume: string): string {
  const did = summaryParts(report);
  return `fbsync: stopped by ${signal} after finishing the writes in flight${did.length ? ` (${did.join('; ')})` : ''}; resume with \`${resume}\` · requests: facebook ${requests.facebook}, planfix ${requests.planfix}`;
}

/** The `error` of a summary whose exit code is not 0. */
export function summaryError(report: RunReport, exitCode: number, message: string, resume?: string): JsonError | null {
  if (exitCode === EXIT.ok) return null;
  // The exit code says a signal stopped the command, even one that came after the cycle's last write.
  if (exitCode === EXIT.interrupted || exitCode === EXIT.terminated) {
    return { kind: 'interrupted', side: null, message, fix: `run \`${resume ?? 'fbsync run'}\` to resume; nothing is lost or done twice` };
  }
  const refused = report.pagesRefused;
  if (exitCode === EXIT.credentials && refused.length > 0) {
    return { kind: 'credentials', side: 'facebook', message, fix: `run \`fbsync reconnect\` (it stores a token for every configured Page), then \`fbsync run --page ${refused[0]!.pageId}\`` };
  }
  const throttled = Object.keys(report.throttled) as Side[];
  const failedSides = [...new Set(report.failed.map((f) => f.side).filter((s): s is Side => s !== undefined))];
  const sides = [...new Set([...throttled, ...failedSides])];
  const side = sides.length === 1 ? sides[0]! : null;
  if (report.failed.length === 0 && throttled.length > 0) {
    return { kind: 'throttled', side, message, fix: 'nothing to do: the next runs wait out the throttle quietly, then carry on' };
  }
  return { kind: 'partial', side, message, fix: 'nothing to do if it passes: the failed items are retried by the next run; `fbsync status` lists them' };
}

export function summaryJson(report: RunReport, requests: Requests, exitCode: number, durationMs: number, error: JsonError | null = null, extra: Record<string, unknown> = {}) {
  return result(exitCode, {
    requests,
    effects: report.effects,
    failed: report.failed,
    throttled: report.throttled,
    stoppedEarly: report.stoppedEarly ?? null,
    notes: report.notes,
    postsChecked: report.postsChecked,
    commentsSeen: report.commentsSeen,
    durationMs,
    ...(report.pages.length > 0 && { pages: report.pages }),
    ...extra,
  }, error);
}
