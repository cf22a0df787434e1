// Finds, reads and validates the configuration (behaviour.md § Configuration).
//
// Decisions:
// - YAML and JSON are read with the `yaml` package (JSON is YAML), never js-yaml: its errors carry
//   line and column, and with `intAsBigInt` an unquoted `pageId: 104857600000000123` keeps every
//   digit (Facebook ids exceed 2^53).
// - JavaScript/TypeScript configuration files are refused: the configuration is data, which
//   `doctor` can check without running code, and secrets come from the environment anyway.
// - The search looks in `cwd` only (cosmiconfig's `searchStrategy: 'none'`), never in parent
//   folders or the home directory: what a cron job reads must not depend on where files happen
//   to lie above its working directory. `--config PATH` is the way to point anywhere else.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { ConfigError } from '../errors.js';
import { registerSecret } from '../http/secrets.js';
import { formatPath, substituteEnv } from './env.js';
import { EXAMPLE_CONFIG_PATH } from './placeholders.js';
import { configSchema, describeIssues, isKnownPath, type ParsedConfig, type Problem, requiredMessage, SECRET_KEYS } from './schema.js';
import type { Config, PageConfig } from './types.js';

export interface LoadConfigOptions {
  /** `--config PATH`: read exactly this file (relative to `cwd`). */
  configPath?: string;
  /** Where to search when no path is given; default `process.cwd()`. */
  cwd?: string;
  /** Where `${NAME}` references are looked up; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** In this order; the first that exists wins. `fbsync.yaml` is the documented form. */
export const SEARCH_PLACES: readonly string[] = [
  'fbsync.yaml',
  'fbsync.yml',
  'package.json',
  '.fbsyncrc',
  '.fbsyncrc.json',
  '.fbsyncrc.yaml',
  '.fbsyncrc.yml',
  '.config/fbsyncrc',
  '.config/fbsyncrc.json',
  '.config/fbsyncrc.yaml',
  '.config/fbsyncrc.yml',
  'fbsync.config.yaml',
  'fbsync.config.yml',
  'fbsync.config.json',
  // Searched only to say clearly that they are not supported.
  '.fbsyncrc.js',
  '.fbsyncrc.ts',
  '.fbsyncrc.cjs',
  '.fbsyncrc.mjs',
  'fbsync.config.js',
  'fbsync.config.ts',
  'fbsync.config.cjs',
  'fbsync.config.mjs',
];

const CODE_EXTENSIONS = new Set(['.js', '.ts', '.cjs', '.mjs', '.cts', '.mts']);
const MODULE_NAME = 'fbsync';
const MAX_SYNTAX_ERRORS = 5;

export async function loadConfig(options: LoadConfigOptions = {}): Promise<Config> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const found = options.configPath !== undefined ? await readGiven(path.resolve(cwd, options.configPath)) : await search(cwd);
  return resolveConfig(found.raw, found.filepath, env);
}

/**
 * Substitutes `${NAME}`, validates, fills defaults and resolves `store.path` against the folder
 * of `filepath`. Throws one ConfigError listing every problem, one per line.
 */
export function resolveConfig(raw: unknown, filepath: string, env: NodeJS.ProcessEnv = process.env): Config {
  filepath = path.resolve(filepath);
  if (raw === undefined) {
    throw new ConfigError(`${filepath}: the file is empty; run \`fbsync init --config ${filepath}\` (after removing it), or copy ${EXAMPLE_CONFIG_PATH} and fill it in`);
  }
  const substituted = substituteEnv(raw, env);
  const envProblems = envProblemsOf(substituted.problems);
  const unresolved = new Set(envProblems.map((p) => p.key));
  registerSecrets(substituted.value, unresolved);

  const result = configSchema.safeParse(substituted.value);
  // A key whose `${NAME}` did not resolve is reported once, as that.
  const problems = [
    ...envProblems,
    ...[...pageFormProblems(substituted.value), ...(result.success ? [] : describeIssues(result.error.issues, substituted.value, substituted.sources))].filter((p) => !unresolved.has(p.key)),
  ];
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(problems.map((p) => p.message).join('\n'), problems[0]?.key || undefined);
  }
  return assemble(result.data, filepath);
}

/** A reference inside an unknown key is reported as the unknown key only. */
function envProblemsOf(problems: ReturnType<typeof substituteEnv>['problems']): Problem[] {
  return problems.filter((p) => isKnownPath(p.path)).map((p) => ({ key: formatPath(p.path), message: p.message }));
}

/** Registered before validation, so even a message about another key can never carry them. */
function registerSecrets(tree: unknown, unresolved: ReadonlySet<string>): void {
  for (const key of SECRET_KEYS) {
    if (unresolved.has(key)) continue;
    for (const value of valuesAt(tree, key.split('.'))) {
      if (typeof value === 'string') {
        registerSecret(value);
        registerSecret(value.trim());
      }
    }
  }
}

