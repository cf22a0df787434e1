import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refusePlaceholders } from '../config/placeholders.js';
import type { Config } from '../config/types.js';
import { onlyPage } from '../config/load.js';
import { AuthError, NetworkError, PermissionError } from '../http/errors.js';
import { Store } from '../store/store.js';
import { type BackfillResult, runBackfill } from '../sync/backfill.js';
import { PlanningExecutor } from '../sync/dry-run.js';
import { makeContext, type Sides } from '../sync/engine.js';
import type { RunReport } from '../sync/report.js';
import { makeGraphClient, makePlanfixClient, openSession, pageToken, type Session, storePageSizes } from './session.js';
import type { Output } from './output.js';
import { formatOption, formatUtc } from './dates.js';
import { EXIT } from './exit-codes.js';
import { ProgressDisplay } from './progress.js';
import { describeError, type JsonError, result as envelope } from './result.js';
import { onStopSignal, signalExitCode } from './signals.js';
import { interruptedLine, plural, summaryError, summaryJson, summaryLine } from './summary.js';
import { META } from '../store/meta-keys.js';

export interface BackfillOptions {
  /** As given on the command line. */
  since: string;
  until?: string;
  /** Checked and read (dates.ts). */
  range: { since: Date; until: Date };
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
  return makeContext(sides, { ...config.sync, pageId: config.pages[0]!.pageId, maxRunSeconds: 0, maxEffects: 0 });
}

/** The exact command that resumes this backfill (the same range, the same configuration, the same Page). */
function resumeCommand(config: Config, range: { since: Date; until: Date }, options: BackfillOptions): string {
  const until = options.until !== undefined ? ` --until ${formatOption(range.until)}` : '';
  const page = config.onlyPage !== undefined ? ` --page ${config.onlyPage}` : '';
  return `fbsync backfill --since ${formatOption(range.since)}${until} --config ${config.filepath}${page}`;
}

/**
 * Several Pages: their histories one after another, each as `--page ID` would import it (its own
 * lines, its own record in the store, its own resume command). `--json` prints one object with each
 * Page's summary under `pages`; the exit code is the worst (a signal stops the Pages after it).
 */
async function eachPage(config: Config, options: BackfillOptions, output: Output): Promise<number> {
  const results: { pageId: string; exitCode: number; summary?: unknown }[] = [];
  for (const page of config.pages) {
    let summary: unknown;
    // Each Page's JSON is kept for the one object printed at the end.
    const collecting: Output = { ...output, out: (l) => output.out(l), err: (l) => output.err(l), json: (v) => (summary = v), jsonLine: (v) => output.jsonLine(v), jsonPrinted: false, jsonMode: output.jsonMode };
    let exitCode: number;
    try {
      exitCode = await backfillCommand(onlyPage(config, page.pageId), options, collecting);
    } catch (error) {
      // One Page's refused token does not keep the others' histories out; anything else ends the command.
      if (!(error instanceof AuthError || error instanceof PermissionError) || error.side !== 'facebook') throw error;
      output.err(`fbsync backfill: Page ${page.pageId} failed and was skipped: ${error.message}`);
      exitCode = EXIT.credentials;
      summary = envelope(exitCode, {}, describeError(error));
    }
    results.push({ pageId: page.pageId, exitCode, summary });
    if (exitCode === EXIT.interrupted || exitCode === EXIT.terminated || exitCode === EXIT.locked) break;
  }
  const rank = (code: number) => [EXIT.interrupted, EXIT.terminated, EXIT.locked, EXIT.credentials, EXIT.partial].indexOf(code as never);
  const worst = results.map((r) => r.exitCode).filter((c) => c !== EXIT.ok).sort((a, b) => rank(a) - rank(b))[0] ?? EXIT.ok;
  if (options.json) {
    const first = results.find((r) => r.exitCode === worst && worst !== EXIT.ok)?.summary as { error?: JsonError | null } | undefined;
    output.json(envelope(worst, { pages: results.map((r) => ({ pageId: r.pageId, ...(r.summary as object) })) }, first?.error ?? null));
  }
  return worst;
}

export async function backfillCommand(config: Config, options: BackfillOptions, output: Output): Promise<number> {
  const range = options.range;
  refusePlaceholders(config);
  if (config.pages.length > 1) return eachPage(config, options, output);
  const which = config.onlyPage !== undefined ? ` of Page ${config.onlyPage}` : '';
  output.err(`fbsync backfill${options.dryRun ? ' --dry-run' : ''}: posts${which} created ${formatUtc(range.since)} → ${formatUtc(range.until)} UTC, with their comments`);
  return options.dryRun ? dryRun(config, range, options, output) : realRun(config, range, options, output);
}

