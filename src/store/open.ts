import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { migrations, schemaVersion } from './migrations.js';

// 'FBSY': tells an fbsync store from any other SQLite file, so a wrong --config never migrates a stranger's database.
const APPLICATION_ID = 0x46425359;

export interface OpenedDatabase {
  db: Database.Database;
  /** Set when the file is readable by group or others (the store holds tokens). */
  permissionWarning?: string;
}

/** Opens (creating with mode 0600 when absent) and migrates the store; refuses damaged or newer files untouched. */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): OpenedDatabase {
  const exists = fs.existsSync(file);
  if (!exists) {
    if (options.readonly) throw new StoreError(`No store at ${file} yet: run \`fbsync run\` (or \`fbsync reconnect\`) first.`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  const permissionWarning = checkPermissions(file);
  let db: Database.Database;
  try {
    db = options.readonly ? openReadonly(file) : new Database(file, { fileMustExist: true });
  } catch (error) {
    throw new StoreError(`Cannot open the store ${file}: ${(error as Error).message}`);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    if (appId !== APPLICATION_ID && (tables > 0 || version > 0)) {
      throw new StoreError(`${file} is an SQLite database but not an fbsync store; it was left untouched. Point store.path at another file.`);
    }
    if (version > schemaVersion) {
      throw new StoreError(
        `The store ${file} was written by a newer fbsync (schema ${version}, this one knows ${schemaVersion}); it was left untouched. Upgrade fbsync.`,
      );
    }
    // Pages past the header can be damaged while the header reads fine (a disk error, a copy cut
    // short): find out before anything is written, not as an "internal error" mid-cycle. About
    // 3 ms per MB of store.
    if (version > 0) {
      const check = db.pragma('quick_check(1)', { simple: true });
      if (check !== 'ok') {
        const problem = String(check).replace(/\*\*\* in database \w+ \*\*\*/, '').replace(/\s+/g, ' ').trim().slice(0, 200);
        throw new StoreError(
          `The store ${file} is damaged (SQLite integrity check: ${problem}); it was left untouched. Move it aside (or restore a backup) and run again to start a new one.`,
        );
      }
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: an intent must be on disk before its remote write, or a power cut could forget a write
      // that happened (NORMAL in WAL mode survives kill -9, not power loss). One fsync per commit, at
      // Planfix's pace of about one write a second, costs nothing.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, version);
    }
    return { db, permissionWarning };
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      `The store ${file} is damaged or not an SQLite file (${(error as Error).message}); it was left untouched. Move it aside and run again to start a new one.`,
    );
  }
}

/**
 * A read-only open must leave no trace (`doctor`, `status`): SQLite opening a WAL database
 * read-only creates `-wal` and `-shm` files and leaves them behind. Without a `-wal` file the
 * last writer checkpointed and closed, so the main file holds every committed transaction:
 * read that snapshot into memory instead. With one, a writer is active (or crashed) and SQLite's
 * own read-only open is the correct reader (the side files exist already).
 */
function openReadonly(file: string): Database.Database {
  const wal = `${file}-wal`;
  if (!fs.existsSync(wal)) {
    const bytes = fs.readFileSync(file);
    // Header bytes 18/19 = 2 mark WAL mode, which an in-memory copy cannot use: 1 = rollback journal.
    if (bytes.length >= 20 && bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0' && bytes[18] === 2 && bytes[19] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    if (!fs.existsSync(wal)) return new Database(bytes, { readonly: true });
  }
  return new Database(file, { readonly: true, fileMustExist: true });
}

function migrate(db: Database.Database, from: number): void {
  for (let v = from; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    })();
  }
}

function checkPermissions(file: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) {
    return `warning: the store ${file} is readable by other users (mode ${mode.toString(8)}); it holds access tokens. Run: chmod 600 ${file}`;
  }
  return undefined;
}
