import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimAnswer } from '../../src/simulator/override.js';
import { ann, bob, contactOf, pageReplies, withStore } from './fixtures.js';
import { type CliResult, useE2E } from './harness.js';
import { checkExactlyOnce } from './invariants.js';

// behaviour.md § Guarantees, "bad input gets a clear error": a malformed configuration or API
// answer, or an unusable store file, gives a message naming what is wrong, the documented exit
// code (2 for configuration and store, 4 for an answer that fails an item or a read), no stack
// trace unless --debug, and leaves the store intact. The API cases use the simulators'
// setResponseOverride hook (src/simulator/override.ts) to send answers real APIs sometimes send.


const STACK_LINE = /^\s+at /m;

function expectCleanError(result: CliResult, code: number, message: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stdout).not.toMatch(STACK_LINE);
}

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('bad configuration', () => {
  const e2e = useE2E({}, { per: 'file' });
  let good: string;
  let storeHash: string;
  beforeAll(async () => {
    good = fs.readFileSync(e2e.configPath, 'utf8');
    // A store with something in it, to prove a bad configuration leaves it alone.
    const post = e2e.sim.facebook.addPost({ message: 'config post' });
    e2e.sim.facebook.addComment(post.id, { from: ann, message: 'hello' });
    expect((await e2e.run()).code).toBe(0);
    storeHash = sha(e2e.storePath);
  });
  afterEach(() => {
    expect(sha(e2e.storePath)).toBe(storeHash);
    e2e.writeConfig(good);
  });

  const run = (args: string[] = []) => e2e.cli(['run', '--config', e2e.configPath, ...args]);

  it('a missing key is named with what belongs there', async () => {
    e2e.writeConfig(good.replace(/^ {2}contactTemplateId: \d+\n/m, ''));
    expectCleanError(await run(), 2, /planfix\.contactTemplateId: required \(the id of the contact template/);
  });

  it('a value of the wrong type is named with what was expected and what was found', async () => {
    e2e.writeConfig(good.replace(/requestsPerSecond: \d+/, 'requestsPerSecond: fast').concat('sync:\n  concurrency: [1, 2]\n'));
    const result = await run();
    expectCleanError(result, 2, /planfix\.requestsPerSecond: expected a number greater than 0 and at most 1000, got "fast"/);
    expect(result.stderr).toMatch(/sync\.concurrency: expected an integer from 1 to 16, got a list/);
  });

  it('an unknown key gets a did-you-mean', async () => {
    e2e.writeConfig(good.replace('facebook:\n', 'facebook:\n  apiVerison: v24.0\n'));
    expectCleanError(await run(), 2, /facebook\.apiVerison: unknown key — did you mean "apiVersion"\?/);
  });

  it('an unset environment variable is named with its key', async () => {
    e2e.writeConfig(good.replace(/appSecret: ".*"/, 'appSecret: ${FBSYNC_TEST_UNSET_SECRET}'));
    const result = await e2e.cli(['run', '--config', e2e.configPath], { env: { FBSYNC_TEST_UNSET_SECRET: undefined } });
    expectCleanError(result, 2, /facebook\.appSecret.*FBSYNC_TEST_UNSET_SECRET/);
  });

  it('bad YAML is reported with its line and column, and never echoes the line (it may hold a secret)', async () => {
    const lines = good.split('\n');
    const at = lines.findIndex((l) => l.includes('taskTemplateId'));
    lines[at] = lines[at]!.replace(/taskTemplateId: (\d+)/, 'taskTemplateId: $1: 13');
    e2e.writeConfig(lines.join('\n'));
    const result = await run();
    expectCleanError(result, 2, new RegExp(`fbsync\\.yaml:${at + 1}:\\d+: YAML syntax error at line ${at + 1}, column \\d+`));
    expect(result.stderr).not.toContain(': 13');
  });

  it('a configuration path that is a directory, or does not exist, is named', async () => {
    const dir = path.join(e2e.dir, 'not-a-file.yaml');
    fs.mkdirSync(dir, { recursive: true });
    expectCleanError(await e2e.cli(['run', '--config', dir]), 2, new RegExp(`cannot read configuration file ${escape(dir)}: EISDIR`));
    const missing = path.join(e2e.dir, 'missing.yaml');
    expectCleanError(await e2e.cli(['status', '--config', missing]), 2, new RegExp(`cannot read configuration file ${escape(missing)}: ENOENT`));
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable configuration file is named (skipped as root, who reads anyway)', async () => {
    fs.chmodSync(e2e.configPath, 0o000);
    try {
      expectCleanError(await run(), 2, new RegExp(`cannot read configuration file ${escape(e2e.configPath)}: EACCES`));
    } finally {
      fs.chmodSync(e2e.configPath, 0o600);
    }
  });

  it('--debug adds the stack trace', async () => {
    e2e.writeConfig(good.replace(/^ {2}contactTemplateId: \d+\n/m, ''));
    const result = await run(['--debug']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/planfix\.contactTemplateId: required/);
    expect(result.stderr).toMatch(STACK_LINE);
  });
});

describe('an unusable store file', () => {
  const e2e = useE2E();

  it('random bytes where the store should be: exit 2, named, the file untouched', async () => {
    fs.writeFileSync(e2e.storePath, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 251)), { mode: 0o600 });
    const before = sha(e2e.storePath);
    for (const command of ['run', 'status']) {
      expectCleanError(await e2e.cli([command, '--config', e2e.configPath]), 2, new RegExp(`store ${escape(e2e.storePath)} is damaged or not an SQLite file.*left untouched`));
    }
    expect(sha(e2e.storePath)).toBe(before);
  });

  it('a store with damaged pages behind a good header: exit 2, named, the file untouched', async () => {
    for (let p = 0; p < 4; p++) {
      const post = e2e.sim.facebook.addPost({ message: `store post ${p} `.repeat(100) });
      for (let c = 0; c < 15; c++) e2e.sim.facebook.addComment(post.id, { from: c % 2 ? ann : bob, message: `comment ${c} `.repeat(40) });
    }
    expect((await e2e.run()).code).toBe(0);
    const bytes = fs.readFileSync(e2e.storePath);
    for (let i = 3 * 4096; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    fs.writeFileSync(e2e.storePath, bytes);
    for (const command of ['run', 'status']) {
      expectCleanError(await e2e.cli([command, '--config', e2e.configPath]), 2, new RegExp(`store ${escape(e2e.storePath)} is damaged .*left untouched`));
    }
    expect(fs.readFileSync(e2e.storePath).equals(bytes)).toBe(true);
  });

  it('a store written by a newer fbsync: exit 2, "upgrade", the file untouched', async () => {
    expect((await e2e.run()).code).toBe(0);
    withStore(e2e.storePath, (db) => db.pragma('user_version = 99'));
    const before = sha(e2e.storePath);
    expectCleanError(await e2e.cli(['run', '--config', e2e.configPath]), 2, /written by a newer fbsync \(schema 99, this one knows \d+\); it was left untouched\. Upgrade fbsync/);
    expect(sha(e2e.storePath)).toBe(before);
  });

  it('another program’s SQLite database: exit 2, the file untouched', async () => {
    withStore(e2e.storePath, (db) => db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')"));
    const before = sha(e2e.storePath);
    expectCleanError(await e2e.cli(['run', '--config', e2e.configPath]), 2, /is an SQLite database but not an fbsync store; it was left untouched/);
    expect(sha(e2e.storePath)).toBe(before);
  });
});

describe('malformed API answers', () => {
  const e2e = useE2E();
  let postId: string;
  beforeEach(async () => {
    postId = e2e.sim.facebook.addPost({ message: 'answers post' }).id;
    e2e.sim.facebook.addComment(postId, { from: ann, message: 'first' });
    e2e.sim.facebook.addComment(postId, { from: bob, message: 'second' });
  });

  const run = () => e2e.cli(['run', '--config', e2e.configPath]);

  /** With the hooks removed, the next run completes: the store was left consistent. */
  async function storeIntact(comments = 2): Promise<void> {
    e2e.sim.facebook.setResponseOverride(null);
    e2e.sim.planfix.setResponseOverride(null);
    const next = await e2e.run();
    expect(next.code, next.stderr).toBe(0);
    expect(checkExactlyOnce(e2e.sim)).toEqual({ lost: [], duplicated: [] });
    expect(e2e.sim.planfix.comments().filter((c) => c.description.includes('fb:'))).toHaveLength(comments);
  }

  /** Rewrites the real answer's JSON. */
  const rewrite = (real: () => SimAnswer, change: (body: any) => void): SimAnswer => {
    const answer = real();
    const body = JSON.parse(answer.body);
    change(body);
    return { ...answer, body: JSON.stringify(body) };
  };

  describe('from Facebook', () => {
    it('a field missing from the feed', async () => {
      e2e.sim.facebook.setResponseOverride((req, real) => (req.path.endsWith('/feed') ? rewrite(real, (b) => delete b.data[0].created_time) : undefined));
      expectCleanError(await run(), 4, /^(?:\S+Z )?fbsync: Facebook answer to GET \/\d+\/feed: data\[0\]\.created_time is missing$/m);
      await storeIntact();
    });

    it('a field of the wrong type in a comment list fails that post only', async () => {
      e2e.sim.facebook.setResponseOverride((req, real) =>
        req.path.endsWith(`/${postId}/comments`) ? rewrite(real, (b) => (b.data[1].is_hidden = 'no')) : undefined,
      );
      const result = await run();
      expectCleanError(result, 4, new RegExp(`failed: post:${postId}: Facebook answer to GET /${postId}/comments: data\\[1\\]\\.is_hidden is not true/false \\(got string\\)`));
      await storeIntact();
    });

    it('truncated JSON', async () => {
      e2e.sim.facebook.setResponseOverride((req, real) => {
        if (!req.path.endsWith(`/${postId}/comments`)) return undefined;
        const answer = real();
        return { ...answer, body: answer.body.slice(0, answer.body.length >> 1) };
      });
      expectCleanError(await run(), 4, new RegExp(`failed: post:${postId}: Facebook answered GET /${postId}/comments with invalid or truncated JSON \\(HTTP 200\\)`));
      await storeIntact();
    });

    it('an HTML page with status 200', async () => {
      e2e.sim.facebook.setResponseOverride((req) =>
        req.path.endsWith('/feed') ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body>Log in to Facebook</body></html>' } : undefined,
      );
      expectCleanError(await run(), 4, /^(?:\S+Z )?fbsync: Facebook answered GET \/\d+\/feed with an HTML page \(HTTP 200\)$/m);
      await storeIntact();
    });

    it('ids that repeat across pages', async () => {
      let first: SimAnswer | undefined;
      e2e.sim.facebook.setResponseOverride((req, real) => {
        if (!req.path.endsWith(`/${postId}/comments`)) return undefined;
        // Every page has a `next`, and the next page is the first one again.
        first ??= rewrite(real, (b) => (b.paging = { ...b.paging, next: `${e2e.sim.graphUrl}${req.path}?${req.query}&after=again` }));
        return first;
      });
      expectCleanError(await run(), 4, new RegExp(`failed: post:${postId}: Facebook returned the same page of comments twice .*stopped instead of looping`));
      await storeIntact();
    });
  });

  describe('from Planfix', () => {
    const contactList = (req: { method: string; path: string }) => req.method === 'POST' && req.path === '/rest/contact/list';

    it('a field missing', async () => {
      e2e.sim.planfix.setResponseOverride((req, real) => (contactList(req) ? rewrite(real, (b) => delete b.contacts) : undefined));
      expectCleanError(await run(), 4, new RegExp(`failed: post:${postId}: Planfix answer to POST /rest/contact/list: contacts is missing`));
      await storeIntact();
    });

    it('a field of the wrong type', async () => {
      e2e.sim.planfix.setResponseOverride((req) => (contactList(req) ? { status: 200, body: JSON.stringify({ result: 'success', contacts: [{ id: 'abc' }] }) } : undefined));
      expectCleanError(await run(), 4, /Planfix answer to POST \/rest\/contact\/list: contacts\[0\]\.id is not an id \("abc"\)/);
      await storeIntact();
    });

    it('truncated JSON', async () => {
      e2e.sim.planfix.setResponseOverride((req, real) => {
        if (!contactList(req)) return undefined;
        const answer = real();
        return { ...answer, body: answer.body.slice(0, answer.body.length >> 1) };
      });
      expectCleanError(await run(), 4, /Planfix answered POST \/rest\/contact\/list with invalid or truncated JSON \(HTTP 200\)/);
      await storeIntact();
    });

    it('an HTML page with status 200', async () => {
      e2e.sim.planfix.setResponseOverride((req) =>
        req.path === '/rest/task/list' ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Planfix is being updated</h1></body></html>' } : undefined,
      );
      expectCleanError(await run(), 4, /Planfix answered POST \/rest\/task\/list with an HTML page \(HTTP 200\)/);
      await storeIntact();
    });

    it('ids that repeat across pages end the listing with an error, and the reply is sent later, not lost', async () => {
      expect((await e2e.run()).code).toBe(0);
      const task = e2e.sim.planfix.tasks()[0]!;
      const contact = contactOf(e2e, ann);
      e2e.sim.planfix.quickReply(task.id, contact.id, 'Thanks, Ann!');
      // Planfix ignoring `offset`: every page of the task's comments is the same full page.
      const page = Array.from({ length: 100 }, (_, i) => ({ id: 500_000 + i, description: `old ${i}`, owner: { id: 'user:2', name: 'Anna' } }));
      e2e.sim.planfix.setResponseOverride((req) =>
        req.path === `/rest/task/${task.id}/comments/list` ? { status: 200, body: JSON.stringify({ result: 'success', comments: page }) } : undefined,
      );
      expectCleanError(await run(), 4, new RegExp(`failed: task:${task.id}: Planfix returned the same page twice on POST /rest/task/${task.id}/comments/list \\(offset 100`));
      expect(e2e.sim.facebook.comments().filter((c) => c.byPage)).toEqual([]);
      await storeIntact();
      expect(pageReplies(e2e).map((c) => c.message)).toEqual(['Thanks, Ann!']);
    });

    it('a create answered 2xx without an id is looked for before it is written again: nothing twice', async () => {
      let cut = 0;
      e2e.sim.planfix.setResponseOverride((req, real) => {
        if (req.method !== 'POST' || !/^\/rest\/task\/\d+\/comments\/?$/.test(req.path) || cut++ > 0) return undefined;
        real(); // applied…
        return { status: 200, body: JSON.stringify({ result: 'success' }) }; // …but the answer has no id
      });
      const result = await e2e.run();
      expect(result.code, result.stderr).toBe(0);
      expect(result.summary.effects.recovered).toBe(1);
      await storeIntact();
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
