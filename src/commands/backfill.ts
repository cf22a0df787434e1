import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../config/types.js';
import { ConfigError } from '../http/errors.js';
import { Store } from '../store/store.js';
import { runBackfill } from '../sync/backfill.js';
import { OFFSET_META } from '../sync/replies.js';
import { DryRunPlanfix } from '../sync/dry-run.js';
import { makeContext, type Sides } from '../sync/engine.js';
import { makeGraphClient, makePlanfixClient, openSession, pageToken, storePageSizes } from '../sync/session.js';
import type { Output } from './output.js';
import { ProgressDisplay } from './progress.js';
import { summaryJson, summaryLine } from './summary.js';

export interface BackfillOptions {
  since: string;
  until?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** Requests left for `run` when backfill stops for Planfix's daily budget (a day of cron runs with room to spare). */
const PLANFIX_RESERVE = 1500;

/** The next midnight in a zone `utcOffsetMinutes` from UTC, as an instant. */
function nextMidnight(utcOffsetMinutes: number, now = Date.now()): Date {
  const local = new Date(now + utcOffsetMinutes * 60_000);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  return new Date(midnight - utcOffsetMinutes * 60_000);
}

/** Backfill is long by nature: neither sync.maxRunSeconds nor sync.maxEffects bounds it. */
function backfillContext(config: Config, sides: Sides) {
  return makeContext(sides, { ...config.sync, pageId: config.facebook.pageId, maxRunSeconds: 0, maxEffects: 0 });
}

function parseDate(value: string, option: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new ConfigError(`${option}: expected a date like 2026-01-31 or an ISO time, got "${value}"`, option);
  return date;
}

export async function backfillCommand(config: Config, options: BackfillOptions, output: Output): Promise<number> {
  const since = parseDate(options.since, '--since');
  const until = options.until ? parseDate(options.until, '--until') : new Date();
  if (since >= until) throw new ConfigError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`, '--since');
  return options.dryRun ? dryRun(config, { since, until }, output) : realRun(config, { since, until }, options, output);
}

async function realRun(config: Config, range: { since: Date; until: Date }, options: BackfillOptions, output: Output): Promise<number> {
  const started = Date.now();
  const session = openSession(config);
  const ctx = backfillContext(config, session);
  const display = new ProgressDisplay(process.stderr, range);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    // The journal makes an abrupt exit safe too; the first Ctrl-C just lets the writes in flight finish.
    if (interrupts > 1) process.exit(130);
    ctx.budget.stop('interrupted');
    process.stderr.write('\nfbsync backfill: stopping after the writes in flight (Ctrl-C again to quit at once); run the same command to resume.\n');
  };
  process.on('SIGINT', onSigint);
  const runId = session.store.startRun('backfill');
  try {
    const result = await runBackfill(ctx, { ...range, planfixReserve: PLANFIX_RESERVE, onProgress: (p) => display.update(p) });
    display.finish();
    const requests = { facebook: session.fb.requestCount, planfix: session.pf.requestCount };
    const code = ctx.report.stoppedEarly === 'interrupted' ? 130 : ctx.report.hasProblems || ctx.report.stoppedEarly ? 4 : 0;
    const summary = { ...summaryJson(ctx.report, requests, code, Date.now() - started), progress: result.progress, historyEndedAt: result.historyEndedAt?.toISOString() ?? null };
    session.store.finishRun(runId, code, summary);
    if (options.json) output.json(summary);
    else {
      output.out(ctx.report.changed || ctx.report.hasProblems || ctx.report.stoppedEarly ? summaryLine(ctx.report, requests) : `fbsync: backfill found nothing new (${result.progress.postsSkipped} posts already imported) · requests: facebook ${requests.facebook}, planfix ${requests.planfix}`);
      for (const f of ctx.report.failed) output.err(`  failed: ${f.item}: ${f.error}`);
    }
    if (ctx.report.stoppedEarly === 'planfixBudget' || ctx.report.throttled.planfix) {
      const wait = ctx.report.throttled.planfix?.retryAfterSeconds;
      const offset = session.store.getMeta(OFFSET_META);
      const when = wait
        ? `after ${new Date(Date.now() + wait * 1000).toISOString()}`
        : offset !== undefined
          ? `after ${nextMidnight(Number(offset)).toISOString()} (midnight in the Planfix account's time zone, when the daily budget resets)`
          : 'after the daily budget resets (once a day, at midnight in the Planfix account’s time zone)';
      output.err(`fbsync backfill: stopped to leave Planfix requests for \`fbsync run\` (${session.pf.remainingToday ?? 0} left today). Run the same command again ${when}; it resumes where it stopped.`);
    }
    if (result.historyEndedAt) {
      output.err(`fbsync backfill: Facebook returned no posts older than ${result.historyEndedAt.toISOString().slice(0, 10)}. The Graph API serves a limited history of a Page's feed (about 600 posts a year), so older posts may exist but cannot be read.`);
    }
    return code;
  } finally {
    process.off('SIGINT', onSigint);
    session.close();
  }
}

/** Works on a throw-away copy of the store and a Planfix that only records writes: nothing is written anywhere. */
async function dryRun(config: Config, range: { since: Date; until: Date }, output: Output): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-dry-run-'));
  const copy = path.join(dir, 'fbsync.db');
  try {
    if (fs.existsSync(config.store.path)) {
      // Store.open's read-only path: the same refusals (foreign, newer, damaged) and no -wal/-shm left behind.
      const source = Store.open(config.store.path, { readonly: true });
      try {
        await source.db.backup(copy);
      } finally {
        source.close();
      }
    }
    const store = Store.open(copy);
    try {
      const counts = { contact: 0, task: 0, comment: 0, update: 0 };
      const pf = new DryRunPlanfix(makePlanfixClient(config), (write) => {
        counts[write.kind]++;
        output.out(write.kind === 'update' ? `would ${write.text}` : `would create ${write.text}`);
      });
      const fb = makeGraphClient(config, pageToken(config, store), storePageSizes(store));
      const ctx = backfillContext(config, { fb, pf, store });
      const result = await runBackfill(ctx, { ...range, planfixReserve: 0 });
      output.out(
        `fbsync backfill --dry-run: would create ${counts.contact} contacts, ${counts.task} tasks and ${counts.comment} comments (${result.progress.postsSeen} posts read, ${result.progress.postsSkipped} already imported); nothing was written.`,
      );
      return ctx.report.hasProblems ? 4 : 0;
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
