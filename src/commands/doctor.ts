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
import type { PfCustomField, PfTemplate, PlanfixClient } from '../planfix/planfix-client.js';
import { schemaVersion } from '../store/migrations.js';
import { Store } from '../store/store.js';
import { DAY_MS } from '../time.js';
import { makeGraphClient, makePlanfixClient, tokenMetaKeys } from './session.js';
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
const SOON_MS = 7 * DAY_MS;

/** A check's stable id (`facebook.permissions`) and what it checks, for people. */
interface Check {
  name: string;
  title: string;
}

const check = (name: string, title: string): Check => ({ name, title });

/** Every check doctor makes: the one place its name and title are written. */
const CHECK = {
  config: check('config', 'configuration'),
  placeholders: check('config.placeholders', 'values filled in'),
  store: check('store', 'store'),
  storePermissions: check('store.permissions', 'store readable by the owner only'),
  pageToken: check('facebook.pageToken', 'Page token present'),
  token: check('facebook.token', 'Page token valid'),
  permissions: check('facebook.permissions', 'permissions for this Page'),
  page: check('facebook.page', 'Page reachable'),
  planfixToken: check('planfix.token', 'Planfix token'),
  taskTemplate: check('planfix.taskTemplate', 'task template'),
  contactTemplate: check('planfix.contactTemplate', 'contact template'),
  taskField: check('planfix.fields.taskPostId', 'task field for the post id'),
  contactField: check('planfix.fields.contactFacebookId', 'contact field for the Facebook id'),
};

const RECONNECT = 'run `fbsync reconnect`';

interface Recorded extends CheckResult {
  kind?: FailureKind;
  /** The side could not be reached at all. */
  network?: boolean;
}

class Checklist {
  /** `scope` renames the checks recorded through this list (one Page of several); the results are shared. */
  constructor(
    readonly results: Recorded[] = [],
    private readonly scope: (check: Check) => Check = (check) => check,
  ) {}

  /** The Facebook checks of one Page of several: names `facebook.token[ID]`, titles "… (Page ID)"; the same results. */
  forPage(pageId: string): Checklist {
    return new Checklist(this.results, (check) => ({ name: `${check.name}[${pageId}]`, title: `${check.title} (Page ${pageId})` }));
  }

  pass(check: Check, detail: string): void {
    this.results.push({ ...this.scope(check), ok: true, status: 'pass', detail });
  }

  warn(check: Check, detail: string, fix: string): void {
    this.results.push({ ...this.scope(check), ok: true, status: 'warn', detail, fix });
  }

  fail(check: Check, kind: FailureKind, detail: string, fix: string): void {
    this.results.push({ ...this.scope(check), ok: false, status: 'fail', detail, fix, kind });
  }

  skip(check: Check, needs: string): void {
    this.results.push({ ...this.scope(check), ok: false, status: 'skip', detail: `skipped: needs ${needs}` });
  }

  /** A remote call's failure as a check result. Errors that are not the remote's or the configuration's are bugs: rethrown. */
  failFrom(check: Check, error: unknown, fixes: { credentials: string; config?: string; remote?: string }): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof AuthError || error instanceof PermissionError) return this.fail(check, 'credentials', message, fixes.credentials);
    if (error instanceof ConfigError || error instanceof StoreError || error instanceof NotFoundError || error instanceof RefusedError) {
      return this.fail(check, 'config', message, fixes.config ?? 'correct the configuration key the message names, then run `fbsync doctor` again');
    }
    if (error instanceof NetworkError) {
      this.fail(check, 'remote', message, `${error.fix}; then run \`fbsync doctor\` again`);
      this.results.at(-1)!.network = true;
      return;
    }
    if (error instanceof RemoteError) return this.fail(check, 'remote', message, fixes.remote ?? 'a passing problem (network, rate limit): run `fbsync doctor` again later');
    throw error;
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

/** What the Facebook checks of one Page learn, each from the one before. */
interface PageState {
  page: PageConfig;
  /** The Page token reconnect stored, if any. */
  stored: string | undefined;
  token?: string;
  info?: TokenInfo;
}

/** A check in a table: what it records, what it needs from the checks before it (else it is skipped), and how it runs. */
interface Step<S> {
  check: Check;
  needs?: { what: string; met: (state: S) => boolean };
  run: (c: Checklist, config: Config, state: S) => void | Promise<void>;
}

/** Runs the table in order; a step whose need is not met is recorded as skipped. */
async function runSteps<S>(steps: readonly Step<S>[], c: Checklist, config: Config, state: S): Promise<void> {
  for (const step of steps) {
    if (step.needs && !step.needs.met(state)) c.skip(step.check, step.needs.what);
    else await step.run(c, config, state);
  }
}

