// Login and token calls for `fbsync reconnect` and `fbsync doctor` (api-notes-facebook.md §6).
// Same URLs, signing, paging and error mapping as the Page client (graph-api.ts); OAuth's own
// refusals (a code used twice, a redirect URI that differs from the dialog's) get messages that say
// what to do.

import type { BackoffPolicy } from '../http/backoff.js';
import { type HttpRequest, type HttpResponse, parseJson } from '../http/client.js';
import { AuthError, MalformedResponseError, RefusedError, RemoteError, PermissionError, ThrottledError, TransientError } from '../http/errors.js';
import { redact, registerSecret } from '../http/secrets.js';
import { apiUrl, pathOf } from '../http/url.js';
import { GraphApi } from './graph-api.js';
import { describeRequest, readGraphError } from './graph-errors.js';
import { type At, type Json, array, at, child, object, optBoolean, optNumber, optString, parseList, string } from './parse.js';

export interface OAuthClientOptions {
  graphUrl: string;
  apiVersion: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  backoff?: BackoffPolicy;
}

/** What fbsync needs on the Page (notes §6 "Permissions for fbsync"). */
export const REQUIRED_PAGE_PERMISSIONS: readonly string[] = ['pages_show_list', 'pages_read_engagement', 'pages_read_user_content', 'pages_manage_engagement'];

export const DEFAULT_DIALOG_BASE = 'https://www.facebook.com';

export interface TokenGrant {
  accessToken: string;
  tokenType?: string;
  /** Seconds from the exchange; absent for tokens that do not expire. */
  expiresInSeconds?: number;
  expiresAt?: Date;
}

export interface PageToken {
  id: string;
  name: string;
  accessToken: string;
  /** MODERATE, CREATE_CONTENT, … when the answer came from /me/accounts. */
  tasks?: string[];
}

export interface GranularScope {
  scope: string;
  /** The Pages (or other objects) the person selected for this permission; absent = not object-scoped. */
  targetIds?: string[];
}

export interface TokenInfo {
  /** PAGE, USER, APP, SYSTEM_USER … ('' when debug_token does not say). */
  type: string;
  isValid: boolean;
  appId?: string;
  application?: string;
  /** undefined when the token never expires (`expires_at: 0`). */
  expiresAt?: Date;
  /** End of the 90-day data-access window of the person's grant (undefined for 0). */
  dataAccessExpiresAt?: Date;
  issuedAt?: Date;
  scopes: string[];
  granularScopes: GranularScope[];
  profileId?: string;
  userId?: string;
  /** Why the token is invalid, as debug_token says. */
  error?: { code?: number; subcode?: number; message: string };
}

export interface MissingPermission {
  permission: string;
  reason: 'not granted' | 'not granted for this Page';
}

export interface LoginDialogOptions {
  appId: string;
  apiVersion: string;
  redirectUri: string;
  state: string;
  scopes: readonly string[];
  /** Default https://www.facebook.com; tests point it elsewhere. */
  dialogBase?: string;
  /** Ask again for permissions the person declined before (`auth_type=rerequest`). */
  rerequest?: boolean;
}

/** The Facebook Login dialog URL (notes §6 "OAuth login"). */
export function loginDialogUrl(options: LoginDialogOptions): string {
  const base = (options.dialogBase ?? DEFAULT_DIALOG_BASE).replace(/\/+$/, '');
  const params: Record<string, string> = {
    client_id: options.appId,
    redirect_uri: options.redirectUri,
    state: options.state,
    response_type: 'code',
    scope: options.scopes.join(','),
  };
  if (options.rerequest) params.auth_type = 'rerequest';
  return apiUrl(`${base}/${options.apiVersion}`, 'dialog/oauth', params);
}

/**
 * Required permissions the token lacks. A permission granted with `target_ids` that do not
 * include the Page was granted for other Pages only: reads may work, writes fail (notes §6).
 */
export function missingPagePermissions(
  info: Pick<TokenInfo, 'scopes' | 'granularScopes'>,
  pageId: string,
  required: readonly string[] = REQUIRED_PAGE_PERMISSIONS,
): MissingPermission[] {
  const missing: MissingPermission[] = [];
  for (const permission of required) {
    if (!info.scopes.includes(permission)) {
      missing.push({ permission, reason: 'not granted' });
      continue;
    }
    const granular = info.granularScopes.filter((g) => g.scope === permission && g.targetIds !== undefined);
    if (granular.length > 0 && !granular.some((g) => g.targetIds!.includes(pageId))) {
      missing.push({ permission, reason: 'not granted for this Page' });
    }
  }
  return missing;
}

export class OAuthClient extends GraphApi {
  constructor(private readonly options: OAuthClientOptions) {
    // Unsigned unless a call names the token: the code exchanges carry the secret, debug_token the app token.
    super({ ...options, concurrency: 1, tokenName: 'Facebook access token' });
    registerSecret(this.appToken);
  }

