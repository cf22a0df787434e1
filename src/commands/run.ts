import { refusePlaceholders } from '../config/placeholders.js';
import type { Config } from '../config/types.js';
import { NetworkError, type Side } from '../http/errors.js';
import { ConfigError } from '../errors.js';
import { redact } from '../http/secrets.js';
import { runCycle } from '../sync/engine.js';
import { RunReport } from '../sync/report.js';
import { openSession, type Session } from './session.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import type { Output } from './output.js';
import { describeError, type JsonResult } from './result.js';
import { onStopSignal, signalExitCode, type StopHandle } from './signals.js';
import { interruptedLine, type Requests, summaryError, summaryJson, summaryLine } from './summary.js';
import { META } from '../store/meta-keys.js';

export interface RunOptions {
  json?: boolean;
  /** Loop mode (`--every 20s`): a cycle every this many ms until SIGINT/SIGTERM. */
  everyMs?: number;
}

/** A wait for an earlier throttle is normal; only one this long makes the waiting runs exit 4, so monitoring notices. */
export const LONG_WAIT_MS = 60 * 60_000;

const RESUME = 'fbsync run';

export interface CycleResult {
  exitCode: number;
  summary: JsonResult;
  report: RunReport;
  requests: Requests;
}

/**
 * One cycle, printed: quiet when nothing changed (and while it only waits out an earlier
 * throttle), one line otherwise; --json for machines.
 */
export async function runCommand(config: Config, options: RunOptions, output: Output): Promise<number> {
  if (options.everyMs !== undefined) return runLoop(config, options.everyMs, options, output);
  const outcome = await runOnce(config, output);
  if (options.json) output.json(outcome.summary);
  return outcome.exitCode;
}

/** One cycle with its text lines (none when nothing happened); the JSON summary is returned, not printed. */
export async function runOnce(config: Config, output: Output): Promise<CycleResult> {
  refusePlaceholders(config);
  const session = openSession(config);
  if (session.store.permissionWarning) output.err(session.store.permissionWarning);
  const controller = new AbortController();
  const stop = onStopSignal(() => controller.abort());
  try {
    return await cycle(config, session, output, controller.signal, stop);
  } finally {
    stop.dispose();
    session.close();
  }
}

/**
 * Loop mode: one cycle every `everyMs` (from the start of one to the start of the next), holding
 * the store's lock for the loop's whole life, until SIGINT/SIGTERM: a cycle in progress finishes
 * its writes in flight, a wait between cycles ends at once. Each cycle prints as a `run` would
 * (`--json`: one object per cycle, one per line); the exit code is the signal's.
 */
async function runLoop(config: Config, everyMs: number, options: RunOptions, output: Output): Promise<number> {
  refusePlaceholders(config);
  const session = openSession(config);
  if (session.store.permissionWarning) output.err(session.store.permissionWarning);
  const controller = new AbortController();
  const stop = onStopSignal(() => controller.abort());
  let last: CycleResult | undefined;
  try {
    while (!stop.signal) {
      const started = Date.now();
      // Fresh clients each cycle: what a client remembers "for the run" (a throttle stop, a refused owner) is per cycle.
      if (last) session.renewClients();
      last = await cycle(config, session, output, controller.signal, stop);
      if (options.json) output.jsonLine(last.summary);
      if (stop.signal) break;
      await pause(started + everyMs - Date.now(), controller.signal);
    }
    return signalExitCode(stop.signal!);
  } finally {
    stop.dispose();
    session.close();
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** `20s`, `5m`, `1h`, or a number of seconds; at least one second. */
export function parseEvery(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : Number.NaN;
  if (!(ms >= 1000) || !Number.isFinite(ms)) {
    throw new ConfigError(`--every: expected a duration of at least 1 second like 20s, 5m or 1h, got ${JSON.stringify(value)}`, '--every');
  }
  return ms;
}

/** One cycle on an open session: its line (none when nothing happened) and its record in the store. */
async function cycle(config: Config, session: Session, output: Output, abort: AbortSignal, stop: StopHandle): Promise<CycleResult> {
  const started = Date.now();
  const runId = session.store.startRun('run');
  try {
    const report = await runCycle(session, {
      ...config.sync,
      pageId: config.pages[0]!.pageId,
      planfixDailyBudget: config.planfix.dailyBudget,
      somePagesOnly: config.onlyPage !== undefined,
      signal: abort,
    });
    const requests = session.requestCounts();
    // A side still blocked by an earlier throttle: this run only waited (the cycle did nothing at all).
    const waiting = (Object.entries(report.waiting) as [Side, string][]).map(([side, until]) => ({ side, until: new Date(until) }));
    // How long the whole wait is: from the run that got the throttle answer to the time it named.
    const longWait = waiting.find((w) => {
      const since = Date.parse(session.store.getMeta(META.throttleSince(w.side)) ?? '');
      return w.until.getTime() - (Number.isNaN(since) ? Date.now() : since) > LONG_WAIT_MS;
    });
    let exitCode: number;
    let line: string | undefined;
    if (stop.signal) {
      exitCode = signalExitCode(stop.signal);
      line = interruptedLine(stop.signal, report, requests, RESUME);
    } else if (waiting.length > 0) {
      exitCode = longWait ? EXIT.partial : EXIT.ok;
      if (longWait) line = `fbsync: still waiting out ${waitingText(waiting)} — a wait of over an hour; nothing was done`;
    } else {
      // Several Pages: one whose token was refused makes the run a credentials failure, the others' work done.
      exitCode = report.pagesRefused.length > 0 ? EXIT.credentials : report.hasProblems ? EXIT.partial : EXIT.ok;
      if (report.changed || report.hasProblems || report.stoppedEarly) line = summaryLine(report, requests);
    }
    const error = summaryError(report, exitCode, line ?? '', RESUME);
    const extra: Record<string, unknown> = { waiting: Object.fromEntries(waiting.map((w) => [w.side, w.until.toISOString()])) };
    if (stop.signal) Object.assign(extra, { signal: stop.signal, resume: RESUME });
    const summary = summaryJson(report, requests, exitCode, Date.now() - started, error, extra);
    session.store.finishRun(runId, exitCode, summary);
    if (line) output.out(line);
    if (!stop.signal && waiting.length === 0) {
      for (const f of report.failed) output.err(`  failed: ${f.item}: ${f.error}`);
      for (const p of report.pagesRefused) output.err(`  failed: Page ${p.pageId}: ${p.error ?? 'no token'}`);
    }
    return { exitCode, summary, report, requests };
  } catch (error) {
    if (error instanceof NetworkError && !stop.signal) {
      // Not a bug and not the configuration's fault for sure: a cycle that could not reach a side. Exit 4, said plainly.
      const requests = session.requestCounts();
      const line = `fbsync: the cycle did not finish — ${error.message}; the next run tries again`;
      const report = new RunReport();
      const summary = summaryJson(report, requests, EXIT.partial, Date.now() - started, { ...describeError(error), message: line }, { waiting: {} });
      session.store.finishRun(runId, EXIT.partial, summary);
      output.out(line);
      return { exitCode: EXIT.partial, summary, report, requests };
    }
    // The store is a readable dump too: never a secret in it, whatever error this is.
    session.store.finishRun(runId, exitCodeOf(error), { error: redact(error instanceof Error ? error.message : String(error)) });
    throw error;
  }
}

function waitingText(waiting: { side: Side; until: Date }[]): string {
  return waiting.map((w) => `a ${w.side} throttle until ${w.until.toISOString()}`).join(' and ');
}
