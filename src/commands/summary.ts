import type { StopReason } from '../sync/budget.js';
import type { RunReport } from '../sync/report.js';

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

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The one line cron mails when something happened. */
export function summaryLine(report: RunReport, requests: Requests): string {
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
  for (const [side, t] of Object.entries(report.throttled)) parts.push(`${side} throttled, waiting ${t.retryAfterSeconds ?? '?'} s`);
  if (report.stoppedEarly) parts.push(`stopped early (${STOP_REASONS[report.stoppedEarly]}), the rest follows next run`);
  return `fbsync: ${parts.join('; ')} · requests: facebook ${requests.facebook}, planfix ${requests.planfix}`;
}

export function summaryJson(report: RunReport, requests: Requests, exitCode: number, durationMs: number) {
  return {
    ok: exitCode === 0,
    exitCode,
    requests,
    effects: report.effects,
    failed: report.failed,
    throttled: report.throttled,
    stoppedEarly: report.stoppedEarly ?? null,
    postsChecked: report.postsChecked,
    commentsSeen: report.commentsSeen,
    durationMs,
  };
}
