// `fbsync doctor`: a checklist of the configuration, the store and both connections. It changes
// nothing anywhere — no store is created (an absent one is reported), the store is opened
// read-only, and only harmless reads go to Facebook and Planfix. A failing check does not stop
// the others; checks that need it are marked skipped.
//
// Exit code: 0 when every check passed (warnings allowed); otherwise 3 when a credential or
// permission check failed (run `fbsync reconnect` / fix the token), else 2 when the configuration
// or the store is wrong (unknown template, missing field, unreadable store), else 4 when a check
// could not be done for a passing reason (network, throttling: run doctor again).

import fs from 'node:fs';
import { describePlaceholders, placeholders } from '../config/placeholders.js';
import { type Config, type PageConfig, pageIdKey, tokenKey } from '../config/types.js';
import { type TokenInfo, missingPagePermissions } from '../facebook/oauth.js';
import { AuthError, NetworkError, NotFoundError, PermissionError, RefusedError, RemoteError } from '../http/errors.js';
import { ConfigError, StoreError } from '../errors.js';
import type { PfCustomField, PfTemplate } from '../planfix/planfix-client.js';
import { schemaVersion } from '../store/migrations.js';
import { Store } from '../store/store.js';
import { makeGraphClient, makePlanfixClient, tokenMetaKeys } from '../sync/session.js';
import { EXIT } from './exit-codes.js';
import { describeMissing, formatExpiry, makeOAuthClient } from './facebook-token.js';
import { paintFor } from './colour.js';
import type { Output } from './output.js';
import { plural } from './summary.js';
import type { JsonError } from './result.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';
/** What a failure calls for, which decides the exit code. */
type FailureKind = 'credentials' | 'config' | 'remote';

export interface CheckResult {
  /** Stable id, e.g. `facebook.permissions`. */
  name: string;
  /** What is checked, for people. */
  title: string;
  /** pass and warn are ok. */
  ok: boolean;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  exitCode: number;
  /** The first failed check that decided the exit code, in `--json`'s common shape (result.ts). */
  error: JsonError | null;
  checks: CheckResult[];
}

const ERROR_KIND: Record<FailureKind, JsonError['kind']> = { credentials: 'credentials', config: 'config', remote: 'remote' };

/** Line, the only custom-field type Planfix filters by exact text (notes §5). */
const LINE_TYPE = 0;
const SOON_MS = 7 * 86_400_000;

interface Recorded extends CheckResult {
  kind?: FailureKind;
  /** The side could not be reached at all. */
  network?: boolean;
}

class Checklist {
  readonly results: Recorded[] = [];

  pass(name: string, title: string, detail: string): void {
    this.results.push({ name, title, ok: true, status: 'pass', detail });
  }

  warn(name: string, title: string, detail: string, fix: string): void {
    this.results.push({ name, title, ok: true, status: 'warn', detail, fix });
  }

  fail(name: string, title: string, kind: FailureKind, detail: string, fix: string): void {
    this.results.push({ name, title, ok: false, status: 'fail', detail, fix, kind });
  }

  skip(name: string, title: string, needs: string): void {
    this.results.push({ name, title, ok: false, status: 'skip', detail: `skipped: needs ${needs}` });
  }

  /** A remote call's failure as a check result. Errors that are not the remote's or the configuration's are bugs: rethrown. */
  failFrom(name: string, title: string, error: unknown, fixes: { credentials: string; config?: string; remote?: string }): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof AuthError || error instanceof PermissionError) return this.fail(name, title, 'credentials', message, fixes.credentials);
    if (error instanceof ConfigError || error instanceof StoreError || error instanceof NotFoundError || error instanceof RefusedError) {
      return this.fail(name, title, 'config', message, fixes.config ?? 'correct the configuration key the message names, then run `fbsync doctor` again');
    }
    if (error instanceof NetworkError) {
      this.fail(name, title, 'remote', message, `${error.fix}; then run \`fbsync doctor\` again`);
      this.results.at(-1)!.network = true;
      return;
    }
    if (error instanceof RemoteError) return this.fail(name, title, 'remote', message, fixes.remote ?? 'a passing problem (network, rate limit): run `fbsync doctor` again later');
    throw error;
  }

  passed(name: string): boolean {
    return this.results.some((r) => r.name === name && r.ok);
  }

  report(): DoctorReport {
    const failures = this.results.filter((r) => r.status === 'fail');
    const decisive = failures.find((f) => f.kind === 'credentials') ?? failures.find((f) => f.kind === 'config') ?? failures[0];
    const exitCode = !decisive ? EXIT.ok : decisive.kind === 'credentials' ? EXIT.credentials : decisive.kind === 'config' ? EXIT.usage : EXIT.partial;
    const side = decisive?.name.startsWith('facebook') ? 'facebook' : decisive?.name.startsWith('planfix') ? 'planfix' : null;
    const error: JsonError | null = decisive
      ? { kind: decisive.network ? 'network' : ERROR_KIND[decisive.kind ?? 'remote'], side, message: `${decisive.title}: ${decisive.detail}`, fix: decisive.fix ?? null }
      : null;
    return { ok: failures.length === 0, exitCode, error, checks: this.results.map(({ kind: _kind, network: _network, ...r }) => r) };
  }
}