/** The validated file as the Config the commands read: one list of Pages, the store path resolved. */
function assemble(c: ParsedConfig, filepath: string): Config {
  const { pageId: _pageId, pageAccessToken: _token, pages: _pages, ...facebook } = c.facebook;
  return { ...c, facebook, pages: pagesOf(c), store: { ...c.store, path: resolveStorePath(c.store.path, filepath) }, filepath };
}

/**
 * The two forms of the Page setting (`facebook.pageId` + `pageAccessToken`, or the list
 * `facebook.pages`): both, neither, an empty list or a Page listed twice is a problem naming the key.
 * Read from the file's tree, so it is reported beside the schema's problems, in the file's order.
 */
function pageFormProblems(tree: unknown): Problem[] {
  const facebook = keyOf(tree, 'facebook');
  if (!facebook || typeof facebook !== 'object' || Array.isArray(facebook)) return [];
  const { pageId, pageAccessToken, pages } = facebook as Record<string, unknown>;
  if (pages === undefined) return pageId === undefined ? [{ key: 'facebook.pageId', message: requiredMessage('facebook.pageId') }] : [];
  const mixed = Object.entries({ pageId, pageAccessToken })
    .filter(([, value]) => value !== undefined)
    .map(([key]) => ({ key: `facebook.${key}`, message: `facebook.${key}: not together with facebook.pages — give the Pages either as facebook.pageId (one Page) or as the list facebook.pages` }));
  if (!Array.isArray(pages)) return mixed;
  const empty = pages.length === 0 ? [{ key: 'facebook.pages', message: 'facebook.pages: the list is empty; list at least one Page (- pageId: "…")' }] : [];
  return [...mixed, ...empty, ...pagesListedTwice(pages)];
}

/** `facebook.pages[i].pageId` of every entry naming a Page an earlier entry names. */
function pagesListedTwice(pages: unknown[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  pages.forEach((p, i) => {
    const id = keyOf(p, 'pageId');
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const key = `facebook.pages[${i}].pageId`;
    const earlier = seen.get(String(id).trim());
    if (earlier !== undefined) problems.push({ key, message: `${key}: Page ${String(id).trim()} is listed twice (also facebook.pages[${earlier}]); list each Page once` });
    else seen.set(String(id).trim(), i);
  });
  return problems;
}

/** `node[key]` when node is an object, else undefined. */
function keyOf(node: unknown, key: string): unknown {
  return node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
}

/** Both forms as one list of Pages (pageFormProblems found none). */
function pagesOf(c: ParsedConfig): PageConfig[] {
  const { pageId, pageAccessToken, pages } = c.facebook;
  const template = c.planfix.taskTemplateId;
  if (pages === undefined) return [{ pageId: pageId!, ...(pageAccessToken && { pageAccessToken }), taskTemplateId: template, key: 'facebook.pageId' }];
  return pages.map((p, i) => ({ pageId: p.pageId, ...(p.pageAccessToken && { pageAccessToken: p.pageAccessToken }), taskTemplateId: p.taskTemplateId ?? template, key: `facebook.pages[${i}]` }));
}

/** Every value at a dotted key, a list fanning out over its entries (`facebook.pages.pageAccessToken`). */
function valuesAt(node: unknown, parts: string[]): unknown[] {
  if (Array.isArray(node)) return node.flatMap((item) => valuesAt(item, parts));
  if (parts.length === 0) return [node];
  if (!node || typeof node !== 'object') return [];
  return valuesAt((node as Record<string, unknown>)[parts[0]!], parts.slice(1));
}

/** `--page ID`: the configuration narrowed to that one Page (its token keys stay the Page's own); an id not configured is exit 2. */
export function onlyPage(config: Config, pageId: string): Config {
  const page = config.pages.find((p) => p.pageId === pageId.trim());
  if (!page) {
    throw new ConfigError(`--page: Page ${pageId} is not in the configuration (${config.filepath}); the configured Pages are ${config.pages.map((p) => p.pageId).join(', ')}`, '--page');
  }
  return config.pages.length === 1 ? config : { ...config, pages: [page], onlyPage: page.pageId };
}

/** Relative to the configuration file's folder; `~/` is the home directory. */
function resolveStorePath(p: string, filepath: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(path.dirname(filepath), p);
}

/**
 * Parses the text of a configuration file: JSON for `.json`, YAML otherwise. Integers too big
 * for a number come out as their exact digits; `null` values (a bare `key:`) as absent keys.
 * Returns undefined for a file with no content (only comments, say).
 */
export function parseConfigText(text: string, filepath: string): unknown {
  const ext = path.extname(filepath).toLowerCase();
  if (CODE_EXTENSIONS.has(ext)) {
    throw new ConfigError(
      `${filepath}: JavaScript/TypeScript configuration files are not supported; write the configuration in YAML (fbsync.yaml) or JSON`,
    );
  }
  const format = ext === '.json' ? 'JSON' : 'YAML';
  const lineCounter = new LineCounter();
  // prettyErrors off: its excerpt of the source line could show a secret written in the file.
  const doc = parseDocument(text, { intAsBigInt: true, prettyErrors: false, uniqueKeys: true, lineCounter });
  const errors = [...doc.errors, ...doc.warnings];
  if (errors.length > 0) throw new ConfigError(syntaxErrorLines(errors, filepath, format, lineCounter).join('\n'));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${filepath}: cannot read the ${format}: ${(err as Error).message}`);
  }
  return normalise(value);
}

/** One line per error, `file:line:col: …`, the first MAX_SYNTAX_ERRORS of them. */
function syntaxErrorLines(errors: readonly YAMLError[], filepath: string, format: string, lineCounter: LineCounter): string[] {
  const lines = errors.slice(0, MAX_SYNTAX_ERRORS).map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return `${filepath}:${line}:${col}: ${format} syntax error at line ${line}, column ${col}: ${e.message}`;
  });
  if (errors.length > MAX_SYNTAX_ERRORS) lines.push(`${filepath}: … and ${errors.length - MAX_SYNTAX_ERRORS} more`);
  return lines;
}

function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const v = normalise(child);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return value;
}

function isPackageJson(filepath: string): boolean {
  return path.basename(filepath) === 'package.json';
}

/** The "fbsync" key of a parsed package.json; undefined when it has none. */
function packageSection(raw: unknown): unknown {
  return keyOf(raw, MODULE_NAME);
}

async function readGiven(filepath: string): Promise<{ raw: unknown; filepath: string }> {
  let text: string;
  try {
    text = await readFile(filepath, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${filepath}: ${osReason(err)}`);
  }
  const raw = parseConfigText(text, filepath);
  if (!isPackageJson(filepath)) return { raw, filepath };
  const section = packageSection(raw);
  if (section === undefined) throw new ConfigError(`${filepath}: there is no "${MODULE_NAME}" key in this package.json`);
  return { raw: section, filepath };
}

