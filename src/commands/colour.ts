// Colour for the marks people scan for (✓ ✗ !) and for warnings — only on a terminal, and never
// when NO_COLOR is set (https://no-color.org) or --no-color was given (cli.ts sets NO_COLOR then).
// chalk is loaded by the commands that colour, not at start-up.

import { Chalk } from 'chalk';

export interface Paint {
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
}

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function paintFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Paint {
  const chalk = new Chalk({ level: colourWanted(stream, env) ? 1 : 0 });
  return { good: (t) => chalk.green(t), bad: (t) => chalk.red(t), warn: (t) => chalk.yellow(t), dim: (t) => chalk.dim(t) };
}
