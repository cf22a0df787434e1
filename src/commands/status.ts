import { EXIT } from './exit-codes.js';
import { type Config, isSinglePageForm, type PageConfig } from '../config/types.js';
import { tokenMetaKeys } from './session.js';
import { Store } from '../store/store.js';
import type { ContactLimitUse } from '../sync/contact-plan.js';
import { readContactLimitUse } from '../sync/contacts.js';
import { CONTACT_LIMIT_AUTHOR } from '../sync/context.js';
import { pageThrottledUntil, throttledUntil } from '../sync/outcome.js';
import type { Output } from './output.js';
import { result } from './result.js';
import { plural } from './summary.js';
import { MINUTE_MS } from '../time.js';

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / MINUTE_MS));
  return m < 90 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export interface StatusReport {
  store: string;
  lastRun: { command: string; startedAt: string; finishedAt: string | null; exitCode: number | null; summary: unknown } | null;
  lastSuccessfulRun: { finishedAt: string | null } | null;
  cursors: Record<string, string>;
  counts: Record<string, number>;
  waiting: { key: string; state: string; attempts: number; lastError: string | null; since: string }[];
  parked: { key: string; lastError: string | null; since: string }[];
  token: TokenStatus;
  /** Several Pages: each Page's token and counts (empty for the single-Page form, whose `token` and `counts` say it all). */
  pages: { pageId: string; token: TokenStatus; counts: Record<string, number>; throttledUntil: string | null }[];
  throttledUntil: { facebook: string | null; planfix: string | null };
  /** Comments filed under the shared card because Planfix's plan allowed no more contacts (code 23). */
  contactLimit: ContactLimitUse | null;
}

interface TokenStatus {
  source: 'store' | 'config' | 'none';
  expiresAt: string | null;
  dataAccessExpiresAt: string | null;
  checkedAt: string | null;
}

/** Where a Page's token comes from, and its expiry as `reconnect` recorded it. */
function tokenStatus(config: Config, store: Store, page: PageConfig): TokenStatus {
  const keys = tokenMetaKeys(config, page.pageId);
  const info = JSON.parse(store.getMeta(keys.info) ?? '{}') as { expiresAt?: string | null; dataAccessExpiresAt?: string | null; checkedAt?: string };
  const source = store.getMeta(keys.token) ? 'store' : page.pageAccessToken ? 'config' : 'none';
  return { source, expiresAt: info.expiresAt ?? null, dataAccessExpiresAt: info.dataAccessExpiresAt ?? null, checkedAt: info.checkedAt ?? null };
}

export function readStatus(config: Config): StatusReport {
  const store = Store.open(config.store.path, { readonly: true });
  try {
    const last = store.lastRun();
    const ok = store.lastRun({ successful: true });
    const pending = store.journal.list(['sending', 'failed']);
    const parked = store.journal.list(['parked']);
    return {
      store: config.store.path,
      lastRun: last ? { command: last.command, startedAt: last.startedAt, finishedAt: last.finishedAt, exitCode: last.exitCode, summary: last.summary ? JSON.parse(last.summary) : null } : null,
      lastSuccessfulRun: ok ? { finishedAt: ok.finishedAt } : null,
      cursors: store.cursors(),
      counts: store.counts(),
      waiting: pending.map((e) => ({ key: e.key, state: e.state, attempts: e.attempts, lastError: e.lastError, since: e.updatedAt })),
      parked: parked.map((e) => ({ key: e.key, lastError: e.lastError, since: e.updatedAt })),
      token: tokenStatus(config, store, config.pages[0]!),
      pages: isSinglePageForm(config) ? [] : config.pages.map((page) => ({ pageId: page.pageId, token: tokenStatus(config, store, page), counts: store.countsOfPage(page.pageId), throttledUntil: pageThrottledUntil(store, page.pageId)?.toISOString() ?? null })),
      throttledUntil: {
        facebook: throttledUntil(store, 'facebook')?.toISOString() ?? null,
        planfix: throttledUntil(store, 'planfix')?.toISOString() ?? null,
      },
      contactLimit: readContactLimitUse(store),
    };
  } finally {
    store.close();
  }
}

