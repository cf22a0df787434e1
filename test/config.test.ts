import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, onlyPage, parseConfigText, resolveConfig } from '../src/config/load.js';
import { editDistance, suggest } from '../src/config/suggest.js';
import { ConfigError } from '../src/errors.js';
import { clearSecrets, redact } from '../src/http/secrets.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MINIMAL = `
facebook:
  pageId: "104857600000000"
  appId: "1234567890"
  appSecret: \${FB_APP_SECRET}
planfix:
  url: https://example.planfix.com
  token: \${PLANFIX_TOKEN}
  taskTemplateId: 12
  contactTemplateId: 3
  fields:
    contactFacebookId: 101
    taskPostId: 202
`;

const ENV = { FB_APP_SECRET: 'app-secret-value-123', PLANFIX_TOKEN: 'planfix-token-value-456' };

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fbsync-config-'));
  clearSecrets();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** MINIMAL with each `from` text replaced by `to` (a test bug if `from` is not there). */
function yamlWith(replacements: Record<string, string>): string {
  let text = MINIMAL;
  for (const [from, to] of Object.entries(replacements)) {
    if (!text.includes(from)) throw new Error(`test bug: ${from} not in MINIMAL`);
    text = text.replace(from, to);
  }
  return text;
}

async function loadError(text: string, env: NodeJS.ProcessEnv = ENV, name = 'fbsync.yaml'): Promise<ConfigError> {
  const file = write(name, text);
  try {
    await loadConfig({ configPath: file, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default and returns the absolute file path', async () => {
    const file = write('fbsync.yaml', MINIMAL);
    const config = await loadConfig({ configPath: file, env: ENV });
    expect(config).toEqual({
      facebook: {
        appId: '1234567890',
        appSecret: 'app-secret-value-123',
        apiVersion: 'v24.0',
        graphUrl: 'https://graph.facebook.com',
      },
      planfix: {
        url: 'https://example.planfix.com',
        token: 'planfix-token-value-456',
        taskTemplateId: 12,
        contactTemplateId: 3,
        fields: { contactFacebookId: 101, taskPostId: 202 },
        requestsPerSecond: 1,
      },
      store: { path: path.join(dir, 'fbsync.db') },
      sync: { lookbackDays: 14, concurrency: 4, maxRunSeconds: 50, maxEffects: 0, reopenClosedTasks: true, fullCheckMinutes: 10, editCheckMinutes: 30, editChecksPerCycle: 1, runShare: 1 },
      pages: [{ pageId: '104857600000000', taskTemplateId: 12, key: 'facebook.pageId' }],
      filepath: file,
    });
    expect('pageAccessToken' in config.facebook).toBe(false);
  });

  it('substitutes ${NAME} anywhere in a string, and coerces a numeric key', async () => {
    const file = write(
      'fbsync.yaml',
      yamlWith({
        'url: https://example.planfix.com': 'url: https://${PF_ACCOUNT}.planfix.com',
        'taskTemplateId: 12': 'taskTemplateId: ${TPL}',
      }),
    );
    const config = await loadConfig({ configPath: file, env: { ...ENV, PF_ACCOUNT: 'acme', TPL: '77' } });
    expect(config.planfix.url).toBe('https://acme.planfix.com');
    expect(config.planfix.taskTemplateId).toBe(77);
    expect(config.facebook.appSecret).toBe('app-secret-value-123');
  });

  it('names the key and the variable when a variable is not set', async () => {
    const err = await loadError(MINIMAL, { PLANFIX_TOKEN: 'x-token-1' });
    expect(err.message).toBe('facebook.appSecret: environment variable FB_APP_SECRET is not set');
    expect(err.key).toBe('facebook.appSecret');
  });

  it('reads exactly the --config file, relative to cwd', async () => {
    write('fbsync.yaml', MINIMAL.replace('taskTemplateId: 12', 'taskTemplateId: 1'));
    write('other/custom.yml', MINIMAL.replace('taskTemplateId: 12', 'taskTemplateId: 2'));
    const config = await loadConfig({ configPath: 'other/custom.yml', cwd: dir, env: ENV });
    expect(config.planfix.taskTemplateId).toBe(2);
    expect(config.filepath).toBe(path.join(dir, 'other', 'custom.yml'));
  });

  it('says which path could not be read and why', async () => {
    const missing = path.join(dir, 'nope.yaml');
    await expect(loadConfig({ configPath: missing, env: ENV })).rejects.toThrow(
      new ConfigError(`cannot read configuration file ${missing}: ENOENT: no such file or directory`),
    );
  });

  it('finds fbsync.yaml in cwd', async () => {
    const file = write('fbsync.yaml', MINIMAL);
    const config = await loadConfig({ cwd: dir, env: ENV });
    expect(config.filepath).toBe(file);
  });

  it('finds fbsync.yml, .fbsyncrc.json and the "fbsync" key of package.json', async () => {
    write('fbsync.yml', MINIMAL);
    expect((await loadConfig({ cwd: dir, env: ENV })).filepath).toBe(path.join(dir, 'fbsync.yml'));
    rmSync(path.join(dir, 'fbsync.yml'));

    const asObject = parseConfigText(MINIMAL, 'x.yaml');
    write('package.json', JSON.stringify({ name: 'x', fbsync: asObject }));
    expect((await loadConfig({ cwd: dir, env: ENV })).filepath).toBe(path.join(dir, 'package.json'));

    write('package.json', JSON.stringify({ name: 'x' }));
    write('.fbsyncrc.json', JSON.stringify(asObject, null, '\t'));
    expect((await loadConfig({ cwd: dir, env: ENV })).filepath).toBe(path.join(dir, '.fbsyncrc.json'));
  });

  it('looks only in cwd, and says where it looked when nothing is there', async () => {
    write('fbsync.yaml', MINIMAL);
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    const err = await loadConfig({ cwd: sub, env: ENV }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`no configuration file found in ${sub}`);
    expect((err as Error).message).toContain('fbsync.yaml');
    expect((err as Error).message).toContain('--config PATH');
    expect((err as Error).message).toContain('config.example.yaml');
  });

  it('refuses JavaScript configuration files', async () => {
    write('fbsync.config.js', 'export default {}');
    await expect(loadConfig({ cwd: dir, env: ENV })).rejects.toThrow(/JavaScript\/TypeScript configuration files are not supported/);
  });

  it('treats $import as an unknown key rather than importing', async () => {
    write('base.yaml', MINIMAL);
    const err = await loadError('$import: base.yaml\n');
    expect(err.message).toContain('$import: unknown key');
  });

  it('says an empty file is empty', async () => {
    write('fbsync.yaml', '# nothing yet\n');
    await expect(loadConfig({ cwd: dir, env: ENV })).rejects.toThrow(/the file is empty/);
    write('fbsync.yaml', '');
    await expect(loadConfig({ cwd: dir, env: ENV })).rejects.toThrow(/the file is empty/);
  });
});

describe('several Pages (facebook.pages)', () => {
  const TWO = yamlWith({
    '  pageId: "104857600000000"\n': '  pages:\n    - pageId: "111"\n    - pageId: "222"\n      pageAccessToken: ${PAGE_B}\n      taskTemplateId: "13"\n',
  });

  it('normalises the list: each Page with its own template or planfix.taskTemplateId, and its token', async () => {
    const config = await loadConfig({ configPath: write('fbsync.yaml', TWO), env: { ...ENV, PAGE_B: 'page-b-token-1' } });
    expect(config.pages).toEqual([
      { pageId: '111', taskTemplateId: 12, key: 'facebook.pages[0]' },
      { pageId: '222', pageAccessToken: 'page-b-token-1', taskTemplateId: 13, key: 'facebook.pages[1]' },
    ]);
    expect('pages' in config.facebook || 'pageId' in config.facebook).toBe(false);
  });

  it('a Page token in the list is a secret like facebook.pageAccessToken', async () => {
    await loadConfig({ configPath: write('fbsync.yaml', TWO), env: { ...ENV, PAGE_B: 'page-b-token-1' } });
    expect(redact('token page-b-token-1 here')).not.toContain('page-b-token-1');
  });

  it('refuses pageId and pages together, naming the key', async () => {
    const err = await loadError(TWO.replace('  pages:\n', '  pageId: "111"\n  pages:\n'), { ...ENV, PAGE_B: 'x' });
    expect(err.key).toBe('facebook.pageId');
    expect(err.message).toMatch(/^facebook\.pageId: not together with facebook\.pages/);
  });

  it('refuses pageAccessToken beside pages, naming the key', async () => {
    const err = await loadError(TWO.replace('  pages:\n', '  pageAccessToken: abc\n  pages:\n'), { ...ENV, PAGE_B: 'x' });
    expect(err.key).toBe('facebook.pageAccessToken');
  });

  it('refuses an empty list', async () => {
    const err = await loadError(yamlWith({ '  pageId: "104857600000000"\n': '  pages: []\n' }));
    expect(err.key).toBe('facebook.pages');
    expect(err.message).toContain('facebook.pages: the list is empty');
  });

  it('refuses a Page listed twice, naming the second entry', async () => {
    const err = await loadError(TWO.replace('pageId: "222"', 'pageId: "111"'), { ...ENV, PAGE_B: 'x' });
    expect(err.key).toBe('facebook.pages[1].pageId');
    expect(err.message).toContain('Page 111 is listed twice (also facebook.pages[0])');
  });

  it('neither form: facebook.pageId is required', async () => {
    const err = await loadError(yamlWith({ '  pageId: "104857600000000"\n': '' }));
    expect(err.key).toBe('facebook.pageId');
    expect(err.message).toMatch(/^facebook\.pageId: required \(/);
  });

  it('names the entry and key of a bad value or unknown key in the list', async () => {
    const bad = await loadError(TWO.replace('taskTemplateId: "13"', 'taskTemplateId: -1'), { ...ENV, PAGE_B: 'x' });
    expect(bad.message).toContain('facebook.pages[1].taskTemplateId: expected a positive integer');
    const unknown = await loadError(TWO.replace('    - pageId: "111"\n', '    - pageId: "111"\n      pageAcessToken: x\n'), { ...ENV, PAGE_B: 'x' });
    expect(unknown.message).toContain('facebook.pages[0].pageAcessToken: unknown key — did you mean "pageAccessToken"?');
  });

  it('--page narrows the list to one Page (its keys stay its own) and refuses an id not configured', async () => {
    const config = await loadConfig({ configPath: write('fbsync.yaml', TWO), env: { ...ENV, PAGE_B: 'b' } });
    const one = onlyPage(config, '222');
    expect(one.pages).toEqual([config.pages[1]]);
    expect(one.onlyPage).toBe('222');
    expect(() => onlyPage(config, '333')).toThrow(/^--page: Page 333 is not in the configuration .*; the configured Pages are 111, 222$/);
    const single = await loadConfig({ configPath: write('single.yaml', MINIMAL), env: ENV });
    expect(onlyPage(single, '104857600000000')).toBe(single);
  });

  it('names the variable of an unset ${NAME} inside the list', async () => {
    const err = await loadError(TWO);
    expect(err.message).toContain('facebook.pages[1].pageAccessToken');
    expect(err.message).toContain('PAGE_B');
  });
});

describe('validation messages', () => {
  it('suggests the sibling key for a typo', async () => {
    const err = await loadError(MINIMAL.replace('token:', 'tokne:'));
    expect(err.message).toBe(
      'planfix.token: required (a REST API token of the account; e.g. token: ${PLANFIX_TOKEN})\n' +
        'planfix.tokne: unknown key — did you mean "token"?',
    );
  });

  it('suggests the right section for a key at the wrong level, and nothing when nothing is close', async () => {
    const err = await loadError(`${MINIMAL}pageId: "1"\nsync:\n  colour: blue\n`);
    const lines = err.message.split('\n');
    expect(lines).toContain('pageId: unknown key — did you mean "facebook.pageId"?');
    const colour = lines.find((l) => l.startsWith('sync.colour:'));
    expect(colour).toMatch(/^sync\.colour: unknown key \(the keys here are lookbackDays, concurrency, maxRunSeconds, maxEffects, reopenClosedTasks, fullCheckMinutes, editCheckMinutes, editChecksPerCycle, runShare\)$/);
  });

  it('names the key of a wrong type', async () => {
    const err = await loadError(MINIMAL.replace('taskTemplateId: 12', 'taskTemplateId: abc'));
    expect(err.message).toBe('planfix.taskTemplateId: expected a positive integer, got "abc"');
    expect(err.key).toBe('planfix.taskTemplateId');
  });

  it('sync.reopenClosedTasks takes true or false, nothing else', async () => {
    const err = await loadError(`${MINIMAL}sync:\n  reopenClosedTasks: sometimes\n`);
    expect(err.message).toBe('sync.reopenClosedTasks: expected true or false, got "sometimes"');
  });

  it('lists every problem, one per line', async () => {
    const err = await loadError(
      yamlWith({
        'appId: "1234567890"': 'appId: "12-34"',
        'contactTemplateId: 3': 'contactTemplateId: -3',
        'taskPostId: 202': 'taskPostId: 1.5',
      }) + 'sync:\n  concurrency: 40\n  lookbackDays: 0\n  maxRunSeconds: 1\nstore:\n  path: ""\n',
    );
    expect(err.message.split('\n')).toEqual([
      'facebook.appId: expected the app id as a string of digits, e.g. "1234567890", got "12-34"',
      'planfix.contactTemplateId: expected a positive integer, got -3',
      'planfix.fields.taskPostId: expected a positive integer (a custom field id), got 1.5',
      'store.path: expected a file path, got an empty string',
      'sync.lookbackDays: expected an integer from 1 to 365, got 0',
      'sync.concurrency: expected an integer from 1 to 16, got 40',
      'sync.maxRunSeconds: expected a number of seconds, at least 5, got 1',
    ]);
    expect(err.key).toBe('facebook.appId');
  });

  it('reports missing required keys and sections with a hint', async () => {
    const err = await loadError('facebook:\n  appId: "1"\n  appSecret: s3cr3t-value\n');
    const lines = err.message.split('\n');
    expect(lines[0]).toMatch(/^facebook\.pageId: required \(the numeric id of the Page/);
    expect(lines[1]).toMatch(/^planfix: required \(the Planfix account/);
    expect(lines).toHaveLength(2);
  });

  it('mentions the variable a bad value came from', async () => {
    const err = await loadError(MINIMAL.replace('taskTemplateId: 12', 'taskTemplateId: ${TPL}'), { ...ENV, TPL: 'twelve' });
    expect(err.message).toBe('planfix.taskTemplateId: expected a positive integer, got "twelve" (from ${TPL})');
  });

  it('checks the URLs and the Graph version', async () => {
    const err = await loadError(
      yamlWith({
        'url: https://example.planfix.com': 'url: example.planfix.com',
      }).replace('facebook:\n', 'facebook:\n  apiVersion: "24"\n  graphUrl: ftp://graph.facebook.com\n'),
    );
    expect(err.message.split('\n')).toEqual([
      'facebook.apiVersion: expected a Graph API version such as "v24.0", got "24"',
      'facebook.graphUrl: expected an http(s) URL such as https://graph.facebook.com, got the scheme "ftp"',
      'planfix.url: expected an http(s) URL such as https://example.planfix.com, got "example.planfix.com" (add "https://")',
    ]);
  });

  it('reports a variable inside an unknown key as the unknown key only', async () => {
    const err = await loadError(`${MINIMAL}extra: \${NOT_SET}\n`);
    expect(err.message).toBe('extra: unknown key (the keys here are facebook, planfix, store, sync)');
  });

  it('refuses a Graph version inside graphUrl', async () => {
    const err = await loadError(MINIMAL.replace('facebook:\n', 'facebook:\n  graphUrl: https://graph.facebook.com/v24.0/\n'));
    expect(err.message).toMatch(/^facebook\.graphUrl: the URL must not contain the Graph version/);
  });

  it('the root must be a mapping', async () => {
    const err = await loadError('- a\n- b\n');
    expect(err.message).toBe('the configuration must be a mapping of keys (facebook:, planfix:, store:, sync:), got a list');
  });
});

describe('syntax errors', () => {
  it('give the file, line and column', async () => {
    const text = MINIMAL.replace('taskTemplateId: 12', 'taskTemplateId: "12');
    const err = await loadError(text);
    const file = path.join(dir, 'fbsync.yaml');
    expect(err.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax error at line \\d+, column \\d+: `));
    expect(err.message).toContain('Missing closing "quote');
  });

  it('report the line of a duplicate key', async () => {
    const err = await loadError('facebook:\n  pageId: "1"\n  pageId: "2"\n');
    expect(err.message).toContain('fbsync.yaml:3:3: YAML syntax error at line 3, column 3: Map keys must be unique');
  });

  it('in JSON too', async () => {
    const err = await loadError('{\n  "facebook": {,}\n}\n', ENV, 'fbsync.config.json');
    expect(err.message).toMatch(/fbsync\.config\.json:2:\d+: JSON syntax error at line 2/);
  });

  it('never quote the source line (it may hold a secret)', async () => {
    const err = await loadError(MINIMAL.replace('token: ${PLANFIX_TOKEN}', 'token: "raw-secret-in-file'));
    expect(err.message).not.toContain('raw-secret-in-file');
  });
});

