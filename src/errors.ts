// Errors that are not about one remote side: the user's configuration, the store, the lock. The
// remote sides' errors (src/http/errors.ts) extend FbsyncError too. Errors are typed by what the
// caller does next, and mapped to exit codes once, at the edge (src/commands/exit-codes.ts).

export class FbsyncError extends Error {
  readonly code: string = 'FBSYNC_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad usage or configuration: exit 2. `key` names the configuration key when there is one. */
export class ConfigError extends FbsyncError {
  override readonly code = 'CONFIG';
  constructor(message: string, readonly key?: string) {
    super(message);
  }
}

/** Another run holds the store's lock: exit 75. */
export class LockedError extends FbsyncError {
  override readonly code = 'LOCKED';
}

/** The store file is unusable (corrupt, written by a newer fbsync): exit 2, never overwritten. */
export class StoreError extends FbsyncError {
  override readonly code = 'STORE';
}