/** Expiry as `reconnect` recorded it (the token facts are checked then); a token from the configuration was never checked here. */
function tokenLine(t: TokenStatus): string {
  const expiry = t.expiresAt ? `, expires ${t.expiresAt}` : t.source === 'store' ? ', does not expire' : t.source === 'config' ? ', expiry not recorded (`fbsync doctor` shows it)' : '';
  return `${t.source === 'none' ? 'none — run `fbsync reconnect`' : `from the ${t.source}`}${expiry}${t.dataAccessExpiresAt ? `, data access until ${t.dataAccessExpiresAt}` : ''}`;
}

export async function statusCommand(config: Config, options: { json?: boolean }, output: Output): Promise<number> {
  const s = readStatus(config);
  if (options.json) output.json(result(EXIT.ok, { ...s }));
  else for (const section of STATUS_SECTIONS) for (const line of section(s)) output.out(line);
  return EXIT.ok;
}

/** `3 posts, 5 comments`. */
const countsText = (counts: Record<string, number>) => Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');

/** The text of `fbsync status`, section by section, in this order. */
const STATUS_SECTIONS: readonly ((s: StatusReport) => string[])[] = [runLines, pageLines, throttleLines, contactLimitLines, queueLines];

function runLines(s: StatusReport): string[] {
  const summary = s.lastRun?.summary as { effects?: Record<string, number>; requests?: Record<string, number> } | null;
  return [
    `store:        ${s.store}`,
    `last run:     ${s.lastRun ? `${s.lastRun.command} at ${s.lastRun.finishedAt ?? s.lastRun.startedAt}, exit ${s.lastRun.exitCode ?? '(did not finish)'}` : 'never'}`,
    ...(summary?.effects ? [`              ${Object.entries(summary.effects).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing changed'}`] : []),
    `last success: ${s.lastSuccessfulRun?.finishedAt ?? 'never'}`,
    `counts:       ${countsText(s.counts)}`,
    ...Object.entries(s.cursors).map(([name, value]) => `cursor:       ${name} = ${value}`),
  ];
}

/** The single-Page form: one token line; several Pages: a block per Page. */
function pageLines(s: StatusReport): string[] {
  if (s.pages.length === 0) return [`page token:   ${tokenLine(s.token)}`];
  return s.pages.flatMap((p) => [
    `page ${p.pageId}:`,
    `  token:      ${tokenLine(p.token)}`,
    `  counts:     ${countsText(p.counts)}`,
    ...(p.throttledUntil ? [`  throttled:  until ${p.throttledUntil} (this Page's own Facebook limit; the other Pages go on)`] : []),
  ]);
}

function throttleLines(s: StatusReport): string[] {
  return (['facebook', 'planfix'] as const).flatMap((side) => {
    const until = s.throttledUntil[side];
    return until ? [`throttled:    ${side} until ${until} (in ${minutes(Date.parse(until) - Date.now())}; the runs until then wait quietly)`] : [];
  });
}

function contactLimitLines(s: StatusReport): string[] {
  if (!s.contactLimit) return [];
  const { reachedAt, liftedAt, comments, since, last } = s.contactLimit;
  const filed = since ? `${plural(comments, 'comment')} filed under "${CONTACT_LIMIT_AUTHOR.name}" since ${since} (last ${last})` : `no comment filed under "${CONTACT_LIMIT_AUTHOR.name}" yet`;
  return [
    liftedAt
      ? `contact limit: lifted at ${liftedAt} (reached at ${reachedAt}); ${filed}`
      : `contact limit: Planfix's plan allows no more contacts (since ${reachedAt}); ${filed} — upgrade the plan or delete contacts`,
  ];
}

/** The journal's items waiting for a retry and those refused for good, the first 20 of each. */
function queueLines(s: StatusReport): string[] {
  return [
    `waiting:      ${plural(s.waiting.length, 'item')} to retry`,
    ...s.waiting.slice(0, 20).map((w) => `  ${w.key} (${w.state}, ${plural(w.attempts, 'attempt')}): ${w.lastError ?? ''}`),
    `parked:       ${plural(s.parked.length, 'item')} refused for good`,
    ...s.parked.slice(0, 20).map((p) => `  ${p.key}: ${p.lastError ?? ''}`),
  ];
}
