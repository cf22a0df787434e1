import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, useE2E } from './harness.js';

// issue 9 § 10: fast start — each command's code is loaded only when it runs, and the simulator
// never outside `demo`. Proven by what the built CLI loads (a module-resolution hook writes every
// file it resolves), not by timing: the times are `npm run bench -- startup` figures.

describe('what the CLI loads', () => {
  const e2e = useE2E({}, { per: 'file' });
  let probe: string;
  beforeAll(() => {
    probe = path.join(e2e.dir, 'probe.mjs');
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith('file:')) (await import('node:fs')).appendFileSync(process.env.FBSYNC_PROBE_FILE, r.url + '\\n'); return r; }`;
    fs.writeFileSync(probe, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));\n`);
  });

  /** The text of every file the command resolved. */
  async function loaded(args: string[]): Promise<{ files: string[]; text: string }> {
    const list = path.join(e2e.dir, `loaded-${args[0]}.txt`);
    fs.writeFileSync(list, '');
    const r = await e2e.cli(args, { env: { NODE_OPTIONS: `--import=${probe}`, FBSYNC_PROBE_FILE: list } });
    expect(r.code, r.stderr).toBe(0);
    const files = [...new Set(fs.readFileSync(list, 'utf8').split('\n').filter(Boolean))].map((u) => fileURLToPath(u));
    // The probe saw the CLI's own entry point load: an empty list would prove nothing below.
    expect(files).toContain(path.join(ROOT, 'bin/fbsync.js'));
    return { files, text: files.map((f) => fs.readFileSync(f, 'utf8')).join('\n') };
  }

  it('--help and --version load no command, no HTTP client, no schema library, no SQLite', async () => {
    for (const args of [['--help'], ['--version']]) {
      const { files, text } = await loaded(args);
      expect(text).not.toContain('function startFacebookSim');
      expect(text).not.toMatch(/RequestError = class extends Error|class RequestError extends Error/);
      expect(text).not.toContain('ZodError');
      expect(text).not.toContain('Facebook returned no posts older than');
      expect(files.some((f) => f.includes('better-sqlite3'))).toBe(false);
    }
  });

  it('a run never loads the simulator; demo does', async () => {
    const run = await loaded(['run', '--config', e2e.configPath]);
    expect(run.text).toContain('runOnce');
    expect(run.text).not.toContain('function startFacebookSim');
    const demo = await loaded(['demo']);
    expect(demo.text).toContain('function startFacebookSim');
  });
});