export async function runDoctor(config: Config): Promise<DoctorReport> {
  const c = new Checklist();
  c.pass('config', 'configuration', `loaded from ${config.filepath} (${config.pages.length > 1 ? 'Pages' : 'Page'} ${config.pages.map((p) => p.pageId).join(', ')}, ${config.facebook.graphUrl} ${config.facebook.apiVersion}; Planfix ${config.planfix.url})`);
  const unfilled = placeholders(config);
  if (unfilled.length > 0) {
    c.fail('config.placeholders', 'values filled in', 'config', `not filled in: ${describePlaceholders(unfilled)}`, `put your own values in ${config.filepath} (config.example.yaml says where each one is found)`);
  }

  const storedToken = checkStore(c, config);
  // Several Pages: the Facebook checks once per Page, named `facebook.token[ID]` and so on.
  for (const page of config.pages) {
    const pc = config.pages.length > 1 ? forPage(c, page.pageId) : c;
    const token = checkTokenPresent(pc, page, storedToken(page.pageId));
    const info = token ? await checkTokenValid(pc, config, page, token) : (pc.skip('facebook.token', 'Page token valid', 'a Page token'), undefined);
    if (info) checkPermissions(pc, page, info);
    else pc.skip('facebook.permissions', 'permissions for this Page', 'a valid Page token');
    if (token && info) await checkPage(pc, config, page, token);
    else pc.skip('facebook.page', 'Page reachable', 'a valid Page token');
  }

  await checkPlanfix(c, config);
  return c.report();
}

export async function doctorCommand(config: Config, options: { json?: boolean }, output: Output): Promise<number> {
  const report = await runDoctor(config);
  print(report, options, output);
  return report.exitCode;
}

/** The configuration did not load: the checklist says so, everything else is skipped (exit 2). */
export function doctorConfigFailure(error: ConfigError, options: { json?: boolean }, output: Output): number {
  const c = new Checklist();
  const fix = error.key && !error.message.includes('\n') ? `correct ${error.key}, then run \`fbsync doctor\` again` : 'correct what the message names, then run `fbsync doctor` again';
  c.fail('config', 'configuration', 'config', error.message, fix);
  for (const [name, title] of [
    ['store', 'store'],
    ['facebook.pageToken', 'Page token present'],
    ['facebook.token', 'Page token valid'],
    ['facebook.permissions', 'permissions for this Page'],
    ['facebook.page', 'Page reachable'],
    ['planfix.token', 'Planfix token'],
  ] as const) {
    c.skip(name, title, 'a configuration');
  }
  const report = c.report();
  print(report, options, output);
  return report.exitCode;
}

// ---- the checks ----

/** The Facebook checks of one Page of several: names `facebook.token[ID]`, titles "… (Page ID)"; the same results. */
function forPage(c: Checklist, pageId: string): Checklist {
  const scoped = Object.create(c) as Checklist;
  const name = (n: string) => `${n}[${pageId}]`;
  const title = (t: string) => `${t} (Page ${pageId})`;
  scoped.pass = (n, t, d) => c.pass(name(n), title(t), d);
  scoped.warn = (n, t, d, f) => c.warn(name(n), title(t), d, f);
  scoped.fail = (n, t, k, d, f) => c.fail(name(n), title(t), k, d, f);
  scoped.skip = (n, t, needs) => c.skip(name(n), title(t), needs);
  return scoped;
}