/** "ENOENT: no such file or directory, open '/x'" → "ENOENT: no such file or directory". */
function osReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const message = String(e?.message ?? err);
  return e?.code && message.startsWith(`${e.code}:`) ? message.replace(/, \w+(?: '.*')?$/, '') : message;
}

// cosmiconfig merges `$import` keys and picks the "fbsync" key out of package.json. The parsed
// tree travels wrapped under a symbol, so cosmiconfig never sees (or acts on) its keys: `$import`
// is then an unknown key like any other, and `--config` and the search read a file the same way.
const RAW = Symbol('fbsync.raw');
type Wrapped = { [RAW]: unknown };

const dataLoader: Loader = (filepath, content) => {
  const raw = parseConfigText(content, filepath);
  if (!isPackageJson(filepath)) return { [RAW]: raw } satisfies Wrapped;
  const section = packageSection(raw);
  // No "fbsync" key: cosmiconfig moves on to the next place.
  return section === undefined ? {} : { [MODULE_NAME]: { [RAW]: section } satisfies Wrapped };
};

const explorer = () =>
  cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    // An empty fbsync.yaml is an error to report, not a reason to look elsewhere.
    ignoreEmptySearchPlaces: false,
    cache: false,
    // Every extension searched goes through dataLoader, the code ones to be refused there.
    loaders: Object.fromEntries(['.yaml', '.yml', '.json', 'noExt', ...CODE_EXTENSIONS].map((ext) => [ext, dataLoader])),
  });

async function search(cwd: string): Promise<{ raw: unknown; filepath: string }> {
  let result: Awaited<ReturnType<ReturnType<typeof explorer>['search']>>;
  try {
    result = await explorer().search(cwd);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const where = (err as { filepath?: string }).filepath ?? cwd;
    throw new ConfigError(`cannot read configuration ${where}: ${osReason(err)}`);
  }
  if (!result) throw new ConfigError(notFoundMessage(cwd));
  const filepath = path.resolve(result.filepath);
  const raw = result.isEmpty ? undefined : (result.config as Wrapped)[RAW];
  return { raw, filepath };
}

/** Lists the places searched (not the code files, which are searched only to be refused) and the ways out. */
function notFoundMessage(cwd: string): string {
  const places = SEARCH_PLACES.filter((p) => !CODE_EXTENSIONS.has(path.extname(p))).map((p) => (p === 'package.json' ? 'a "fbsync" key in package.json' : p));
  return (
    `no configuration file found in ${cwd} (looked for ${places.join(', ')}); ` +
    `pass --config PATH or set FBSYNC_CONFIG, run \`fbsync init\` to write ${path.join(cwd, 'fbsync.yaml')}, or copy ${EXAMPLE_CONFIG_PATH} there and fill it in`
  );
}
