import type { FacebookPage, FbComment } from '../facebook/types.js';
import type { PlanfixAccount } from '../planfix/types.js';
import type { Store } from '../store/store.js';
import type { RunOutcome } from './outcome.js';
import type { EffectRunner } from './executor.js';
import type { RunReport } from './report.js';

/** Everything one cycle works with; built by the command, passed down, never global. */
export interface SyncContext {
  fb: FacebookPage;
  pf: PlanfixAccount;
  store: Store;
  executor: EffectRunner;
  report: RunReport;
  /** Asked before any work ("may I go on?"), told why a part stopped; settled once at the end. */
  outcome: RunOutcome;
  pageId: string;
  pageName: string;
  /**
   * Several Pages: each Page's Graph client by Page id (a post id's prefix is its Page), for the
   * reply pass, which publishes each answer through its post's Page; and every Page's task
   * template, for its one scan of changed tasks. Unset: `fb`, `pageId` and the client's template.
   */
  pages?: { clients: Map<string, { fb: FacebookPage }>; taskTemplateIds: readonly number[] };
  /** The reply pass lists only some Pages' tasks (`--page`): it leaves the reply cursor where it was. */
  replyCursorFrozen?: boolean;
  /** The meta key of this Page's rotation over its older posts (several Pages: META.inboundRotationOf); unset: META.inboundRotation. */
  rotationKey?: string;
  concurrency: number;
  /** sync.reopenClosedTasks: false = a completed or cancelled task still takes its post's comments (rule 2). */
  reopenClosedTasks: boolean;
  /** `run`: the tasks fbsync wrote to in this cycle, and when it first did (ms); see Replies.run. */
  writtenThisCycle?: ReadonlyMap<number, number>;
}

/** The contact every comment whose author Facebook withholds is filed under (never dropped). */
export const HIDDEN_AUTHOR = { id: 'hidden', name: 'Facebook user (hidden)' } as const;

/**
 * The contact a comment is filed under when Planfix's plan allows no more contacts (code 23) and
 * its author has no card yet; the comment's text names the author.
 */
export const CONTACT_LIMIT_AUTHOR = { id: 'contact-limit', name: 'Facebook commenter (contact limit reached)' } as const;

/** Cards that stand for no one Facebook person (hidden authors, the contact-limit card). */
export function isSharedCard(fbUserId: string): boolean {
  return fbUserId === HIDDEN_AUTHOR.id || fbUserId === CONTACT_LIMIT_AUTHOR.id;
}