/** Returns the Page tokens stored by reconnect, by Page, as far as the store has them. */
function checkStore(c: Checklist, config: Config): (pageId: string) => string | undefined {
  const file = config.store.path;
  const none = () => undefined;
  const title = 'store';
  if (!fs.existsSync(file)) {
    c.warn(
      'store',
      title,
      `no store yet at ${file}`,
      'none needed before the first `fbsync reconnect` or `fbsync run`, which create it; if fbsync has run before, check store.path (relative to the configuration file)',
    );
    c.skip('store.permissions', 'store readable by the owner only', 'a store');
    return none;
  }
  let store: Store;
  try {
    store = Store.open(file, { readonly: true });
  } catch (error) {
    c.failFrom('store', title, error, { credentials: '', config: 'point store.path at the right file, or move this one aside (a new store is made by the next run)' });
    c.skip('store.permissions', 'store readable by the owner only', 'a readable store');
    return none;
  }
  try {
    const version = store.db.pragma('user_version', { simple: true }) as number;
    if (version < schemaVersion) {
      c.warn('store', title, `${file}: schema ${version}, this fbsync uses ${schemaVersion}`, 'nothing to do: the next `fbsync run` upgrades it');
    } else {
      c.pass('store', title, `${file}: readable, schema ${version}`);
    }
    if (store.permissionWarning) {
      const mode = (fs.statSync(file).mode & 0o777).toString(8);
      c.warn('store.permissions', 'store readable by the owner only', `mode ${mode}: other users can read the tokens in it`, `chmod 600 ${file}`);
    } else {
      c.pass('store.permissions', 'store readable by the owner only', 'mode 600');
    }
    if (version === 0) return none;
    const tokens = new Map(config.pages.map((p) => [p.pageId, store.getMeta(tokenMetaKeys(config, p.pageId).token)]));
    return (pageId) => tokens.get(pageId);
  } finally {
    store.close();
  }
}

function checkTokenPresent(c: Checklist, page: PageConfig, stored: string | undefined): string | undefined {
  const title = 'Page token present';
  const key = tokenKey(page);
  if (stored) {
    const shadowed = page.pageAccessToken ? `; ${key} in the configuration is not used` : '';
    c.pass('facebook.pageToken', title, `stored by \`fbsync reconnect\` in the store${shadowed}`);
    return stored;
  }
  if (page.pageAccessToken) {
    c.pass('facebook.pageToken', title, `from the configuration (${key})`);
    return page.pageAccessToken;
  }
  c.fail('facebook.pageToken', title, 'credentials', `no Page access token: none in the store, and ${key} is not set`, 'run `fbsync reconnect`');
  return undefined;
}

async function checkTokenValid(c: Checklist, config: Config, page: PageConfig, token: string): Promise<TokenInfo | undefined> {
  const name = 'facebook.token';
  const title = 'Page token valid';
  const pageId = page.pageId;
  let info: TokenInfo;
  try {
    info = await makeOAuthClient(config).debugToken(token);
  } catch (error) {
    c.failFrom(name, title, error, { credentials: 'check facebook.appId and facebook.appSecret (App settings → Basic in the app dashboard)' });
    return undefined;
  }
  const reconnect = 'run `fbsync reconnect`';
  if (!info.isValid) {
    c.fail(name, title, 'credentials', `Facebook says the token is not valid: ${info.error?.message ?? 'no reason given'}`, reconnect);
    return undefined;
  }
  if (info.appId && info.appId !== config.facebook.appId) {
    c.fail(name, title, 'credentials', `the token belongs to app ${info.appId}, not to facebook.appId ${config.facebook.appId}`, `check facebook.appId, or ${reconnect}`);
    return undefined;
  }
  if (info.type !== 'PAGE') {
    c.fail(name, title, 'credentials', `this is a ${info.type || 'non-Page'} token, not a Page access token`, `${reconnect} (it exchanges a user token for the Page token)`);
    return undefined;
  }
  if (info.profileId && info.profileId !== pageId) {
    c.fail(name, title, 'credentials', `the token is of Page ${info.profileId}, not of ${pageIdKey(page)} ${pageId}`, `check ${pageIdKey(page)}, or ${reconnect}`);
    return undefined;
  }
  const detail = `valid Page token; expires: ${formatExpiry(info.expiresAt)}; data access until: ${info.dataAccessExpiresAt ? info.dataAccessExpiresAt.toISOString() : 'not reported'}`;
  const now = Date.now();
  if (info.expiresAt) {
    c.warn(name, title, detail, `${reconnect} for a Page token that does not expire`);
  } else if (info.dataAccessExpiresAt && info.dataAccessExpiresAt.getTime() - now < SOON_MS) {
    c.warn(name, title, detail, `data access ${info.dataAccessExpiresAt.getTime() < now ? 'has ended' : 'ends soon'}: ${reconnect} to renew it`);
  } else {
    c.pass(name, title, detail);
  }
  return info;
}

