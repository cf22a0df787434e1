import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Simulator } from '../simulator/index.js';
import { type RssPeak, sampleRss } from './rss.js';

/** The package root: dist/bench/ → ../.. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/fbsync.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Spawn → exit, as seen by the bench. */
  wallMs: number;
  startedAt: number;
  rss: RssPeak | undefined;
  /** stdout parsed as JSON (`--json`), when it is. */
  summary?: any;
}

export interface Workdir {
  dir: string;
  configPath: string;
  storePath: string;
  remove(): void;
}

export function makeWorkdir(sim: Simulator, requestsPerSecond: number, extra = ''): Workdir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-bench-'));
  const configPath = path.join(dir, 'fbsync.yaml');
  const storePath = path.join(dir, 'fbsync.db');
  fs.writeFileSync(configPath, sim.configYaml({ storePath, requestsPerSecond, extra }));
  return { dir, configPath, storePath, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the built CLI (`node bin/fbsync.js …`) as a child process, sampling its RSS. */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; onStderr?(chunk: string): void }): Promise<CliRun> {
  if (!fs.existsSync(path.join(ROOT, 'dist/bundle/cli.js'))) throw new Error('dist/bundle/cli.js is missing: run `npm run build` first');
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = child.pid === undefined ? undefined : sampleRss(child.pid, 100);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      options.onStderr?.(d);
    });
    child.on('error', (error) => {
      sampler?.stop();
      reject(error);
    });
    // The sampler stops at 'exit' (before the pid can be reused); the result waits for 'close' (pipes drained).
    let wallMs = 0;
    let rss: RssPeak | undefined;
    child.on('exit', () => {
      wallMs = Date.now() - startedAt;
      rss = sampler?.stop();
    });
    child.on('close', (code, signal) => {
      let summary: any;
      try {
        summary = JSON.parse(stdout);
      } catch {
        summary = undefined;
      }
      resolve({ code, signal, stdout, stderr, wallMs: wallMs || Date.now() - startedAt, startedAt, rss, summary });
    });
  });
}
