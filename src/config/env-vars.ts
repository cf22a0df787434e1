// The environment variables fbsync reads, in one place: `fbsync --help` lists them, and the
// numeric ones are checked before any command runs (a typo must not silently mean the default).

import { ConfigError } from '../errors.js';

export interface EnvVar {
  name: string;
  meaning: string;
  /** A whole number of milliseconds, at least 1. */
  numeric?: boolean;
}

export const ENV_VARS: readonly EnvVar[] = [
  { name: 'FBSYNC_CONFIG', meaning: 'the configuration file when --config is not given (a cron line then needs no `cd`)' },
  { name: 'FBSYNC_HTTP_TIMEOUT_MS', meaning: 'how long one HTTP request may take (default 30000)', numeric: true },
  { name: 'FBSYNC_RETRY_BASE_MS', meaning: 'first backoff step of a retry (default 500; exponential, full jitter)', numeric: true },
  { name: 'FBSYNC_OAUTH_TIMEOUT_MS', meaning: 'how long `reconnect` waits for the login (default 300000)', numeric: true },
  { name: 'FBSYNC_PROGRESS_INTERVAL_MS', meaning: 'backfill progress line interval off a terminal (default 10000)', numeric: true },
  { name: 'FBSYNC_DIALOG_URL', meaning: 'base address of the Facebook login dialog (default https://www.facebook.com)' },
  { name: 'NO_COLOR', meaning: 'set to anything: no colour even on a terminal (as --no-color)' },
];

const WHOLE = /^\d+$/;

/** Throws a ConfigError (exit 2) naming every numeric variable whose value is not a whole number ≥ 1. */
export function checkEnvVars(env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  for (const v of ENV_VARS) {
    const value = env[v.name];
    if (!v.numeric || value === undefined || value === '') continue;
    if (!WHOLE.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
      problems.push(`${v.name}: expected a whole number of milliseconds (at least 1), got ${JSON.stringify(value)}; e.g. ${v.name}=30000, or unset it for the default`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), problems.length === 1 ? ENV_VARS.find((v) => problems[0]!.startsWith(`${v.name}:`))?.name : undefined);
}