function checkPermissions(c: Checklist, page: PageConfig, info: TokenInfo): void {
  const title = 'permissions for this Page';
  const pageId = page.pageId;
  const missing = missingPagePermissions(info, pageId);
  if (missing.length === 0) {
    c.pass('facebook.permissions', title, 'pages_show_list, pages_read_engagement, pages_read_user_content, pages_manage_engagement granted for this Page');
    return;
  }
  const described = missing.map((m) => describeMissing(m, pageId, 'stored'));
  c.fail('facebook.permissions', title, 'credentials', described.map((d) => d.problem).join('; '), [...new Set(described.map((d) => d.fix))].join('; '));
}

async function checkPage(c: Checklist, config: Config, page: PageConfig, token: string): Promise<void> {
  const title = 'Page reachable';
  try {
    const fb = makeGraphClient(config, token, undefined, page.pageId);
    let latest: { id: string; createdTime: string } | undefined;
    for await (const posts of fb.listPosts({ pageSize: 1 })) {
      latest = posts[0];
      break;
    }
    c.pass('facebook.page', title, latest ? `read the feed of Page ${page.pageId} (latest post ${latest.id}, ${latest.createdTime})` : `read the feed of Page ${page.pageId} (no posts yet)`);
  } catch (error) {
    c.failFrom('facebook.page', title, error, {
      credentials: 'run `fbsync reconnect` (the token may not read this Page)',
      config: `check ${pageIdKey(page)} (the numeric id in the Page\'s About → Page transparency) and facebook.graphUrl`,
    });
  }
}

async function checkPlanfix(c: Checklist, config: Config): Promise<void> {
  const pf = makePlanfixClient(config);
  const tokenFix = 'check planfix.token: a REST API token from Account management → API access → REST API, whose employee is active';
  try {
    await pf.ping();
    c.pass('planfix.token', 'Planfix token', `accepted by ${config.planfix.url}`);
  } catch (error) {
    c.failFrom('planfix.token', 'Planfix token', error, { credentials: tokenFix, config: 'check planfix.url (the account address, e.g. https://example.planfix.com, without /rest)' });
    for (const [name, title] of PLANFIX_DEPENDENT) c.skip(name, title, 'a working Planfix token');
    return;
  }

  await checkTemplate(c, 'planfix.taskTemplate', 'task template', 'planfix.taskTemplateId', config.planfix.taskTemplateId, () => pf.listTaskTemplates(), tokenFix);
  // Several Pages: a Page with its own task template has it checked too.
  for (const page of config.pages.filter((p) => p.taskTemplateId !== config.planfix.taskTemplateId)) {
    await checkTemplate(c, `planfix.taskTemplate[${page.pageId}]`, 'task template', `${page.key}.taskTemplateId`, page.taskTemplateId, () => pf.listTaskTemplates(), tokenFix);
  }
  await checkTemplate(c, 'planfix.contactTemplate', 'contact template', 'planfix.contactTemplateId', config.planfix.contactTemplateId, () => pf.listContactTemplates(), tokenFix);
  await checkField(c, 'planfix.fields.taskPostId', 'task', 'planfix.fields.taskPostId', config.planfix.fields.taskPostId, () => pf.listCustomFields('task'), tokenFix);
  await checkField(c, 'planfix.fields.contactFacebookId', 'contact', 'planfix.fields.contactFacebookId', config.planfix.fields.contactFacebookId, () => pf.listCustomFields('contact'), tokenFix);
}

const PLANFIX_DEPENDENT = [
  ['planfix.taskTemplate', 'task template'],
  ['planfix.contactTemplate', 'contact template'],
  ['planfix.fields.taskPostId', 'task field for the post id'],
  ['planfix.fields.contactFacebookId', 'contact field for the Facebook id'],
] as const;

