import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { startSimulator, SIM_IDS, type Simulator } from '../../src/simulator/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/fbsync.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface E2E {
  sim: Simulator;
  dir: string;
  configPath: string;
  storePath: string;
  /** Runs the built CLI to its end. Every byte it prints is checked for the configured secrets. */
  cli(args: string[], options?: { env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult>;
  /** `fbsync run --json`, parsed. */
  run(extraArgs?: string[], options?: { env?: NodeJS.ProcessEnv }): Promise<CliResult & { summary?: any }>;
  spawn(args: string[], options?: { env?: NodeJS.ProcessEnv }): ChildProcess;
  /** Spawns the CLI and sends `signal` once, the moment `when()` holds (polled every 1 ms); resolves with what it printed once it is gone. */
  killWhen(args: string[], when: () => boolean, signal: NodeJS.Signals, options?: { env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  writeConfig(yaml: string): void;
  secrets(): string[];
  close(): Promise<void>;
}

/** Fast retries and short timeouts so fault tests finish quickly; documented knobs, not test-only code paths. */
export const FAST_ENV = { FBSYNC_RETRY_BASE_MS: '10', FBSYNC_HTTP_TIMEOUT_MS: '4000' };

/**
 * Tests of rules 3 and 5 want a change found by the next few runs, not minutes later: with
 * `schedule: 'eager'` every run lists the whole window and re-reads two posts for edits, whichever
 * were scanned longest ago (sync.fullCheckMinutes 0, editCheckMinutes 0, editChecksPerCycle 2:
 * fbsync's behaviour before the idle-cost schedule). The default is the shipped schedule.
 */
const EAGER_EDIT_CHECKS = '  fullCheckMinutes: 0\n  editCheckMinutes: 0\n  editChecksPerCycle: 2\n';

export function withSchedule(extra: string, schedule: 'eager' | 'shipped'): string {
  if (schedule === 'shipped') return extra;
  return /^sync:\n/m.test(extra) ? extra.replace(/^sync:\n/m, `sync:\n${EAGER_EDIT_CHECKS}`) : `${extra}${extra && !extra.endsWith('\n') ? '\n' : ''}sync:\n${EAGER_EDIT_CHECKS}`;
}

export interface E2EOptions {
  configExtra?: string;
  requestsPerSecond?: number;
  simulator?: Parameters<typeof startSimulator>[0];
  schedule?: 'eager' | 'shipped';
}

export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const buildError = inject('buildError');
  if (buildError) throw new Error(`the CLI did not build:\n${buildError}`);
  const sim = await startSimulator(options.simulator);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-e2e-'));
  const configPath = path.join(dir, 'fbsync.yaml');
  const storePath = path.join(dir, 'fbsync.db');
  fs.writeFileSync(configPath, sim.configYaml({ storePath, requestsPerSecond: options.requestsPerSecond ?? 200, extra: withSchedule(options.configExtra ?? '', options.schedule ?? 'shipped') }));
  const secrets = () => [SIM_IDS.appSecret, sim.facebook.pageToken, sim.planfix.token, ...sim.facebook.allTokens()];

  const spawnCli = (args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) =>
    spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...FAST_ENV, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });

  const cli = async (args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}) => {
    const result = await collect(spawnCli(args, opts), opts.input);
    for (const secret of secrets()) {
      if (secret && (result.stdout.includes(secret) || result.stderr.includes(secret))) {
        throw new Error(`the CLI printed a secret (${secret.slice(0, 4)}…) while running ${args.join(' ')}`);
      }
    }
    return result;
  };

  return {
    sim,
    dir,
    configPath,
    storePath,
    cli,
    async run(extraArgs = [], opts = {}) {
      const result = await cli(['run', '--json', '--config', configPath, ...extraArgs], opts);
      let summary: any;
      try {
        summary = JSON.parse(result.stdout);
      } catch {
        summary = undefined;
      }
      return { ...result, summary };
    },
    spawn: spawnCli,
    async killWhen(args, when, signal, opts = {}) {
      const child = spawnCli(args, opts);
      const timer = setInterval(() => {
        if (!when()) return;
        clearInterval(timer);
        child.kill(signal);
      }, 1);
      try {
        return await collect(child);
      } finally {
        clearInterval(timer);
      }
    },
    writeConfig: (yaml) => fs.writeFileSync(configPath, yaml),
    secrets,
    async close() {
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The E2E of the running test (or file), plus `start` for tests that need their own options. */
export type UsedE2E = E2E & {
  /** Closes the current E2E, if any, and starts one with `options`; the harness closes it after the test. */
  start(options?: E2EOptions): Promise<E2E>;
};

/**
 * Registers the hooks that start a simulator + temporary directory and close it again, once per
 * test (`per: 'test'`, the default: nothing leaks between tests) or once per file/describe
 * (`per: 'file'`, for read-only suites where starting is the cost). With `manual: true` nothing is
 * started: each test calls `e2e.start(options)` with the options it needs, and the hooks close it.
 * The handle forwards every property to the E2E currently running, so tests read `e2e.sim`, `e2e.run()`.
 */
export function useE2E(options: E2EOptions = {}, { per = 'test', manual = false }: { per?: 'test' | 'file'; manual?: boolean } = {}): UsedE2E {
  let current: E2E | undefined;
  const close = async () => {
    const open = current;
    current = undefined;
    await open?.close();
  };
  const start = async (startOptions: E2EOptions = options) => {
    await close();
    current = await startE2E(startOptions);
    return current;
  };
  const [before, after] = per === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  if (!manual) before(async () => void (await start()));
  after(close);
  return new Proxy({} as UsedE2E, {
    get(_, property) {
      if (property === 'start') return start;
      // Not a thenable: `await handle` must not look for `then` on a closed E2E.
      if (property === 'then') return undefined;
      if (!current) throw new Error(`useE2E: no E2E is running (reading ${String(property)}); call e2e.start() first`);
      return current[property as keyof E2E];
    },
  });
}

/** Everything a spawned CLI prints, once it has exited and closed its output; `input` goes to its stdin (closed either way). */
export function collect(child: ChildProcess, input?: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdin!.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs until a run exits 0 (or the limit); returns the exit codes seen. */
export async function runUntilClean(e2e: E2E, limit = 10): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < limit; i++) {
    const r = await e2e.run();
    codes.push(r.code ?? -1);
    if (r.code === 0) break;
  }
  return codes;
}