  /** The login dialog's `code` → a short-lived user token. `redirectUri` must be byte-identical to the dialog's. */
  async exchangeCode({ code, redirectUri }: { code: string; redirectUri: string }): Promise<TokenGrant> {
    registerSecret(code);
    const url = this.url('oauth/access_token', {
      client_id: this.options.appId,
      redirect_uri: redirectUri,
      client_secret: this.options.appSecret,
      code,
    });
    return parseGrant(await this.getJson(url), this.describe('GET', url));
  }

  /** A short-lived user token → a long-lived one (~60 days); its Page tokens then never expire. */
  async exchangeForLongLived(shortToken: string): Promise<TokenGrant> {
    registerSecret(shortToken);
    const url = this.url('oauth/access_token', {
      grant_type: 'fb_exchange_token',
      client_id: this.options.appId,
      client_secret: this.options.appSecret,
      fb_exchange_token: shortToken,
    });
    return parseGrant(await this.getJson(url), this.describe('GET', url));
  }

  /**
   * The Page token for `pageId`, via `GET /{page-id}?fields=access_token` (simplest for a known
   * Page), else from `/me/accounts` (only Pages with a direct role are listed there, notes §6).
   */
  async getPageToken(userToken: string, pageId: string): Promise<PageToken> {
    registerSecret(userToken);
    try {
      const url = this.url(pageId, { fields: 'id,name,access_token' });
      const value = object(await this.getJson(url, userToken), at(this.describe('GET', url)));
      const found = pageTokenFrom(value, at(this.describe('GET', url)));
      if (found) return found;
    } catch (error) {
      // Auth, throttle and transient failures would fail the fallback the same way.
      if (!(error instanceof RemoteError) || error instanceof AuthError || error instanceof ThrottledError || error instanceof TransientError) throw error;
    }
    const url = this.url('me/accounts', { fields: 'id,name,access_token,tasks', limit: '100' });
    const accounts = this.pages(
      url,
      'accounts',
      (answer, what) =>
        parseList(answer, what, (item, where) => {
          const value = object(item, where);
          return { id: String(value.id), where, value };
        }),
      (next) => this.getJson(next, userToken),
    );
    for await (const page of accounts) {
      for (const { value, where } of page) {
        if (value.id !== pageId) continue;
        const found = pageTokenFrom(value, where);
        if (found) return found;
      }
    }
    throw new PermissionError(
      'facebook',
      redact(
        `Facebook gave no Page access token for Page ${pageId}: the account that logged in has no task on that Page (MODERATE is needed), ` +
          'or the Page was not selected in the login dialog, or the Page is reached only through a Business portfolio (give the account a direct role on the Page). ' +
          'Fix that, then run `fbsync reconnect` again and select the Page.',
      ),
    );
  }

  /** What Facebook knows about a token: type, validity, expiry, granted permissions and for which Pages. */
  async debugToken(token: string): Promise<TokenInfo> {
    registerSecret(token);
    // An app token (`{app-id}|{app-secret}`) may inspect any token of the app; it carries the secret itself, so no proof.
    const url = this.url('debug_token', { input_token: token, access_token: this.appToken });
    const what = this.describe('GET', url);
    const root = at(what);
    const data = object(object(await this.getJson(url), root).data, child(root, 'data'));
    return parseTokenInfo(data, child(root, 'data'));
  }

  private get appToken(): string {
    return `${this.options.appId}|${this.options.appSecret}`;
  }

  protected override classify(response: HttpResponse, request: HttpRequest): RemoteError | undefined {
    const what = describeRequest(request, this.basePath);
    const parsed = parseJson(response.body);
    const error = parsed && readGraphError(parsed.value);
    const path = (pathOf(request.url) ?? '').replace(/\/+$/, '');
    if (error && path.endsWith('/oauth/access_token')) {
      const api = redact(`${error.message}${error.code !== undefined ? ` [code ${error.code}${error.subcode !== undefined ? `/${error.subcode}` : ''}]` : ''}`);
      const exchanging = searchParam(request.url, 'grant_type') === 'fb_exchange_token';
      if (error.code === 101 || (error.code === 1 && /client secret/i.test(error.message)) || /client secret|application id/i.test(error.message)) {
        return new AuthError('facebook', `Facebook refused the app credentials: check facebook.appId and facebook.appSecret (App settings → Basic in the app dashboard). ${what}: ${api}`, error.code, error.subcode);
      }
      if (error.code === 100 && (error.subcode === 36008 || /redirect_uri/i.test(error.message))) {
        return new RefusedError(
          'facebook',
          `Facebook refused the login code: the redirect URI sent with it is not identical to the one of the login dialog, or is not listed under "Valid OAuth Redirect URIs" in the app's Facebook Login settings (scheme, host, port, path and trailing slash must match exactly). Fix the setting, then run \`fbsync reconnect\` again. ${what}: ${api}`,
          error.code,
          error.subcode,
        );
      }
      if (!exchanging && (error.code === 100 || error.code === 190) && (error.subcode === 36007 || error.subcode === 36009 || /code/i.test(error.message))) {
        return new AuthError(
          'facebook',
          `Facebook refused the login code (already used, expired or mangled — a code works once, for a few minutes). Run \`fbsync reconnect\` again and finish the login promptly. ${what}: ${api}`,
          error.code,
          error.subcode,
        );
      }
      if (exchanging && (error.code === 190 || error.code === 100)) {
        return new AuthError(
          'facebook',
          `Facebook refused to exchange the user token for a long-lived one (expired, revoked or from another app — an expired token cannot be exchanged). Get a fresh one: run \`fbsync reconnect\`. ${what}: ${api}`,
          error.code,
          error.subcode,
        );
      }
    }
    if (error && path.endsWith('/debug_token') && (error.code === 190 || error.code === 101 || error.code === 102)) {
      return new AuthError('facebook', redact(`Facebook refused the app token used to inspect tokens: check facebook.appId and facebook.appSecret. ${what}: ${error.message}`), error.code, error.subcode);
    }
    return super.classify(response, request);
  }
}

