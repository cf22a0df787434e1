// Every configuration key in one place: its validation, its default, how an error about it reads.
// The keys and defaults are the contract of behaviour.md § Configuration; `sync.maxEffects` is
// fbsync's one extension.

import * as z from 'zod';
import { formatPath, type KeyPath } from './env.js';
import { suggest } from './suggest.js';

interface Option<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** Completes "expected …" when the value is wrong. */
  expected: string;
  /** Completes "required (…)" when a required key is missing. */
  required?: string;
  /** The value is never echoed in a message. */
  secret?: boolean;
}

const option = <S extends z.ZodType>(o: Option<S>): Option<S> => o;

type Shape<T extends Record<string, Option>> = { [K in keyof T]: T[K]['schema'] };

function shapeOf<T extends Record<string, Option>>(options: T): Shape<T> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, o] of Object.entries(options)) shape[key] = o.schema;
  return shape as Shape<T>;
}

// Numeric keys also take numeric strings, so `taskTemplateId: ${TPL}` (always a string) works.
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const toNumber = (v: unknown): unknown =>
  typeof v === 'string' && NUMERIC.test(v.trim()) ? Number(v.trim()) : v;

// Booleans too: `${FLAG}` is always a string.
const toBoolean = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  const t = v.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : v;
};

const positiveInt = () => z.preprocess(toNumber, z.number().int().positive().max(Number.MAX_SAFE_INTEGER));
const intRange = (min: number, max: number) => z.preprocess(toNumber, z.number().int().min(min).max(max));

// Facebook ids can exceed 2^53: they are kept as strings. The YAML reader hands over integers
// too big for a number as their exact digits (see load.ts); safe integers are converted here.
const digits = () =>
  z.preprocess(
    (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v),
    z.string().trim().regex(/^\d+$/),
  );

const secret = () => z.string().trim().min(1);

// A bare `pageAccessToken:` or an empty variable means "no token here" (reconnect stores one).
const optionalSecret = () =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), secret().optional());

/**
 * `graphUrl` and `planfix.url`: an http(s) URL, trailing slash removed. For Planfix a trailing
 * `/rest` is removed too: people paste the REST address, the clients add `/rest/` themselves.
 */
export function normaliseUrl(input: string, kind: 'graph' | 'planfix'): string | { error: string } {
  const example = kind === 'graph' ? 'https://graph.facebook.com' : 'https://example.planfix.com';
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    const hint = /^[\w.-]+\.[a-z]{2,}(?:[:/]|$)/i.test(input) ? ` (add "https://")` : '';
    return { error: `expected an http(s) URL such as ${example}, got ${JSON.stringify(input)}${hint}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `expected an http(s) URL such as ${example}, got the scheme "${url.protocol.slice(0, -1)}"` };
  }
  if (url.username || url.password) {
    return { error: 'the URL must not contain a user name or password (put the token in the token key)' };
  }
  if (url.search || url.hash) {
    return { error: `the URL must not contain a query string or fragment, got ${JSON.stringify(input)}` };
  }
  let pathname = url.pathname.replace(/\/+$/, '');
  if (kind === 'planfix') pathname = pathname.replace(/\/rest$/i, '');
  if (kind === 'graph' && /\/v\d+\.\d+$/.test(pathname)) {
    return { error: `the URL must not contain the Graph version (set facebook.apiVersion instead), got ${JSON.stringify(input)}` };
  }
  return `${url.protocol}//${url.host}${pathname}`;
}

const httpUrl = (kind: 'graph' | 'planfix') =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const result = normaliseUrl(s, kind);
      if (typeof result === 'string') return result;
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    });

const PAGE_ID_REQUIRED =
  'the numeric id of the Page whose comments are synced, in quotes; e.g. pageId: "104857600000000" — ' +
  'shown under the Page\'s About → Page transparency, or in Meta Business Suite → Settings';

/** One entry of `facebook.pages` (behaviour.md § Configuration, "Several Pages"). */
const pageOptions = {
  pageId: option({
    schema: digits(),
    expected: 'the Page id as a string of digits, e.g. "104857600000000"',
    required: PAGE_ID_REQUIRED,
  }),
  pageAccessToken: option({ schema: optionalSecret(), expected: 'a non-empty string', secret: true }),
  taskTemplateId: option({
    schema: positiveInt().optional(),
    expected: 'a positive integer (the task template of this Page\'s posts; default planfix.taskTemplateId)',
  }),
};

