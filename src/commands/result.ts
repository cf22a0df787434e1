// The one JSON object `--json` prints, whatever happens (README § --json):
//   { ok, exitCode, error: null | { kind, side, message, fix }, …the command's own fields }
// `ok` is exitCode === 0; `error` says why not, in the words the human message uses.

import { AuthError, NetworkError, PermissionError, RemoteError, type Side, ThrottledError } from '../http/errors.js';
import { ConfigError, LockedError, StoreError } from '../errors.js';
import { redact } from '../http/secrets.js';
import { exitCodeOf } from './exit-codes.js';

export type ErrorKind =
  | 'usage'
  | 'config'
  | 'store'
  | 'credentials'
  | 'network'
  | 'throttled'
  | 'remote'
  | 'partial'
  | 'locked'
  | 'interrupted'
  | 'internal';

export interface JsonError {
  kind: ErrorKind;
  side: Side | null;
  message: string;
  fix: string | null;
}

export interface JsonResult {
  ok: boolean;
  exitCode: number;
  error: JsonError | null;
  [field: string]: unknown;
}

export function result(exitCode: number, fields: Record<string, unknown>, error: JsonError | null = null): JsonResult {
  return { ok: exitCode === 0, exitCode, error, ...fields };
}

function credentialsFix(side: Side): string {
  return side === 'facebook'
    ? 'run `fbsync reconnect` (and check facebook.appId / facebook.appSecret)'
    : 'check planfix.token: a REST API token from Account management → API access, whose employee is active';
}

/** What an error means for the person or program reading `--json`. */
export function describeError(error: unknown): JsonError {
  const message = redact(error instanceof Error ? error.message : String(error));
  if (error instanceof LockedError) return { kind: 'locked', side: null, message, fix: 'nothing to do: another run is working; the next cron run goes ahead once it has finished' };
  if (error instanceof ConfigError) {
    const usage = error.key?.startsWith('--') ?? false;
    return { kind: usage ? 'usage' : 'config', side: null, message, fix: error.key && !message.includes('\n') ? `correct ${error.key}` : 'correct what the message names' };
  }
  if (error instanceof StoreError) return { kind: 'store', side: null, message, fix: 'point store.path at the right file, or move this one aside (the next run makes a new store)' };
  if (error instanceof AuthError || error instanceof PermissionError) return { kind: 'credentials', side: error.side, message, fix: credentialsFix(error.side) };
  if (error instanceof ThrottledError) return { kind: 'throttled', side: error.side, message, fix: 'nothing to do: the next runs wait until the side allows calls again' };
  if (error instanceof NetworkError) return { kind: 'network', side: error.side, message, fix: error.fix };
  if (error instanceof RemoteError) return { kind: 'remote', side: error.side, message, fix: 'a passing problem: the next run tries again' };
  return { kind: 'internal', side: null, message, fix: 'a bug: run the command again with --debug and report the stack trace' };
}

/** `--json` for a command that ended with an error before it had a summary to print. */
export function failureResult(error: unknown): JsonResult {
  return result(exitCodeOf(error), {}, describeError(error));
}

