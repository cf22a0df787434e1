import { AuthError, PermissionError, RemoteError } from '../http/errors.js';
import { ConfigError, LockedError, StoreError } from '../errors.js';

/** behaviour.md § Exit codes. */
export const EXIT = { ok: 0, internal: 1, usage: 2, credentials: 3, partial: 4, locked: 75, interrupted: 130, terminated: 143 } as const;

export function exitCodeOf(error: unknown): number {
  if (error instanceof LockedError) return EXIT.locked;
  if (error instanceof ConfigError || error instanceof StoreError) return EXIT.usage;
  if (error instanceof AuthError || error instanceof PermissionError) return EXIT.credentials;
  if (error instanceof RemoteError) return EXIT.partial;
  return EXIT.internal;
}