const facebookOptions = {
  pageId: option({
    // Required unless `pages` is given: load.ts checks that one of the two forms is there.
    schema: digits().optional(),
    expected: 'the Page id as a string of digits, e.g. "104857600000000"',
    required: `${PAGE_ID_REQUIRED} (or several Pages under facebook.pages)`,
  }),
  pages: option({
    schema: z.array(z.strictObject(shapeOf(pageOptions))).optional(),
    expected: 'a list of Pages, each a mapping with pageId and optionally pageAccessToken and taskTemplateId',
  }),
  appId: option({
    schema: digits(),
    expected: 'the app id as a string of digits, e.g. "1234567890"',
    required: 'the id of your Facebook app, in quotes; e.g. appId: "1234567890" — developers.facebook.com → My Apps',
  }),
  appSecret: option({
    schema: secret(),
    expected: 'a non-empty string',
    required: 'the app secret, from the environment; e.g. appSecret: ${FB_APP_SECRET} — App settings → Basic',
    secret: true,
  }),
  pageAccessToken: option({ schema: optionalSecret(), expected: 'a non-empty string', secret: true }),
  apiVersion: option({
    schema: z.string().trim().regex(/^v\d+\.\d+$/).default('v24.0'),
    expected: 'a Graph API version such as "v24.0"',
  }),
  graphUrl: option({
    schema: httpUrl('graph').default('https://graph.facebook.com'),
    expected: 'an http(s) URL such as https://graph.facebook.com',
  }),
};

const fieldsOptions = {
  contactFacebookId: option({
    schema: positiveInt(),
    expected: 'a positive integer (a custom field id)',
    required:
      "the id of a custom field of type Line on contacts, which holds the commenter's Facebook id; e.g. contactFacebookId: 101",
  }),
  taskPostId: option({
    schema: positiveInt(),
    expected: 'a positive integer (a custom field id)',
    required: 'the id of a custom field of type Line on tasks, which holds the Facebook post id; e.g. taskPostId: 202',
  }),
};

const planfixOptions = {
  url: option({
    schema: httpUrl('planfix'),
    expected: 'an http(s) URL such as https://example.planfix.com',
    required: "the account's address; e.g. url: https://example.planfix.com",
  }),
  token: option({
    schema: secret(),
    expected: 'a non-empty string',
    required: 'a REST API token of the account; e.g. token: ${PLANFIX_TOKEN}',
    secret: true,
  }),
  taskTemplateId: option({
    schema: positiveInt(),
    expected: 'a positive integer',
    required: 'the id of the task template opened for a post; e.g. taskTemplateId: 12',
  }),
  contactTemplateId: option({
    schema: positiveInt(),
    expected: 'a positive integer',
    required: 'the id of the contact template used for a commenter\'s card; e.g. contactTemplateId: 3',
  }),
  fields: option({
    schema: z.strictObject(shapeOf(fieldsOptions)),
    expected: 'a mapping with contactFacebookId and taskPostId',
    required: 'the custom fields that carry the Facebook ids: contactFacebookId and taskPostId',
  }),
  requestsPerSecond: option({
    schema: z.preprocess(toNumber, z.number().gt(0).max(1000)).default(1),
    expected: 'a number greater than 0 and at most 1000',
  }),
  dailyBudget: option({
    schema: intRange(1, Number.MAX_SAFE_INTEGER).optional(),
    expected: "a whole number of requests, at least 1 (the plan's daily limit)",
  }),
};

const storeOptions = {
  path: option({ schema: z.string().trim().min(1).default('./fbsync.db'), expected: 'a file path' }),
};

const syncOptions = {
  lookbackDays: option({ schema: intRange(1, 365).default(14), expected: 'an integer from 1 to 365' }),
  concurrency: option({ schema: intRange(1, 16).default(4), expected: 'an integer from 1 to 16' }),
  maxRunSeconds: option({
    schema: z.preprocess(toNumber, z.number().min(5)).default(50),
    expected: 'a number of seconds, at least 5',
  }),
  maxEffects: option({
    schema: intRange(0, Number.MAX_SAFE_INTEGER).default(0),
    expected: 'an integer, 0 or more (0 = no limit)',
  }),
  reopenClosedTasks: option({
    schema: z.preprocess(toBoolean, z.boolean()).default(true),
    expected: 'true or false',
  }),
  fullCheckMinutes: option({
    schema: z.preprocess(toNumber, z.number().min(0).max(1440)).default(10),
    expected: 'a number of minutes from 0 to 1440 (0 = list the whole window every run)',
  }),
  editCheckMinutes: option({
    schema: z.preprocess(toNumber, z.number().min(0).max(10080)).default(30),
    expected: 'a number of minutes from 0 to 10080 (0 = as often as editChecksPerCycle allows)',
  }),
  editChecksPerCycle: option({
    schema: intRange(0, 100).default(1),
    expected: 'an integer from 0 to 100',
  }),
  runShare: option({
    schema: z.preprocess(toNumber, z.number().gt(0).max(1)).default(1),
    expected: 'a share greater than 0 and at most 1, e.g. 0.8',
  }),
};

const rootOptions = {
  facebook: option({
    schema: z.strictObject(shapeOf(facebookOptions)),
    expected: 'a mapping with pageId, appId, appSecret, …',
    required: 'the Facebook side: pageId, appId, appSecret; see config.example.yaml',
  }),
  planfix: option({
    schema: z.strictObject(shapeOf(planfixOptions)),
    expected: 'a mapping with url, token, taskTemplateId, contactTemplateId, fields, …',
    required: 'the Planfix account: url, token, taskTemplateId, contactTemplateId, fields; see config.example.yaml',
  }),
  store: option({ schema: z.strictObject(shapeOf(storeOptions)).prefault({}), expected: 'a mapping with path' }),
  sync: option({
    schema: z.strictObject(shapeOf(syncOptions)).prefault({}),
    expected: 'a mapping with lookbackDays, concurrency, maxRunSeconds, maxEffects, reopenClosedTasks, fullCheckMinutes, …',
  }),
};