const listed = <T extends { id: number; name: string }>(items: T[], describe: (t: T) => string = (t) => `${t.id} «${t.name}»`) =>
  items.length === 0 ? 'none' : items.slice(0, 12).map(describe).join(', ') + (items.length > 12 ? `, … (${items.length} in all)` : '');

async function checkTemplate(c: Checklist, name: string, noun: string, key: string, id: number, list: () => Promise<PfTemplate[]>, tokenFix: string): Promise<void> {
  let templates: PfTemplate[];
  try {
    templates = await list();
  } catch (error) {
    c.failFrom(name, noun, error, { credentials: `${tokenFix}; it needs to read ${noun}s` });
    return;
  }
  const found = templates.find((t) => t.id === id);
  if (found) c.pass(name, noun, `${key} ${id} «${found.name}» exists`);
  else c.fail(name, noun, 'config', `Planfix has no ${noun} ${id} (${key})`, `set ${key} to one of the account's ${noun}s: ${listed(templates)}`);
}

async function checkField(c: Checklist, name: string, kind: 'task' | 'contact', key: string, id: number, list: () => Promise<PfCustomField[]>, tokenFix: string): Promise<void> {
  const title = kind === 'task' ? 'task field for the post id' : 'contact field for the Facebook id';
  let fields: PfCustomField[];
  try {
    fields = await list();
  } catch (error) {
    c.failFrom(name, title, error, { credentials: `${tokenFix}; it needs to read custom fields` });
    return;
  }
  const found = fields.find((f) => f.id === id);
  const lines = fields.filter((f) => f.type === LINE_TYPE);
  if (!found) {
    c.fail(
      name,
      title,
      'config',
      `Planfix has no ${kind} custom field ${id} (${key})`,
      lines.length > 0
        ? `set ${key} to one of the ${kind} Line fields: ${listed(lines)}; or create a Line field on ${kind}s and add it to the ${kind} template`
        : `create a Line field on ${kind}s, add it to the ${kind} template, and set ${key} to its id`,
    );
  } else if (found.type !== LINE_TYPE) {
    const instead = lines.length > 0 ? `use one of ${listed(lines)}, or create one` : `create one, add it to the ${kind} template and set ${key} to its id`;
    c.warn(name, title, `${key} ${id} «${found.name}» exists but is of type ${found.type}, not Line (0)`, `fbsync finds ${kind}s by this field's exact text, which needs a Line field: ${instead}`);
  } else {
    c.pass(name, title, `${key} ${id} «${found.name}» exists (Line)`);
  }
}

// ---- output ----

const MARK: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

function print(report: DoctorReport, options: { json?: boolean }, output: Output): void {
  if (options.json) {
    output.json(report);
    return;
  }
  const paint = paintFor(output.jsonMode ? process.stderr : process.stdout);
  const mark: Record<CheckStatus, string> = { pass: paint.good(MARK.pass), warn: paint.warn(MARK.warn), fail: paint.bad(MARK.fail), skip: paint.dim(MARK.skip) };
  const width = Math.max(...report.checks.map((r) => r.title.length));
  for (const r of report.checks) {
    const indent = `  ${' '.repeat(width)}  `;
    const [first, ...more] = r.detail.split('\n');
    output.out(`${mark[r.status]} ${r.title.padEnd(width)}  ${first}`);
    for (const line of more) output.out(`${indent}${line}`);
    if (r.fix && r.status !== 'pass') r.fix.split('\n').forEach((line, i) => output.out(`${indent}${i === 0 ? 'fix: ' : '     '}${line}`));
  }
  const failed = report.checks.filter((r) => r.status === 'fail').length;
  const warned = report.checks.filter((r) => r.status === 'warn').length;
  const skipped = report.checks.filter((r) => r.status === 'skip').length;
  output.out('');
  if (report.ok) output.out(paint.good(`All checks passed${warned ? ` (${plural(warned, 'warning')})` : ''}.`));
  else output.out(paint.bad(`${plural(failed, 'check')} failed${skipped ? `, ${skipped} skipped` : ''}${warned ? `, ${plural(warned, 'warning')}` : ''} (exit ${report.exitCode}).`));
}
