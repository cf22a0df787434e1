// `fbsync reconnect` (behaviour.md § The commands; api-notes-facebook.md §6): get a user token —
// through Facebook Login with a local callback page, or pasted — exchange it for a long-lived one,
// get the Page token of facebook.pageId, check that every needed permission is granted for this
// Page, verify the Planfix token, and store the Page token (and its expiry facts) in the store.
//
// Environment knobs:
//   FBSYNC_DIALOG_URL         base of the login dialog (default https://www.facebook.com; tests point it elsewhere)
//   FBSYNC_OAUTH_TIMEOUT_MS   how long to wait for the browser to come back (default 300000 = 5 min)

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Config, type PageConfig, pageIdKey, tokenKey } from '../config/types.js';
import { type MissingPermission, type OAuthClient, type TokenInfo, REQUIRED_PAGE_PERMISSIONS, loginDialogUrl, missingPagePermissions } from '../facebook/oauth.js';
import { AuthError, NetworkError, RefusedError, RemoteError } from '../http/errors.js';
import { ConfigError, LockedError } from '../errors.js';
import { registerSecret } from '../http/secrets.js';
import { StoreLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { makePlanfixClient, tokenMetaKeys } from './session.js';
import { MINUTE_MS, SECOND_MS } from '../time.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { type TokenRoute, describeMissing, formatExpiry, makeOAuthClient, storedTokenInfo } from './facebook-token.js';
import { type CallbackAnswer, startCallbackServer } from './oauth-callback.js';
import { paintFor } from './colour.js';
import type { Output } from './output.js';
import { readSecretLine } from './prompt.js';

export interface ReconnectOptions {
  /** A short-lived user token pasted from the Graph API Explorer; '-' reads it from stdin. */
  token?: string;
  /** Port of the local OAuth callback server (0 = any free port). */
  port?: number;
  /** Do not try to open a browser. */
  noBrowser?: boolean;
}

export const DEFAULT_OAUTH_TIMEOUT_MS = 5 * 60_000;

export async function reconnectCommand(config: Config, options: ReconnectOptions, output: Output): Promise<number> {
  const oauth = makeOAuthClient(config);
  try {
    let userToken: string;
    let route: TokenRoute;
    if (options.token !== undefined) {
      if (options.port !== undefined) throw new ConfigError('--port is for the login through the browser; leave it out with --token.', '--port');
      route = 'pasted';
      userToken = options.token === '-' ? await readTokenFromStdin() : checkToken(options.token);
      if (options.token !== '-') output.err('hint: a token on the command line is visible to other users (ps, shell history); prefer `fbsync reconnect --token -` and paste it on stdin.');
    } else {
      route = 'login';
      const login = await loginThroughBrowser(config, oauth, options, output);
      if (typeof login === 'number') return login;
      userToken = login;
    }
    return await connect(config, oauth, userToken, route, output);
  } catch (error) {
    // Facebook refusing the login code for its redirect URI is a refusal of credentials here, not a failed item.
    if (error instanceof RefusedError && error.side === 'facebook') {
      output.err(`fbsync: ${error.message}`);
      return EXIT.credentials;
    }
    throw error;
  }
}

/** From a short-lived (or long-lived) user token to a stored Page token (one per configured Page). */
async function connect(config: Config, oauth: OAuthClient, userToken: string, route: TokenRoute, output: Output): Promise<number> {
  const long = await oauth.exchangeForLongLived(userToken);

  // The user grant first: a Page not selected in the dialog is named here, before Facebook refuses its token.
  const userInfo = await oauth.debugToken(long.accessToken);
  if (!userInfo.isValid) {
    throw new AuthError('facebook', `Facebook says the new user token is not valid (${userInfo.error?.message ?? 'no reason given'}). Run \`fbsync reconnect\` again.`);
  }
  const grants = await grantPages(config, oauth, long.accessToken, userInfo, route, output);
  if (typeof grants === 'number') return grants;
  const { granted, notGranted } = grants;
  if (granted.length === 0) {
    output.err('fbsync: Facebook gave no token for any configured Page; nothing was stored.');
    for (const n of notGranted) output.err(`  ${paintFor(process.stderr).bad('✗')} Page ${n.page.pageId}: ${n.problem}`);
    return EXIT.credentials;
  }

  // Planfix next; a refusal there does not undo a good Facebook login: the Page token is stored anyway.
  const planfixProblem = await planfixRefusal(config);
  const locked = storeTokens(config, granted, output);
  if (locked !== undefined) return locked;

  printConnected(config, granted, output);
  for (const n of notGranted) {
    output.err(`fbsync: no token for Page ${n.page.pageId} (${n.page.key}): ${n.problem}`);
    output.err(`  fix: run \`fbsync reconnect\` again logged in as someone with a role on Page ${n.page.pageId}, and select it where Facebook asks which Pages fbsync may use`);
  }
  if (planfixProblem) {
    output.out('  Planfix:      NOT OK (see below)');
    output.err(`fbsync: the Facebook token was stored, but Planfix failed: ${(planfixProblem as Error).message}`);
    return exitCodeOf(planfixProblem);
  }
  output.out(`  Planfix:      token OK (${config.planfix.url})`);
  if (notGranted.length > 0) return EXIT.credentials;
  output.out('Next: `fbsync doctor` checks the rest of the setup; then `fbsync run`.');
  return EXIT.ok;
}

interface NotGranted {
  page: PageConfig;
  problem: string;
}

/**
 * The Page token of each configured Page. With one Page, a missing permission is reported here
 * (the exit code is returned); with several, a Page that cannot be granted is listed in
 * `notGranted` and the others go on.
 */
async function grantPages(
  config: Config,
  oauth: OAuthClient,
  userToken: string,
  userInfo: TokenInfo,
  route: TokenRoute,
  output: Output,
): Promise<{ granted: Granted[]; notGranted: NotGranted[] } | number> {
  const several = config.pages.length > 1;
  const granted: Granted[] = [];
  const notGranted: NotGranted[] = [];
  for (const page of config.pages) {
    let got: Granted | MissingPermission[];
    try {
      got = await grantPage(oauth, userToken, userInfo, page);
    } catch (error) {
      // One Page the login cannot manage must not cost the others their tokens.
      if (!several || !(error instanceof RemoteError) || error instanceof NetworkError) throw error;
      notGranted.push({ page, problem: (error as Error).message });
      continue;
    }
    if (!Array.isArray(got)) granted.push(got);
    else if (!several) return reportMissing(got, page.pageId, route, output);
    else notGranted.push({ page, problem: got.map((m) => describeMissing(m, page.pageId, route).problem).join('; ') });
  }
  return { granted, notGranted };
}

/** Planfix's refusal of its token (or configuration), if any; other errors are thrown. */
async function planfixRefusal(config: Config): Promise<unknown> {
  try {
    await makePlanfixClient(config).ping();
    return undefined;
  } catch (error) {
    if (!(error instanceof RemoteError) && !(error instanceof ConfigError)) throw error;
    return error;
  }
}

/** What was stored, per Page: its name, token expiry and permissions. */
function printConnected(config: Config, granted: Granted[], output: Output): void {
  for (const { page, token, info } of granted) {
    const pageName = token.name ? `"${token.name}" (${token.id})` : token.id;
    output.out(`Connected the Facebook Page ${pageName}.`);
    output.out(`  Page token:   stored in ${config.store.path}; expires: ${formatExpiry(info.expiresAt)}; data access until: ${formatExpiry(info.dataAccessExpiresAt)}`);
    output.out(`  Permissions:  ${REQUIRED_PAGE_PERMISSIONS.join(', ')} — all granted for this Page`);
    if (info.expiresAt) {
      output.err(`${paintFor(process.stderr).warn('warning:')} the token of Page ${page.pageId} expires at ${info.expiresAt.toISOString()}; Facebook normally gives a Page token that never expires — run \`fbsync reconnect\` again if it keeps happening.`);
    }
    if (page.pageAccessToken) {
      output.out(`  Note:         ${tokenKey(page)} in the configuration is no longer used (the stored token wins); you may remove it.`);
    }
  }
}

interface Granted {
  page: PageConfig;
  token: { id: string; name?: string; accessToken: string };
  info: TokenInfo;
}

/** One Page's token from the long-lived user token, checked; or the permissions it lacks. */
async function grantPage(oauth: OAuthClient, userToken: string, userInfo: TokenInfo, page: PageConfig): Promise<Granted | MissingPermission[]> {
  const pageId = page.pageId;
  const userMissing = missingPagePermissions(userInfo, pageId);
  if (userMissing.length > 0) return userMissing;
  const token = await oauth.getPageToken(userToken, pageId);
  registerSecret(token.accessToken);
  const info = await oauth.debugToken(token.accessToken);
  checkPageTokenInfo(info, page);
  const missing = missingPagePermissions(info, pageId);
  return missing.length > 0 ? missing : { page, token, info };
}

function checkPageTokenInfo(info: TokenInfo, page: PageConfig): void {
  const pageId = page.pageId;
  if (!info.isValid) {
    throw new AuthError('facebook', `Facebook says the Page token it just gave is not valid (${info.error?.message ?? 'no reason given'}). Run \`fbsync reconnect\` again.`);
  }
  if (info.type && info.type !== 'PAGE') {
    throw new AuthError('facebook', `Facebook gave a ${info.type} token where a Page token was expected. Run \`fbsync reconnect\` again, logging in as someone with a role on Page ${pageId}.`);
  }
  if (info.profileId && info.profileId !== pageId) {
    throw new AuthError('facebook', `Facebook gave a token of Page ${info.profileId}, not of ${pageIdKey(page)} ${pageId}. Check ${pageIdKey(page)}, then run \`fbsync reconnect\` again.`);
  }
}

function reportMissing(missing: MissingPermission[], pageId: string, route: TokenRoute, output: Output): number {
  output.err(`fbsync: Facebook did not grant everything fbsync needs on Page ${pageId}; nothing was stored.`);
  for (const m of missing) {
    const { problem, fix } = describeMissing(m, pageId, route);
    output.err(`  ${paintFor(process.stderr).bad('✗')} ${problem}`);
    output.err(`    fix: ${fix}`);
  }
  return EXIT.credentials;
}

/** Under the store lock, each Page's token under its keys; returns an exit code when the lock is held. */
function storeTokens(config: Config, granted: Granted[], output: Output): number | undefined {
  fs.mkdirSync(path.dirname(config.store.path), { recursive: true });
  let lock: StoreLock;
  try {
    lock = StoreLock.acquire(config.store.path);
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    output.err(`fbsync: another fbsync run holds the lock of ${config.store.path}; the new token was not stored. Run \`fbsync reconnect\` again once it has finished.`);
    return EXIT.locked;
  }
  try {
    const store = Store.open(config.store.path);
    try {
      if (store.permissionWarning) output.err(store.permissionWarning);
      store.transaction(() => {
        for (const { page, token, info } of granted) {
          const keys = tokenMetaKeys(config, page.pageId);
          store.setMeta(keys.token, token.accessToken);
          store.setMeta(keys.info, JSON.stringify(storedTokenInfo(info)));
        }
      });
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
  return undefined;
}

// ---- the two ways in ----

async function loginThroughBrowser(config: Config, oauth: OAuthClient, options: ReconnectOptions, output: Output): Promise<string | number> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be a port number (1–65535), got ${String(options.port)}`, '--port');
  const state = randomBytes(24).toString('base64url');
  const server = await startCallbackServer({ port, state, onIgnored: (why) => output.err(`ignored ${why}; still waiting…`) });
  try {
    const url = loginDialogUrl({
      appId: config.facebook.appId,
      apiVersion: config.facebook.apiVersion,
      redirectUri: server.redirectUri,
      state,
      scopes: REQUIRED_PAGE_PERMISSIONS,
      dialogBase: process.env.FBSYNC_DIALOG_URL || undefined,
      rerequest: true,
    });
    const timeoutMs = oauthTimeoutMs();
    printLoginInstructions(config, url, server.redirectUri, Boolean(options.port), timeoutMs, output);
    if (!options.noBrowser && process.stdout.isTTY) openBrowser(url);

    const answer = await server.wait(timeoutMs);
    if (answer.kind !== 'code') {
      output.err(unsuccessfulLogin(answer, config, timeoutMs));
      return EXIT.credentials;
    }
    output.out('Login received; checking the token…');
    // redirect_uri byte-identical to the dialog's.
    const grant = await oauth.exchangeCode({ code: answer.code, redirectUri: server.redirectUri });
    return grant.accessToken;
  } finally {
    await server.close();
  }
}

/** "Page 1048…" or "Pages 1048…, 2048…": what the login must select. */
function pagesNamed(config: Config): string {
  return config.pages.length > 1 ? `Pages ${config.pages.map((p) => p.pageId).join(', ')}` : `Page ${config.pages[0]!.pageId}`;
}

/** The address to open, where the login comes back, and (`fixedPort`) what an app in Live mode must list. */
function printLoginInstructions(config: Config, url: string, redirectUri: string, fixedPort: boolean, timeoutMs: number, output: Output): void {
  output.out(`Open this address in a browser and log in with Facebook; select ${pagesNamed(config)} and keep every permission ticked:`);
  output.out('');
  output.out(`  ${url}`);
  output.out('');
  output.out(`Waiting for the login to come back to ${redirectUri} (up to ${formatDuration(timeoutMs)}; Ctrl-C to give up).`);
  output.out(
    fixedPort
      ? `(An app in Live mode must list ${redirectUri} under "Valid OAuth Redirect URIs" in its Facebook Login settings.)`
      : '(An app in Live mode accepts only listed addresses: add e.g. http://localhost:8765/callback under "Valid OAuth Redirect URIs" in its Facebook Login settings and run `fbsync reconnect --port 8765`.)',
  );
}

/** The message for a login that brought no code back: it timed out, was declined, or Facebook answered with an error. */
function unsuccessfulLogin(answer: Exclude<CallbackAnswer, { kind: 'code' }>, config: Config, timeoutMs: number): string {
  switch (answer.kind) {
    case 'timeout':
      return `fbsync: no login came back within ${formatDuration(timeoutMs)}; nothing was stored. Run \`fbsync reconnect\` again (or paste a token: \`fbsync reconnect --token -\`).`;
    case 'denied':
      return (
        `fbsync: the Facebook login was cancelled or the permissions were declined${answer.description ? ` (${answer.description})` : ''}; nothing was stored.\n` +
        `  fbsync needs ${REQUIRED_PAGE_PERMISSIONS.join(', ')} on ${pagesNamed(config)}. Run \`fbsync reconnect\` again, choose Continue, select the Page and leave every permission ticked.`
      );
    case 'error':
      return (
        `fbsync: Facebook answered the login with an error: ${answer.error}${answer.reason ? ` (${answer.reason})` : ''}${answer.description ? `: ${answer.description}` : ''}; nothing was stored. ` +
        'Check facebook.appId and the app\'s Facebook Login settings, then run `fbsync reconnect` again.'
      );
  }
}

function oauthTimeoutMs(): number {
  const value = Number(process.env.FBSYNC_OAUTH_TIMEOUT_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_OAUTH_TIMEOUT_MS;
}

function formatDuration(ms: number): string {
  return ms >= MINUTE_MS ? `${Math.round(ms / MINUTE_MS)} min` : `${Math.max(1, Math.round(ms / SECOND_MS))} s`;
}

/** Best effort: a missing opener or a headless machine is fine, the address is printed. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // nothing to do: the address is on the screen
  }
}

async function readTokenFromStdin(): Promise<string> {
  let text: string;
  if (process.stdin.isTTY) {
    text = await readSecretLine('Paste the user access token (from the Graph API Explorer; it is not shown) and press Enter: ');
  } else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    text = Buffer.concat(chunks).toString('utf8');
  }
  return checkToken(text);
}

function checkToken(raw: string): string {
  const token = raw.trim();
  if (token === '') throw new ConfigError('No token given: pass it on stdin with `--token -` (or run `fbsync reconnect` without --token to log in through the browser).', '--token');
  registerSecret(token);
  if (/\s/.test(token)) throw new ConfigError('The token given has spaces or several lines in it; paste only the access token.', '--token');
  return token;
}
