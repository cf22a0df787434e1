import fs from 'node:fs';
import Database from 'better-sqlite3';
import { LockedError } from '../errors.js';

/**
 * One run per store. The lock is an exclusive SQLite transaction on a side file: it is a POSIX
 * record lock, so the kernel releases it when the holder dies (kill -9, OOM) and a dead run never
 * blocks the next one; no pid files to go stale.
 */
export class StoreLock {
  private constructor(private readonly db: Database.Database) {}

  static acquire(storePath: string): StoreLock {
    const file = `${storePath}.lock`;
    if (!fs.existsSync(file)) fs.closeSync(fs.openSync(file, 'a', 0o600));
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('journal_mode = DELETE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw new LockedError(`Another fbsync run holds the lock of ${storePath}; nothing was done.`);
      }
      throw error;
    }
    return new StoreLock(db);
  }

  release(): void {
    if (!this.db.open) return;
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
    }
  }
}
