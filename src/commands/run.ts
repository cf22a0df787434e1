import type { Config } from '../config/types.js';
import { redact } from '../http/secrets.js';
import { runCycle } from '../sync/engine.js';
import { openSession } from '../sync/session.js';
import type { Output } from './output.js';
import { exitCodeOf } from './exit-codes.js';
import { summaryJson, summaryLine } from './summary.js';

export interface RunOptions {
  json?: boolean;
}

/** `fbsync run`: one cycle. Quiet when nothing changed; one line otherwise; --json for machines. */
export async function runCommand(config: Config, options: RunOptions, output: Output): Promise<number> {
  const started = Date.now();
  const session = openSession(config);
  if (session.store.permissionWarning) output.err(session.store.permissionWarning);
  const runId = session.store.startRun('run');
  let exitCode = 1;
  try {
    const report = await runCycle(session, {
      pageId: config.facebook.pageId,
      lookbackDays: config.sync.lookbackDays,
      concurrency: config.sync.concurrency,
      maxRunSeconds: config.sync.maxRunSeconds,
      maxEffects: config.sync.maxEffects,
    });
    const requests = { facebook: session.fb.requestCount, planfix: session.pf.requestCount };
    exitCode = report.hasProblems ? 4 : 0;
    const summary = summaryJson(report, requests, exitCode, Date.now() - started);
    session.store.finishRun(runId, exitCode, summary);
    if (options.json) output.json(summary);
    else if (report.changed || report.hasProblems || report.stoppedEarly) {
      output.out(summaryLine(report, requests));
      for (const f of report.failed) output.err(`  failed: ${f.item}: ${f.error}`);
      for (const [side, t] of Object.entries(report.throttled)) output.err(`  ${side}: ${t.message}`);
    }
    return exitCode;
  } catch (error) {
    // The store is a readable dump too: never a secret in it, whatever error this is.
    session.store.finishRun(runId, exitCodeOf(error), { error: redact(error instanceof Error ? error.message : String(error)) });
    throw error;
  } finally {
    session.close();
  }
}