async function realRun(config: Config, range: { since: Date; until: Date }, options: BackfillOptions, output: Output): Promise<number> {
  const started = Date.now();
  const session = openSession(config);
  const ctx = backfillContext(config, session);
  const display = new ProgressDisplay(process.stderr, range, (line) => output.err(line));
  const resume = resumeCommand(config, range, options);
  // The journal makes an abrupt exit safe too; the first signal just lets the writes in flight finish.
  const stop = onStopSignal((signal) => {
    ctx.outcome.interrupt();
    if (process.stderr.isTTY) process.stderr.write('\n');
    output.err(`fbsync backfill: ${signal} received, stopping after the writes in flight (send it again to quit at once)`);
  });
  const runId = session.store.startRun('backfill');
  try {
    let result: Awaited<ReturnType<typeof runBackfill>>;
    try {
      result = await runBackfill(ctx, { ...range, planfixReserve: PLANFIX_RESERVE, onProgress: (p) => display.update(p) });
    } catch (error) {
      if (!(error instanceof NetworkError) || stop.signal) throw error;
      // A side that cannot be reached is no bug: exit 4, said plainly, with the command that resumes.
      display.finish(false);
      const requests = { facebook: session.fb.requestCount, planfix: session.pf.requestCount };
      const line = `fbsync backfill: did not finish — ${error.message}; then run \`${resume}\` to resume`;
      const summary = summaryJson(ctx.report, requests, EXIT.partial, Date.now() - started, { ...describeError(error), message: line }, { range: { since: range.since.toISOString(), until: range.until.toISOString() }, resume });
      session.store.finishRun(runId, EXIT.partial, summary);
      output.out(line);
      if (options.json) output.json(summary);
      return EXIT.partial;
    }
    const requests = { facebook: session.fb.requestCount, planfix: session.pf.requestCount };
    const report = ctx.report;
    display.finish(!report.stoppedEarly && !report.hasProblems);
    const code = stop.signal ? signalExitCode(stop.signal) : report.hasProblems || report.stoppedEarly ? EXIT.partial : EXIT.ok;
    const line = stop.signal
      ? interruptedLine(stop.signal, report, requests, resume)
      : report.changed || report.hasProblems || report.stoppedEarly
        ? summaryLine(report, requests)
        : `fbsync: backfill found nothing new (${plural(result.progress.postsSkipped, 'post')} already imported) · requests: facebook ${requests.facebook}, planfix ${requests.planfix}`;
    const extra: Record<string, unknown> = {
      range: { since: range.since.toISOString(), until: range.until.toISOString() },
      progress: result.progress,
      historyEndedAt: result.historyEndedAt?.toISOString() ?? null,
    };
    if (code !== EXIT.ok) extra.resume = resume;
    if (stop.signal) extra.signal = stop.signal;
    const summary = summaryJson(report, requests, code, Date.now() - started, summaryError(report, code, line, resume), extra);
    session.store.finishRun(runId, code, summary);
    output.out(line);
    for (const f of report.failed) output.err(`  failed: ${f.item}: ${f.error}`);
    printNextSteps(output, session, report, result, resume, code);
    if (options.json) output.json(summary);
    return code;
  } finally {
    stop.dispose();
    session.close();
  }
}

/** After a backfill that did not finish, or that met Facebook's history limit: what to do next, and when. */
function printNextSteps(output: Output, session: Session, report: RunReport, result: BackfillResult, resume: string, code: number): void {
  if (report.stoppedEarly === 'planfixBudget' || report.throttled.planfix) {
    const wait = report.throttled.planfix?.retryAfterSeconds;
    const offset = session.store.getMeta(META.planfixUtcOffset);
    const when = wait
      ? `after ${new Date(Date.now() + wait * 1000).toISOString()}`
      : offset !== undefined
        ? `after ${nextMidnight(Number(offset)).toISOString()} (midnight in the Planfix account's time zone, when the daily budget resets)`
        : 'after the daily budget resets (once a day, at midnight in the Planfix account’s time zone)';
    const why = report.throttled.planfix ? 'Planfix asked fbsync to wait' : `stopped to leave Planfix requests for \`fbsync run\` (${session.pf.remainingToday ?? 0} left today)`;
    output.err(`fbsync backfill: ${why}. Run \`${resume}\` again ${when}; it resumes where it stopped.`);
  } else if (code === EXIT.partial) {
    output.err(`fbsync backfill: run \`${resume}\` again to finish; what is imported stays imported.`);
  }
  if (result.historyEndedAt) {
    output.err(`fbsync backfill: Facebook returned no posts older than ${result.historyEndedAt.toISOString().slice(0, 10)}. The Graph API serves a limited history of a Page's feed (about 600 posts a year), so older posts may exist but cannot be read.`);
  }
}

/** Works on a throw-away copy of the store and plans without writing (PlanningExecutor): the reads are real, nothing is written anywhere. */
async function dryRun(config: Config, range: { since: Date; until: Date }, options: BackfillOptions, output: Output): Promise<number> {
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
      const pf = makePlanfixClient(config, config.pages[0]!.taskTemplateId);
      const fb = makeGraphClient(config, pageToken(config, store), storePageSizes(store));
      const ctx = backfillContext(config, { fb, pf, store });
      ctx.executor = new PlanningExecutor(store.journal, ctx.outcome, (write) => {
        counts[write.kind === 'contact' || write.kind === 'task' || write.kind === 'comment' ? write.kind : 'update']++;
        output.out(`would ${write.says}`);
      });
      const result = await runBackfill(ctx, { ...range, planfixReserve: 0 });
      const line =
        `fbsync backfill --dry-run: would create ${plural(counts.contact, 'contact')}, ${plural(counts.task, 'task')} and ${plural(counts.comment, 'comment')}` +
        ` (${plural(result.progress.postsSeen, 'post')} read, ${result.progress.postsSkipped} already imported); nothing was written.`;
      output.out(line);
      const code = ctx.report.hasProblems ? EXIT.partial : EXIT.ok;
      for (const f of ctx.report.failed) output.err(`  failed: ${f.item}: ${f.error}`);
      if (options.json) {
        const requests = { facebook: fb.requestCount, planfix: pf.requestCount };
        output.json(
          envelope(code, {
            dryRun: true,
            range: { since: range.since.toISOString(), until: range.until.toISOString() },
            wouldCreate: { contacts: counts.contact, tasks: counts.task, comments: counts.comment, updates: counts.update },
            progress: result.progress,
            requests,
            failed: ctx.report.failed,
            throttled: ctx.report.throttled,
          }, summaryError(ctx.report, code, line)),
        );
      }
      return code;
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