const VALID_TOKEN = { what: 'a valid Page token', met: (s: PageState) => s.token !== undefined && s.info !== undefined };

/** The Facebook checks, once per Page. */
const PAGE_STEPS: readonly Step<PageState>[] = [
  { check: CHECK.pageToken, run: (c, _config, s) => void (s.token = checkTokenPresent(c, s.page, s.stored)) },
  { check: CHECK.token, needs: { what: 'a Page token', met: (s) => s.token !== undefined }, run: async (c, config, s) => void (s.info = await checkTokenValid(c, config, s.page, s.token!)) },
  { check: CHECK.permissions, needs: VALID_TOKEN, run: (c, _config, s) => checkPermissions(c, s.page, s.info!) },
  { check: CHECK.page, needs: VALID_TOKEN, run: (c, config, s) => checkPage(c, config, s.page, s.token!) },
];

/** What the Planfix checks after the token share: the client, and the fix for a token that may not read. */
interface PlanfixState {
  pf: PlanfixClient;
  tokenFix: string;
}

/** The Planfix checks that need a working token: templates, then the custom fields. */
const PLANFIX_STEPS: readonly Step<PlanfixState>[] = [
  {
    check: CHECK.taskTemplate,
    run: async (c, config, { pf, tokenFix }) => {
      await checkTemplate(c, CHECK.taskTemplate, 'planfix.taskTemplateId', config.planfix.taskTemplateId, () => pf.listTaskTemplates(), tokenFix);
      // Several Pages: a Page with its own task template has it checked too.
      for (const page of config.pages.filter((p) => p.taskTemplateId !== config.planfix.taskTemplateId)) {
        const check = { ...CHECK.taskTemplate, name: `${CHECK.taskTemplate.name}[${page.pageId}]` };
        await checkTemplate(c, check, `${page.key}.taskTemplateId`, page.taskTemplateId, () => pf.listTaskTemplates(), tokenFix);
      }
    },
  },
  {
    check: CHECK.contactTemplate,
    run: (c, config, { pf, tokenFix }) => checkTemplate(c, CHECK.contactTemplate, 'planfix.contactTemplateId', config.planfix.contactTemplateId, () => pf.listContactTemplates(), tokenFix),
  },
  {
    check: CHECK.taskField,
    run: (c, config, { pf, tokenFix }) => checkField(c, CHECK.taskField, 'task', 'planfix.fields.taskPostId', config.planfix.fields.taskPostId, () => pf.listCustomFields('task'), tokenFix),
  },
  {
    check: CHECK.contactField,
    run: (c, config, { pf, tokenFix }) =>
      checkField(c, CHECK.contactField, 'contact', 'planfix.fields.contactFacebookId', config.planfix.fields.contactFacebookId, () => pf.listCustomFields('contact'), tokenFix),
  },
];