describe('values', () => {
  it('keeps big unquoted ids exact, in YAML and JSON', async () => {
    const file = write('fbsync.yaml', MINIMAL.replace('pageId: "104857600000000"', 'pageId: 104857600000000123'));
    expect((await loadConfig({ configPath: file, env: ENV })).pages[0]!.pageId).toBe('104857600000000123');

    const json = JSON.stringify(parseConfigText(MINIMAL, 'x.yaml')).replace('"104857600000000"', '104857600000000123');
    const jsonFile = write('fbsync.json', json);
    expect((await loadConfig({ configPath: jsonFile, env: ENV })).pages[0]!.pageId).toBe('104857600000000123');

    const small = write('small.yaml', MINIMAL.replace('appId: "1234567890"', 'appId: 1234567890'));
    expect((await loadConfig({ configPath: small, env: ENV })).facebook.appId).toBe('1234567890');
  });

  it('resolves store.path against the config file folder, keeps absolute paths', async () => {
    const nested = write('etc/fbsync/fbsync.yaml', `${MINIMAL}store:\n  path: data/sync.db\n`);
    const config = await loadConfig({ configPath: nested, cwd: os.tmpdir(), env: ENV });
    expect(config.store.path).toBe(path.join(dir, 'etc', 'fbsync', 'data', 'sync.db'));

    const absolute = path.join(dir, 'elsewhere.db');
    const abs = write('abs.yaml', `${MINIMAL}store:\n  path: ${absolute}\n`);
    expect((await loadConfig({ configPath: abs, env: ENV })).store.path).toBe(absolute);
  });

  it('strips trailing slashes and a pasted /rest', async () => {
    const cases: [string, string, string][] = [
      ['https://example.planfix.com/', 'https://graph.facebook.com/', 'https://example.planfix.com'],
      ['https://example.planfix.com/rest', 'http://127.0.0.1:4010', 'https://example.planfix.com'],
      ['https://example.planfix.com/rest/', 'http://127.0.0.1:4010/', 'https://example.planfix.com'],
      ['http://127.0.0.1:4020/', 'http://127.0.0.1:4010', 'http://127.0.0.1:4020'],
    ];
    for (const [planfixUrl, graphUrl, expected] of cases) {
      const file = write(
        'fbsync.yaml',
        MINIMAL.replace('url: https://example.planfix.com', `url: ${planfixUrl}`).replace('facebook:\n', `facebook:\n  graphUrl: ${graphUrl}\n`),
      );
      const config = await loadConfig({ configPath: file, env: ENV });
      expect(config.planfix.url).toBe(expected);
      expect(config.facebook.graphUrl).toBe(graphUrl.replace(/\/$/, ''));
    }
  });

  it('takes every key when given, numeric strings included', async () => {
    const file = write(
      'fbsync.yaml',
      `${MINIMAL.replace('facebook:\n', 'facebook:\n  pageAccessToken: ${FB_PAGE_TOKEN}\n  apiVersion: v23.0\n')
        .replace('taskTemplateId: 12', 'taskTemplateId: "12"')}` +
        '  requestsPerSecond: 2.5\nstore:\n  path: ./x.db\nsync:\n  lookbackDays: 30\n  concurrency: 1\n  maxRunSeconds: 600\n  maxEffects: 100\n  reopenClosedTasks: ${REOPEN}\n',
    );
    const config = await loadConfig({ configPath: file, env: { ...ENV, FB_PAGE_TOKEN: 'page-token-789', REOPEN: 'false' } });
    expect(config.pages[0]!.pageAccessToken).toBe('page-token-789');
    expect(config.facebook.apiVersion).toBe('v23.0');
    expect(config.planfix.taskTemplateId).toBe(12);
    expect(config.planfix.requestsPerSecond).toBe(2.5);
    expect(config.sync).toEqual({ lookbackDays: 30, concurrency: 1, maxRunSeconds: 600, maxEffects: 100, reopenClosedTasks: false, fullCheckMinutes: 10, editCheckMinutes: 30, editChecksPerCycle: 1, runShare: 1 });
  });

  it('an empty pageAccessToken counts as not given', async () => {
    const file = write('fbsync.yaml', MINIMAL.replace('facebook:\n', 'facebook:\n  pageAccessToken: ${FB_PAGE_TOKEN}\n'));
    const config = await loadConfig({ configPath: file, env: { ...ENV, FB_PAGE_TOKEN: '' } });
    expect(config.pages[0]!.pageAccessToken).toBeUndefined();
  });
});

