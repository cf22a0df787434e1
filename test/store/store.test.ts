import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, StoreError } from '../../src/errors.js';
import { StoreLock } from '../../src/store/lock.js';
import { migrations, schemaVersion } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

// Store.open and StoreLock (behaviour.md § Guarantees: "nothing already stored is damaged",
// "one run at a time", "the store … created readable by the owner only").

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FBSY = 0x46425359;

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-store-'));
  file = path.join(dir, 'fbsync.db');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (f: string) => fs.statSync(f).mode & 0o777;
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function refused(open: () => unknown): StoreError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('the store was opened');
}

describe('Store.open', () => {
  it('creates the store 0600, in missing folders too, and its WAL and SHM files are not readable by others', () => {
    const nested = path.join(dir, 'a', 'b', 'fbsync.db');
    const store = Store.open(nested);
    try {
      store.setMeta('k', 'v');
      expect(mode(nested).toString(8)).toBe('600');
      expect(store.permissionWarning).toBeUndefined();
      for (const side of ['-wal', '-shm']) {
        expect(fs.existsSync(nested + side)).toBe(true);
        expect(mode(nested + side) & 0o077).toBe(0);
      }
    } finally {
      store.close();
    }
  });

  it('applies the numbered migrations, marks the file as fbsync’s, and reopens without migrating again', () => {
    expect(schemaVersion).toBe(migrations.length);
    Store.open(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(db.pragma('application_id', { simple: true })).toBe(FBSY);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['cursor', 'effect', 'meta', 'post', 'reply', 'run']));
    db.close();

    const store = Store.open(file);
    store.setMeta('kept', 'yes');
    store.close();
    const again = Store.open(file);
    expect(again.getMeta('kept')).toBe('yes');
    again.close();
  });

  it('migrates a store of an older schema step by step', () => {
    // Schema 0 is "nothing yet": an empty file (as `fbsync` creates it) is migrated to the latest.
    fs.closeSync(fs.openSync(file, 'w', 0o600));
    Store.open(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it('refuses a store written by a newer fbsync, naming both versions, and leaves its bytes alone', () => {
    Store.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${schemaVersion + 1}`);
    db.close();
    const before = sha(file);
    const error = refused(() => Store.open(file));
    expect(error.message).toBe(
      `The store ${file} was written by a newer fbsync (schema ${schemaVersion + 1}, this one knows ${schemaVersion}); it was left untouched. Upgrade fbsync.`,
    );
    refused(() => Store.open(file, { readonly: true }));
    expect(sha(file)).toBe(before);
  });

  it('refuses a file of random bytes and leaves it alone', () => {
    const bytes = Buffer.alloc(16384);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    fs.writeFileSync(file, bytes, { mode: 0o600 });
    const error = refused(() => Store.open(file));
    expect(error.message).toMatch(new RegExp(`^The store ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged or not an SQLite file \\(.+\\); it was left untouched\\. Move it aside`));
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a store whose header is fine but whose pages are damaged, before writing anything', () => {
    const store = Store.open(file);
    for (let i = 0; i < 200; i++) store.setMeta(`filler.${i}`, 'x'.repeat(400));
    store.close();
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBeGreaterThan(8 * 4096);
    for (let i = 3 * 4096; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    fs.writeFileSync(file, bytes);
    for (const readonly of [false, true]) {
      expect(refused(() => Store.open(file, { readonly })).message).toMatch(/^The store .* is damaged .*; it was left untouched\. Move it aside/);
    }
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses another program’s SQLite database and leaves it alone', () => {
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('owner', 'someone else')");
    db.close();
    const before = sha(file);
    expect(refused(() => Store.open(file)).message).toBe(`${file} is an SQLite database but not an fbsync store; it was left untouched. Point store.path at another file.`);
    expect(sha(file)).toBe(before);
  });

  it('warns when the store is readable by others (it holds tokens), and names the fix', () => {
    Store.open(file).close();
    fs.chmodSync(file, 0o644);
    const store = Store.open(file);
    expect(store.permissionWarning).toBe(`warning: the store ${file} is readable by other users (mode 644); it holds access tokens. Run: chmod 600 ${file}`);
    store.close();
    fs.chmodSync(file, 0o600);
    const fine = Store.open(file);
    expect(fine.permissionWarning).toBeUndefined();
    fine.close();
  });

  it('read-only opening of a missing store says what to run, and creates nothing', () => {
    expect(refused(() => Store.open(file, { readonly: true })).message).toMatch(/No store at .* yet: run `fbsync run`/);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('StoreLock', () => {
  it('is exclusive, created 0600, and free again once released', () => {
    const lock = StoreLock.acquire(file);
    expect(mode(`${file}.lock`).toString(8)).toBe('600');
    expect(() => StoreLock.acquire(file)).toThrow(LockedError);
    expect(() => StoreLock.acquire(file)).toThrow(`Another fbsync run holds the lock of ${file}; nothing was done.`);
    lock.release();
    lock.release(); // twice is harmless
    const next = StoreLock.acquire(file);
    next.release();
  });

  it('held by another process, refuses; released by the kernel when that process is killed', async () => {
    // A separate process holds the lock through the built module (test/global-setup.ts builds dist/), as `fbsync run` would.
    const script = `import { StoreLock } from ${JSON.stringify(path.join(ROOT, 'dist/store/lock.js'))};
      StoreLock.acquire(process.argv[1]); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (d) => (err += d));
        child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
        child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}): ${err}`)));
      });
      expect(() => StoreLock.acquire(file)).toThrow(LockedError);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const lock = StoreLock.acquire(file);
    lock.release();
  });
});