function parseGrant(value: unknown, what: string): TokenGrant {
  const root = at(what);
  const obj = object(value, root);
  const accessToken = string(obj, 'access_token', root);
  registerSecret(accessToken);
  const grant: TokenGrant = { accessToken };
  const tokenType = optString(obj, 'token_type', root);
  const expiresIn = optNumber(obj, 'expires_in', root);
  if (tokenType) grant.tokenType = tokenType;
  if (expiresIn !== undefined && expiresIn > 0) {
    grant.expiresInSeconds = expiresIn;
    grant.expiresAt = new Date(Date.now() + expiresIn * 1000);
  }
  return grant;
}

function pageTokenFrom(value: Json, where: At): PageToken | undefined {
  const accessToken = optString(value, 'access_token', where);
  if (!accessToken) return undefined;
  registerSecret(accessToken);
  const token: PageToken = { id: string(value, 'id', where), name: optString(value, 'name', where) ?? '', accessToken };
  if (value.tasks !== undefined) {
    token.tasks = array(value.tasks, child(where, 'tasks')).map((task, i) => {
      if (typeof task !== 'string') throw new MalformedResponseError('facebook', `Facebook answer to ${where.what}: ${child(child(where, 'tasks'), i).path} is not a string`);
      return task;
    });
  }
  return token;
}

function parseTokenInfo(data: Json, where: At): TokenInfo {
  const strings = (key: string): string[] => {
    if (data[key] === undefined || data[key] === null) return [];
    return array(data[key], child(where, key)).map((s, i) => {
      if (typeof s !== 'string') throw new MalformedResponseError('facebook', `Facebook answer to ${where.what}: ${child(child(where, key), i).path} is not a string`);
      return s;
    });
  };
  const date = (key: string): Date | undefined => {
    const seconds = optNumber(data, key, where);
    return seconds ? new Date(seconds * 1000) : undefined;
  };
  const granular = data.granular_scopes === undefined || data.granular_scopes === null ? [] : array(data.granular_scopes, child(where, 'granular_scopes'));
  const info: TokenInfo = {
    type: optString(data, 'type', where) ?? '',
    isValid: optBoolean(data, 'is_valid', where) ?? false,
    scopes: strings('scopes'),
    granularScopes: granular.map((entry, i) => {
      const at = child(child(where, 'granular_scopes'), i);
      const obj = object(entry, at);
      const scope: GranularScope = { scope: string(obj, 'scope', at) };
      if (obj.target_ids !== undefined && obj.target_ids !== null) {
        scope.targetIds = array(obj.target_ids, child(at, 'target_ids')).map(String);
      }
      return scope;
    }),
  };
  const optional = {
    appId: idString(data.app_id),
    application: optString(data, 'application', where),
    expiresAt: date('expires_at'),
    dataAccessExpiresAt: date('data_access_expires_at'),
    issuedAt: date('issued_at'),
    profileId: idString(data.profile_id),
    userId: idString(data.user_id),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (info as unknown as Record<string, unknown>)[key] = value;
  if (typeof data.error === 'object' && data.error !== null) {
    const e = data.error as Record<string, unknown>;
    info.error = {
      message: redact(typeof e.message === 'string' ? e.message : 'invalid token'),
      ...(typeof e.code === 'number' ? { code: e.code } : {}),
      ...(typeof e.subcode === 'number' ? { subcode: e.subcode } : {}),
    };
  }
  return info;
}

/** Ids are strings in Graph JSON; accept a number too rather than fail a diagnostic call over it. */
function idString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function searchParam(url: string, key: string): string | null {
  try {
    return new URL(url).searchParams.get(key);
  } catch {
    return null;
  }
}