export async function runDoctor(config: Config): Promise<DoctorReport> {
  const c = new Checklist();
  c.pass(CHECK.config, `loaded from ${config.filepath} (${config.pages.length > 1 ? 'Pages' : 'Page'} ${config.pages.map((p) => p.pageId).join(', ')}, ${config.facebook.graphUrl} ${config.facebook.apiVersion}; Planfix ${config.planfix.url})`);
  const unfilled = placeholders(config);
  if (unfilled.length > 0) {
    c.fail(CHECK.placeholders, 'config', `not filled in: ${describePlaceholders(unfilled)}`, `put your own values in ${config.filepath} (config.example.yaml says where each one is found)`);
  }

  const storedToken = checkStore(c, config);
  // Several Pages: the Facebook checks once per Page, named `facebook.token[ID]` and so on.
  for (const page of config.pages) {
    await runSteps(PAGE_STEPS, config.pages.length > 1 ? c.forPage(page.pageId) : c, config, { page, stored: storedToken(page.pageId) });
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
  c.fail(CHECK.config, 'config', error.message, fix);
  for (const check of [CHECK.store, ...PAGE_STEPS.map((s) => s.check), CHECK.planfixToken]) c.skip(check, 'a configuration');
  const report = c.report();
  print(report, options, output);
  return report.exitCode;
}

// ---- the checks ----

/** Returns the Page tokens stored by reconnect, by Page, as far as the store has them. */
function checkStore(c: Checklist, config: Config): (pageId: string) => string | undefined {
  const file = config.store.path;
  const none = () => undefined;
  if (!fs.existsSync(file)) {
    c.warn(
      CHECK.store,
      `no store yet at ${file}`,
      'none needed before the first `fbsync reconnect` or `fbsync run`, which create it; if fbsync has run before, check store.path (relative to the configuration file)',
    );
    c.skip(CHECK.storePermissions, 'a store');
    return none;
  }
  let store: Store;
  try {
    store = Store.open(file, { readonly: true });
  } catch (error) {
    c.failFrom(CHECK.store, error, { credentials: '', config: 'point store.path at the right file, or move this one aside (a new store is made by the next run)' });
    c.skip(CHECK.storePermissions, 'a readable store');
    return none;
  }
  try {
    const version = checkSchema(c, store, file);
    checkStoreMode(c, store, file);
    if (version === 0) return none;
    const tokens = new Map(config.pages.map((p) => [p.pageId, store.getMeta(tokenMetaKeys(config, p.pageId).token)]));
    return (pageId) => tokens.get(pageId);
  } finally {
    store.close();
  }
}

/** Returns the store's schema version (0: a new, empty file). */
function checkSchema(c: Checklist, store: Store, file: string): number {
  const version = store.db.pragma('user_version', { simple: true }) as number;
  if (version < schemaVersion) c.warn(CHECK.store, `${file}: schema ${version}, this fbsync uses ${schemaVersion}`, 'nothing to do: the next `fbsync run` upgrades it');
  else c.pass(CHECK.store, `${file}: readable, schema ${version}`);
  return version;
}

function checkStoreMode(c: Checklist, store: Store, file: string): void {
  if (!store.permissionWarning) return c.pass(CHECK.storePermissions, 'mode 600');
  const mode = (fs.statSync(file).mode & 0o777).toString(8);
  c.warn(CHECK.storePermissions, `mode ${mode}: other users can read the tokens in it`, `chmod 600 ${file}`);
}

function checkTokenPresent(c: Checklist, page: PageConfig, stored: string | undefined): string | undefined {
  const key = tokenKey(page);
  if (stored) {
    const shadowed = page.pageAccessToken ? `; ${key} in the configuration is not used` : '';
    c.pass(CHECK.pageToken, `stored by \`fbsync reconnect\` in the store${shadowed}`);
    return stored;
  }
  if (page.pageAccessToken) {
    c.pass(CHECK.pageToken, `from the configuration (${key})`);
    return page.pageAccessToken;
  }
  c.fail(CHECK.pageToken, 'credentials', `no Page access token: none in the store, and ${key} is not set`, RECONNECT);
  return undefined;
}

/** Why a token debug_token describes is not this Page's token for this app, in the order asked; undefined: it is. */
const TOKEN_REFUSALS: readonly ((info: TokenInfo, config: Config, page: PageConfig) => { detail: string; fix: string } | undefined)[] = [
  (info) => (info.isValid ? undefined : { detail: `Facebook says the token is not valid: ${info.error?.message ?? 'no reason given'}`, fix: RECONNECT }),
  (info, config) =>
    info.appId && info.appId !== config.facebook.appId
      ? { detail: `the token belongs to app ${info.appId}, not to facebook.appId ${config.facebook.appId}`, fix: `check facebook.appId, or ${RECONNECT}` }
      : undefined,
  (info) => (info.type !== 'PAGE' ? { detail: `this is a ${info.type || 'non-Page'} token, not a Page access token`, fix: `${RECONNECT} (it exchanges a user token for the Page token)` } : undefined),
  (info, _config, page) =>
    info.profileId && info.profileId !== page.pageId
      ? { detail: `the token is of Page ${info.profileId}, not of ${pageIdKey(page)} ${page.pageId}`, fix: `check ${pageIdKey(page)}, or ${RECONNECT}` }
      : undefined,
];

async function checkTokenValid(c: Checklist, config: Config, page: PageConfig, token: string): Promise<TokenInfo | undefined> {
  let info: TokenInfo;
  try {
    info = await makeOAuthClient(config).debugToken(token);
  } catch (error) {
    c.failFrom(CHECK.token, error, { credentials: 'check facebook.appId and facebook.appSecret (App settings → Basic in the app dashboard)' });
    return undefined;
  }
  const refused = TOKEN_REFUSALS.map((refusal) => refusal(info, config, page)).find((r) => r !== undefined);
  if (refused) {
    c.fail(CHECK.token, 'credentials', refused.detail, refused.fix);
    return undefined;
  }
  checkTokenExpiry(c, info);
  return info;
}

/** A token that expires, or whose data access ends within a week, is a warning. */
function checkTokenExpiry(c: Checklist, info: TokenInfo): void {
  const detail = `valid Page token; expires: ${formatExpiry(info.expiresAt)}; data access until: ${info.dataAccessExpiresAt ? info.dataAccessExpiresAt.toISOString() : 'not reported'}`;
  const now = Date.now();
  if (info.expiresAt) {
    c.warn(CHECK.token, detail, `${RECONNECT} for a Page token that does not expire`);
  } else if (info.dataAccessExpiresAt && info.dataAccessExpiresAt.getTime() - now < SOON_MS) {
    c.warn(CHECK.token, detail, `data access ${info.dataAccessExpiresAt.getTime() < now ? 'has ended' : 'ends soon'}: ${RECONNECT} to renew it`);
  } else {
    c.pass(CHECK.token, detail);
  }
}

function checkPermissions(c: Checklist, page: PageConfig, info: TokenInfo): void {
  const pageId = page.pageId;
  const missing = missingPagePermissions(info, pageId);
  if (missing.length === 0) {
    c.pass(CHECK.permissions, 'pages_show_list, pages_read_engagement, pages_read_user_content, pages_manage_engagement granted for this Page');
    return;
  }
  const described = missing.map((m) => describeMissing(m, pageId, 'stored'));
  c.fail(CHECK.permissions, 'credentials', described.map((d) => d.problem).join('; '), [...new Set(described.map((d) => d.fix))].join('; '));
}

async function checkPage(c: Checklist, config: Config, page: PageConfig, token: string): Promise<void> {
  try {
    const fb = makeGraphClient(config, token, undefined, page.pageId);
    let latest: { id: string; createdTime: string } | undefined;
    for await (const posts of fb.listPosts({ pageSize: 1 })) {
      latest = posts[0];
      break;
    }
    c.pass(CHECK.page, latest ? `read the feed of Page ${page.pageId} (latest post ${latest.id}, ${latest.createdTime})` : `read the feed of Page ${page.pageId} (no posts yet)`);
  } catch (error) {
    c.failFrom(CHECK.page, error, {
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
    c.pass(CHECK.planfixToken, `accepted by ${config.planfix.url}`);
  } catch (error) {
    c.failFrom(CHECK.planfixToken, error, { credentials: tokenFix, config: 'check planfix.url (the account address, e.g. https://example.planfix.com, without /rest)' });
    for (const step of PLANFIX_STEPS) c.skip(step.check, 'a working Planfix token');
    return;
  }
  await runSteps(PLANFIX_STEPS, c, config, { pf, tokenFix });
}

const listed = <T extends { id: number; name: string }>(items: T[], describe: (t: T) => string = (t) => `${t.id} «${t.name}»`) =>
  items.length === 0 ? 'none' : items.slice(0, 12).map(describe).join(', ') + (items.length > 12 ? `, … (${items.length} in all)` : '');

/** The check's title is the noun: "task template", "contact template". */
async function checkTemplate(c: Checklist, check: Check, key: string, id: number, list: () => Promise<PfTemplate[]>, tokenFix: string): Promise<void> {
  const noun = check.title;
  let templates: PfTemplate[];
  try {
    templates = await list();
  } catch (error) {
    c.failFrom(check, error, { credentials: `${tokenFix}; it needs to read ${noun}s` });
    return;
  }
  const found = templates.find((t) => t.id === id);
  if (found) c.pass(check, `${key} ${id} «${found.name}» exists`);
  else c.fail(check, 'config', `Planfix has no ${noun} ${id} (${key})`, `set ${key} to one of the account's ${noun}s: ${listed(templates)}`);
}

async function checkField(c: Checklist, check: Check, kind: 'task' | 'contact', key: string, id: number, list: () => Promise<PfCustomField[]>, tokenFix: string): Promise<void> {
  let fields: PfCustomField[];
  try {
    fields = await list();
  } catch (error) {
    c.failFrom(check, error, { credentials: `${tokenFix}; it needs to read custom fields` });
    return;
  }
  const found = fields.find((f) => f.id === id);
  const lines = fields.filter((f) => f.type === LINE_TYPE);
  if (!found) {
    c.fail(
      check,
      'config',
      `Planfix has no ${kind} custom field ${id} (${key})`,
      lines.length > 0
        ? `set ${key} to one of the ${kind} Line fields: ${listed(lines)}; or create a Line field on ${kind}s and add it to the ${kind} template`
        : `create a Line field on ${kind}s, add it to the ${kind} template, and set ${key} to its id`,
    );
  } else if (found.type !== LINE_TYPE) {
    const instead = lines.length > 0 ? `use one of ${listed(lines)}, or create one` : `create one, add it to the ${kind} template and set ${key} to its id`;
    c.warn(check, `${key} ${id} «${found.name}» exists but is of type ${found.type}, not Line (0)`, `fbsync finds ${kind}s by this field's exact text, which needs a Line field: ${instead}`);
  } else {
    c.pass(check, `${key} ${id} «${found.name}» exists (Line)`);
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