describe('secrets', () => {
  it('are registered for redaction after loading', async () => {
    const file = write('fbsync.yaml', MINIMAL.replace('facebook:\n', 'facebook:\n  pageAccessToken: ${FB_PAGE_TOKEN}\n'));
    await loadConfig({ configPath: file, env: { ...ENV, FB_PAGE_TOKEN: 'page-token-789' } });
    expect(redact('a app-secret-value-123 b planfix-token-value-456 c page-token-789')).toBe('a *** b *** c ***');
  });

  it('never appear in error messages', async () => {
    const secretValues = { FB_APP_SECRET: 'zz-app-secret', PLANFIX_TOKEN: 'zz-planfix-token', FB_PAGE_TOKEN: 'zz-page-token' };
    const texts = [
      // wrong types for the secrets themselves
      MINIMAL.replace('token: ${PLANFIX_TOKEN}', 'token: [zz-planfix-token]').replace('appSecret: ${FB_APP_SECRET}', 'appSecret: {x: zz-app-secret}'),
      // secrets under unknown keys
      MINIMAL.replace('token:', 'tokne:').replace('appSecret:', 'appSecrte:') + 'extra: ${FB_PAGE_TOKEN}\n',
      // secrets fine, another key wrong
      MINIMAL.replace('facebook:\n', 'facebook:\n  pageAccessToken: ${FB_PAGE_TOKEN}\n').replace('taskTemplateId: 12', 'taskTemplateId: x'),
      // a literal secret in the file next to a syntax error
      MINIMAL.replace('token: ${PLANFIX_TOKEN}', 'token: "zz-planfix-token'),
    ];
    for (const text of texts) {
      const err = await loadError(text, secretValues);
      for (const value of Object.values(secretValues)) expect(err.message).not.toContain(value);
    }
    const err = await loadError(MINIMAL.replace('token: ${PLANFIX_TOKEN}', 'token: 12345678'), secretValues);
    expect(err.message).toBe('planfix.token: expected a non-empty string, got a number');
  });
});

