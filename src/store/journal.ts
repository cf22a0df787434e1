import type Database from 'better-sqlite3';
import { statementCache } from './statements.js';

const EFFECT_SELECT = 'SELECT key, kind, state, attempts, last_error AS lastError, remote_id AS remoteId, payload, updated_at AS updatedAt FROM effect';

export type EffectState = 'sending' | 'done' | 'failed' | 'parked';

export interface EffectRow {
  key: string;
  kind: string;
  state: EffectState;
  attempts: number;
  lastError: string | null;
  remoteId: string | null;
  /** What the write carries (e.g. a reply's text), so a crashed attempt can be recognised remotely. */
  payload: string | null;
  updatedAt: string;
}

/**
 * The intent journal (architecture.md § Exactly-once). An effect is recorded as `sending` and
 * committed before its remote write; `done` is committed together with the mapping it produced.
 * A `sending` row found at start means the outcome is unknown: the remote side is checked first.
 */
export class Journal {
  private readonly getStmt;
  private readonly sendingStmt;
  private readonly doneStmt;
  private readonly failStmt;

  constructor(
    private readonly db: Database.Database,
    private readonly sql: (text: string) => Database.Statement = statementCache(db),
  ) {
    this.getStmt = db.prepare(`${EFFECT_SELECT} WHERE key = ?`);
    this.sendingStmt = db.prepare(`
      INSERT INTO effect (key, kind, state, attempts, payload, updated_at) VALUES (@key, @kind, 'sending', 1, @payload, @now)
      ON CONFLICT(key) DO UPDATE SET state = 'sending', attempts = attempts + 1, payload = @payload, updated_at = @now`);
    this.doneStmt = db.prepare(`UPDATE effect SET state = 'done', remote_id = @remoteId, last_error = NULL, updated_at = @now WHERE key = @key`);
    this.failStmt = db.prepare(`UPDATE effect SET state = @state, last_error = @error, updated_at = @now WHERE key = @key`);
  }

  get(key: string): EffectRow | undefined {
    return this.getStmt.get(key) as EffectRow | undefined;
  }

  markSending(key: string, kind: string, payload?: string): void {
    this.sendingStmt.run({ key, kind, payload: payload ?? null, now: new Date().toISOString() });
  }

  /** Marks done and applies the mapping change in the same transaction. */
  markDone(key: string, remoteId: string, apply: () => void): void {
    this.db.transaction(() => {
      apply();
      this.doneStmt.run({ key, remoteId, now: new Date().toISOString() });
    })();
  }

  /**
   * Records a failed attempt. `failed`: the write surely did not happen, retry freely.
   * `sending`: the outcome is unknown, check the remote side before retrying. `parked`: refused
   * for good, waits for the user (shown by `fbsync status`).
   */
  markFailed(key: string, error: string, state: 'failed' | 'sending' | 'parked'): void {
    this.failStmt.run({ key, error, state, now: new Date().toISOString() });
  }

  /** The done effect of one of these kinds that wrote this remote object (fbsync's own Planfix comments). */
  wrote(kinds: readonly string[], remoteId: string): EffectRow | undefined {
    const marks = kinds.map(() => '?').join(',');
    return this
      .sql(`${EFFECT_SELECT} WHERE remote_id = ? AND state = 'done' AND kind IN (${marks})`)
      .get(remoteId, ...kinds) as EffectRow | undefined;
  }

  /** How many effects of a kind whose key starts with a prefix are done. */
  countDone(kind: string, keyPrefix: string): number {
    return (
      this.sql(`SELECT count(*) AS n FROM effect WHERE kind = ? AND state = 'done' AND key LIKE ? ESCAPE '\\'`).get(kind, likePrefix(keyPrefix)) as { n: number }
    ).n;
  }

  /** Effects of a kind whose key starts with a prefix and that are not done. */
  unfinished(kind: string, keyPrefix: string): EffectRow[] {
    return this
      .sql(`${EFFECT_SELECT} WHERE kind = ? AND state != 'done' AND key LIKE ? ESCAPE '\\'`)
      .all(kind, likePrefix(keyPrefix)) as EffectRow[];
  }

  list(states: EffectState[]): EffectRow[] {
    const marks = states.map(() => '?').join(',');
    return this
      .sql(`${EFFECT_SELECT} WHERE state IN (${marks}) ORDER BY updated_at`)
      .all(...states) as EffectRow[];
  }

  countByState(): Record<EffectState, number> {
    const rows = this.sql('SELECT state, count(*) AS n FROM effect GROUP BY state').all() as { state: EffectState; n: number }[];
    const out: Record<EffectState, number> = { sending: 0, done: 0, failed: 0, parked: 0 };
    for (const r of rows) out[r.state] = r.n;
    return out;
  }
}

/** A LIKE pattern matching every text that starts with `prefix`. */
function likePrefix(prefix: string): string {
  return prefix.replace(/[%_\\]/g, '\\$&') + '%';
}