export const configSchema = z.strictObject(shapeOf(rootOptions));

/** What the schema gives: `store.path` is still as written, `filepath` is not known yet. */
export type ParsedConfig = z.output<typeof configSchema>;

// Dotted path → option, and dotted section path ('' for the root) → its keys.
const OPTIONS = new Map<string, Option>();
const SECTIONS = new Map<string, string[]>();
(function index(prefix: string, options: Record<string, Option>) {
  SECTIONS.set(prefix, Object.keys(options));
  for (const [key, o] of Object.entries(options)) OPTIONS.set(prefix ? `${prefix}.${key}` : key, o);
})('', rootOptions);
for (const [section, options] of [
  ['facebook', facebookOptions],
  ['planfix', planfixOptions],
  ['facebook.pages', pageOptions],
  ['planfix.fields', fieldsOptions],
  ['store', storeOptions],
  ['sync', syncOptions],
] as const) {
  SECTIONS.set(section, Object.keys(options));
  for (const [key, o] of Object.entries(options)) OPTIONS.set(`${section}.${key}`, o);
}

/** Dotted paths of the keys whose values are secrets. */
export const SECRET_KEYS: readonly string[] = [...OPTIONS].filter(([, o]) => o.secret).map(([k]) => k);

/** The option's dotted key, list indices left out: `facebook.pages[1].pageId` → `facebook.pages.pageId`. */
function optionKey(path: KeyPath): string {
  return formatPath(path.filter((p) => typeof p !== 'number'));
}

/** True when every key along `path` is a configuration key (list indices included). */
export function isKnownPath(path: KeyPath): boolean {
  return path.every((p, i) => typeof p === 'number' || OPTIONS.has(optionKey(path.slice(0, i + 1))));
}

/** "key: required (…)", as the schema says it for a missing required key; `o`, the key's option, for a key inside a list entry (`facebook.pages[0].pageId`). */
export function requiredMessage(key: string, o = OPTIONS.get(key)): string {
  return `${key}: required${o?.required ? ` (${o.required})` : ''}`;
}

function valueAt(tree: unknown, path: KeyPath): unknown {
  let node = tree;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function describe(value: unknown, isSecret: boolean): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    if (value.trim() === '') return 'an empty string';
    if (isSecret) return 'a string that is not valid here';
    const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return JSON.stringify(shown);
  }
  if (isSecret) return typeof value === 'number' ? 'a number' : `a ${typeof value}`;
  return String(value);
}

function unknownKey(section: KeyPath, key: string): string {
  const where = formatPath([...section, key]);
  const siblings = SECTIONS.get(optionKey(section)) ?? [];
  const near = suggest(key, siblings);
  if (near) return `${where}: unknown key — did you mean "${near}"?`;
  // A known key written at the wrong level: `planfix.pageId` → "facebook.pageId".
  const elsewhere = [...OPTIONS.keys()].find((k) => {
    const last = k.slice(k.lastIndexOf('.') + 1);
    return last.toLowerCase() === key.toLowerCase() && k !== where;
  });
  if (elsewhere) return `${where}: unknown key — did you mean "${elsewhere}"?`;
  return `${where}: unknown key (the keys here are ${siblings.join(', ')})`;
}

export interface Problem {
  /** Dotted key path; '' when the problem is the whole file. */
  key: string;
  message: string;
}

/**
 * One line per problem, each starting with the key's dotted path. Values of secret keys are
 * never echoed; `sources` (from substituteEnv) names the variable a bad value came from.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown, sources: Map<string, string[]>): Problem[] {
  const problems = issues.flatMap((issue) => describeIssue(issue, input, sources));
  // Several checks of one value (e.g. "integer" and "positive" for -1.5) read as one line.
  return problems.filter((p, i) => problems.findIndex((q) => q.message === p.message) === i);
}

/** An unknown key (one problem per key), the file not a mapping, a key missing, a custom check, or a value of the wrong kind. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown, sources: Map<string, string[]>): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const key = formatPath(path);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ key: formatPath([...path, k]), message: unknownKey(path, k) }));
  const o = OPTIONS.get(optionKey(path));
  const value = valueAt(input, path);
  if (key === '') return [{ key, message: `the configuration must be a mapping of keys (facebook:, planfix:, store:, sync:), got ${describe(value, false)}` }];
  if (value === undefined) return [{ key, message: requiredMessage(key, o) }];
  const from = sources.get(key);
  const note = from ? ` (from ${from.map((n) => `\${${n}}`).join(', ')})` : '';
  if (issue.code === 'custom') return [{ key, message: `${key}: ${issue.message}${note}` }];
  return [{ key, message: `${key}: expected ${o?.expected ?? 'another value'}, got ${describe(value, !!o?.secret)}${note}` }];
}