describe('config.example.yaml', () => {
  it('loads when its variables are set, and matches the contract defaults', async () => {
    const example = path.join(repoRoot, 'config.example.yaml');
    const config = await loadConfig({ configPath: example, env: ENV });
    expect(config.pages).toEqual([{ pageId: '104857600000000', taskTemplateId: 12, key: 'facebook.pageId' }]);
    expect(config.facebook).toEqual({
      appId: '1234567890',
      appSecret: 'app-secret-value-123',
      apiVersion: 'v24.0',
      graphUrl: 'https://graph.facebook.com',
    });
    expect(config.planfix.fields).toEqual({ contactFacebookId: 101, taskPostId: 202 });
    expect(config.store.path).toBe(path.join(repoRoot, 'fbsync.db'));
    expect(config.sync).toEqual({ lookbackDays: 14, concurrency: 4, maxRunSeconds: 50, maxEffects: 0, reopenClosedTasks: true, fullCheckMinutes: 10, editCheckMinutes: 30, editChecksPerCycle: 1, runShare: 1 });
  });

  it('mentions every key, even the commented-out ones', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(path.join(repoRoot, 'config.example.yaml'), 'utf8');
    const config = resolveConfig(parseConfigText(MINIMAL, path.join(dir, 'x.yaml')), path.join(dir, 'x.yaml'), ENV);
    for (const [section, value] of Object.entries(config)) {
      if (section === 'filepath' || section === 'pages') continue;
      for (const key of Object.keys(value as object)) expect(text).toMatch(new RegExp(`^\\s*#?\\s*${key}:`, 'm'));
    }
    expect(text).toMatch(/^\s*# pageAccessToken: \$\{FB_PAGE_TOKEN\}/m);
    for (const key of ['pageId', 'pages', '- pageId', 'taskTemplateId']) expect(text).toMatch(new RegExp(`^\\s*#?\\s*${key}:`, 'm'));
  });

  it('its commented several-Pages example loads once uncommented in place of pageId', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(path.join(repoRoot, 'config.example.yaml'), 'utf8');
    const block = /^ {2}# pages:\n(?: {2}#.*\n)+/m.exec(text)?.[0];
    expect(block).toBeDefined();
    const uncommented = text.replace(/^ {2}pageId: .*\n/m, '').replace(block!, block!.replace(/^ {2}# ?/gm, '  '));
    const config = await loadConfig({ configPath: write('fbsync.yaml', uncommented), env: { ...ENV, FB_PAGE_TOKEN_SHOP: 'tok-shop' } });
    expect(config.pages.length).toBe(2);
    expect(config.pages[1]!.taskTemplateId).not.toBe(config.planfix.taskTemplateId);
  });
});

describe('suggest', () => {
  it('counts a transposition as one edit and ignores case and separators', () => {
    expect(editDistance('tokne', 'token')).toBe(1);
    expect(suggest('tokne', ['url', 'token'])).toBe('token');
    expect(suggest('page_id', ['pageId', 'appId'])).toBe('pageId');
    expect(suggest('colour', ['lookbackDays', 'concurrency'])).toBeUndefined();
  });
});
