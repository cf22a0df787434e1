import type { Side } from '../http/errors.js';
import type { StopReason } from './budget.js';

export type EffectKind =
  | 'contact.created'
  | 'contact.found'
  | 'contact.renamed'
  | 'task.created'
  | 'task.found'
  | 'task.updated'
  | 'task.moved'
  | 'comment.imported'
  | 'comment.pageAnswer'
  | 'comment.edited'
  | 'comment.deleted'
  | 'comment.hidden'
  | 'reply.published'
  | 'reply.refused'
  | 'reply.postponed'
  | 'recovered';

export interface FailedItem {
  item: string;
  side?: Side;
  error: string;
}

/** What one cycle did for one Page of several (`--json`'s `pages`). */
export interface PageResult {
  pageId: string;
  /** synced: its pass ran (maybe stopped early by its share of the budget); credentials: its token was missing or refused, it was skipped. */
  /** throttled: Facebook's limit of this Page (it alone waits) or a side's limit (everything waits). */
  outcome: 'synced' | 'credentials' | 'throttled';
  error?: string;
  postsChecked: number;
  effects: Partial<Record<EffectKind, number>>;
}

/** What one cycle did; printed as one line, or as JSON with --json. */
export class RunReport {
  readonly effects: Partial<Record<EffectKind, number>> = {};
  readonly failed: FailedItem[] = [];
  readonly throttled: Partial<Record<Side, { retryAfterSeconds?: number; message: string }>> = {};
  /** Sides an earlier run's throttle still keeps this run away from, and until when (ISO): the run only waited. */
  readonly waiting: Partial<Record<Side, string>> = {};
  /** What the run noticed that needs a person (Planfix's contact limit): in its line and `--json`'s `notes`. */
  readonly notes: string[] = [];
  /** Several Pages: one result per Page, in the configuration's order (empty for the single-Page form). */
  readonly pages: PageResult[] = [];
  stoppedEarly: StopReason | undefined;
  postsChecked = 0;
  commentsSeen = 0;

  count(kind: EffectKind, n = 1): void {
    this.effects[kind] = (this.effects[kind] ?? 0) + n;
  }

  fail(item: string, error: string, side?: Side): void {
    this.failed.push({ item, error, side });
  }

  get changed(): boolean {
    return Object.values(this.effects).some((n) => (n ?? 0) > 0);
  }

  get hasProblems(): boolean {
    return this.failed.length > 0 || Object.keys(this.throttled).length > 0 || this.pages.some((p) => p.outcome !== 'synced');
  }

  /** Pages skipped because Facebook refused (or fbsync lacked) their token: the run exits 3. */
  get pagesRefused(): PageResult[] {
    return this.pages.filter((p) => p.outcome === 'credentials');
  }
}
