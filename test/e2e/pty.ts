import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './harness.js';

// A pseudo-terminal for the prompts that behave differently on a TTY (init's questions, the
// token read with echo off), through util-linux `script`, which runs a command on a new pty.

export function hasScript(): boolean {
  return spawnSync('script', ['--version']).status === 0;
}

/** Runs `fbsync args…` on a pty in `cwd`; each time the output matches the next prompt, types its answer. */
export function inPty(args: string[], answers: [RegExp, string][], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, path.join(ROOT, 'bin/fbsync.js'), ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let next = 0;
  let seen = 0;
  const onData = (d: Buffer) => {
    output += d.toString();
    while (next < answers.length && answers[next]![0].test(output.slice(seen))) {
      seen = output.length;
      child.stdin.write(`${answers[next]![1]}\r`);
      next++;
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
