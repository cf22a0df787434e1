// Start-up figures (issue 9 § 10): cron starts fbsync every minute, so the time to print --help,
// --version or to finish a run with nothing to do matters. Each figure is the median wall time
// of spawn → exit over several runs, beside `node -e 0` (Node's own start-up) as a ratio.
// hyperfine is used when it is installed (`BENCH_HYPERFINE=0` turns it off); otherwise a loop here.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './cli.js';

export interface StartupFigure {
  name: string;
  medianMs: number;
  /** medianMs / the `node -e 0` median. */
  ratio: number;
  targetMs?: number;
}

export interface StartupCommand {
  name: string;
  argv: string[];
  cwd: string;
  targetMs?: number;
  /** Checked after the first run, e.g. a no-op run must exit 0 and print nothing. */
  expect?(result: { code: number | null; stdout: string; stderr: string }): string | undefined;
}

function timeOnce(argv: string[], cwd: string): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    let ms = 0;
    child.on('exit', () => (ms = Number(process.hrtime.bigint() - started) / 1e6));
    child.on('close', (code) => resolve({ ms, code, stdout, stderr }));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function hyperfineMedian(argv: string[], cwd: string, runs: number): number | undefined {
  if (process.env.BENCH_HYPERFINE === '0') return undefined;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-hf-')), 'hf.json');
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('hyperfine', ['--warmup', '2', '--runs', String(runs), '-N', '--export-json', out, quoted], { cwd, stdio: 'ignore' });
  if (r.error || r.status !== 0) return undefined;
  const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as { results: { median: number }[] };
  return doc.results[0]!.median * 1000;
}

/** Times each command (after 2 warm-up runs) and the `node -e 0` baseline; problems are returned, not thrown. */
export async function measureStartup(commands: StartupCommand[], runs: number): Promise<{ baselineMs: number; figures: StartupFigure[]; problems: string[]; tool: string }> {
  const problems: string[] = [];
  const all: StartupCommand[] = [{ name: 'node -e 0', argv: [process.execPath, '-e', '0'], cwd: ROOT }, ...commands];
  const medians: number[] = [];
  let tool = 'a loop in the bench';
  for (const c of all) {
    const first = await timeOnce(c.argv, c.cwd);
    const problem = c.expect?.(first);
    if (problem) problems.push(`${c.name}: ${problem}`);
    await timeOnce(c.argv, c.cwd);
    const viaHyperfine = hyperfineMedian(c.argv, c.cwd, runs);
    if (viaHyperfine !== undefined) {
      tool = 'hyperfine';
      medians.push(viaHyperfine);
      continue;
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await timeOnce(c.argv, c.cwd)).ms);
    medians.push(median(times));
  }
  const baselineMs = medians[0]!;
  const figures = all.slice(1).map((c, i) => ({ name: c.name, medianMs: medians[i + 1]!, ratio: medians[i + 1]! / baselineMs, targetMs: c.targetMs }));
  return { baselineMs, figures, problems, tool };
}

/** `node bin/fbsync.js …` */
export const fbsyncArgv = (...args: string[]) => [process.execPath, BIN, ...args];
