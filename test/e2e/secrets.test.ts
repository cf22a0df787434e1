import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SIM_IDS } from '../../src/simulator/index.js';
import { ann } from './fixtures.js';
import { type CliResult, useE2E } from './harness.js';

// behaviour.md § Guarantees, "secrets stay secret": the app secret, the Page token, the Planfix
// token and every appsecret_proof fbsync sends never appear in what it prints (stdout, stderr,
// --json, error messages, `status`) nor in the store's readable contents; the store is 0600.
// fbsync writes no log files: its only "logs" are stdout and stderr, which cron mails.
//
// The store's one expected secret: the meta row `facebook.pageToken`, where `fbsync reconnect`
// keeps the Page token it obtained — that is what the 0600 store is for. It is left out of the
// dump check (these runs take the token from the configuration, so the row is absent anyway).
const EXPECTED_SECRET_ROWS = new Set(['meta:facebook.pageToken']);


describe('secrets stay secret', () => {
  const e2e = useE2E({}, { per: 'file' });
  const outputs: { what: string; result: CliResult }[] = [];
  const startedAt = Math.floor(Date.now() / 1000);

  /** Every appsecret_proof the runs can have sent: timestamped (token|time, each second of the test ± 10 min) and plain. */
  function proofs(): string[] {
    const tokens = [e2e.sim.facebook.pageToken, ...e2e.sim.facebook.allTokens()];
    const out: string[] = [];
    const until = Math.floor(Date.now() / 1000) + 600;
    for (const token of new Set(tokens)) {
      out.push(createHmac('sha256', SIM_IDS.appSecret).update(token).digest('hex'));
      for (let t = startedAt - 600; t <= until; t++) out.push(createHmac('sha256', SIM_IDS.appSecret).update(`${token}|${t}`).digest('hex'));
    }
    return out;
  }

  function leaks(text: string): string[] {
    const found = e2e.secrets().filter((s) => s && text.includes(s)).map((s) => `secret ${s.slice(0, 4)}…`);
    const hex = new Set(text.match(/[0-9a-f]{64}/g) ?? []);
    if (hex.size > 0) for (const p of proofs()) if (hex.has(p)) found.push(`appsecret_proof ${p.slice(0, 6)}…`);
    if (/appsecret_proof=(?!\*\*\*)/.test(text)) found.push('an appsecret_proof parameter');
    return found;
  }

  async function cli(what: string, args: string[]): Promise<CliResult> {
    // e2e.cli itself rejects when a configured secret shows up; proofs are checked below.
    const result = await e2e.cli([...args, '--config', e2e.configPath]);
    outputs.push({ what, result });
    return result;
  }

  it('in the output of run --json, status, status --json, --debug runs and failing runs', async () => {
    const post = e2e.sim.facebook.addPost({ message: 'secret post' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'is it open?' });
    expect((await cli('first run --json', ['run', '--json'])).code).toBe(0);

    // A reply, so Graph writes (signed in the form body) happen too.
    const task = e2e.sim.planfix.tasks()[0]!;
    e2e.sim.planfix.quickReply(task.id, e2e.sim.planfix.contacts()[0]!.id, 'Yes, until 6.');
    expect((await cli('run --json with a reply', ['run', '--json'])).code).toBe(0);
    expect(e2e.sim.facebook.comments().filter((c) => c.byPage)).toHaveLength(1);

    expect((await cli('status', ['status'])).code).toBe(0);
    expect((await cli('status --json', ['status', '--json'])).code).toBe(0);

    // A Planfix write answered 500 every time, with --debug: the item fails, exit 4.
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'and tomorrow?' });
    e2e.sim.planfix.setResponseOverride((req) =>
      req.method === 'POST' && /\/comments\/?$/.test(req.path) ? { status: 500, body: JSON.stringify({ result: 'fail', code: 0, error: 'Unknown error' }) } : undefined,
    );
    const failing = await cli('run --debug, Planfix 500 on a write', ['run', '--debug']);
    expect(failing.code).toBe(4);
    expect(failing.stderr).toMatch(/Planfix failed on POST \/rest\/task\/\d+\/comments\//);
    e2e.sim.planfix.setResponseOverride(null);
    expect((await cli('status after a failure', ['status'])).code).toBe(0);

    // A revoked Page token: exit 3, with and without --debug (which prints the stack).
    e2e.sim.facebook.revokeToken(e2e.sim.facebook.pageToken);
    expect((await cli('run, revoked token', ['run'])).code).toBe(3);
    const revoked = await cli('run --json --debug, revoked token', ['run', '--json', '--debug']);
    expect(revoked.code).toBe(3);
    expect(revoked.stderr).toMatch(/^\s+at /m);
    expect((await cli('status --json after exit 3', ['status', '--json'])).code).toBe(0);

    const found = outputs.flatMap(({ what, result }) => leaks(result.stdout + result.stderr).map((l) => `${what}: ${l}`));
    expect(found).toEqual([]);
  });

  it('in the store: no secret in any text column, and the files are the owner’s only', () => {
    const db = new Database(e2e.storePath, { readonly: true });
    const texts: string[] = [];
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
          if (name === 'meta' && EXPECTED_SECRET_ROWS.has(`meta:${row.key}`)) continue;
          for (const value of Object.values(row)) if (typeof value === 'string') texts.push(value);
        }
      }
    } finally {
      db.close();
    }
    // The runs above left error messages, summaries and reply texts in the store.
    expect(texts.some((t) => t.includes('Planfix failed on POST'))).toBe(true);
    expect(texts.some((t) => t.includes('Yes, until 6.'))).toBe(true);
    expect(leaks(texts.join('\n'))).toEqual([]);

    for (const file of [e2e.storePath, `${e2e.storePath}-wal`, `${e2e.storePath}-shm`, `${e2e.storePath}.lock`]) {
      if (!fs.existsSync(file)) continue;
      expect({ file, mode: (fs.statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
    }
    expect((fs.statSync(e2e.storePath).mode & 0o777).toString(8)).toBe('600');
  });
});
