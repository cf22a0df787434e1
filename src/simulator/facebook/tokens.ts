// Access tokens the sim has issued, with what Graph tracks per token (notes §6): kind, lifetime,
// the user's grant (scopes plus, per page permission, the Pages it was granted for), and
// whether it has been invalidated. Token strings are random, like Graph's, so nothing can
// depend on guessing them.

import { createHmac, randomBytes } from 'node:crypto';
import { GraphError } from './errors.js';

/** What fbsync asks for at login (notes §6 "Permissions for fbsync"). */
export const FBSYNC_SCOPES = ['pages_show_list', 'pages_read_engagement', 'pages_read_user_content', 'pages_manage_engagement'];

export interface Grant {
  scopes: string[];
  declined: string[];
  /** Page permission → the Page ids the user selected for it (`granular_scopes[].target_ids`). */
  targets: Record<string, string[]>;
}

export interface GrantInput {
  /** Granted permissions; default FBSYNC_SCOPES. */
  scopes?: string[];
  declined?: string[];
  /** Pages selected for every page permission; default the sim's Pages (all of them). */
  targetPageIds?: string[];
  /** Per-permission override of targetPageIds (granted, but not for this Page). */
  scopeTargets?: Record<string, string[]>;
}

export type TokenKind = 'user' | 'page';

export interface TokenRec {
  token: string;
  kind: TokenKind;
  longLived: boolean;
  userId: string;
  /** Page tokens only. */
  pageId?: string;
  grant: Grant;
  issuedAt: number;
  /** Unix seconds; 0 = never (long-lived Page tokens). */
  expiresAt: number;
  dataAccessExpiresAt: number;
  revoked: boolean;
  parent?: string;
}

// Only page-scoped permissions carry target ids in debug_token.
const isPageScope = (s: string) => s.startsWith('pages_') || s === 'business_management';

const SHORT_USER_S = 3600;
const LONG_USER_S = 5_184_000;
const DATA_ACCESS_S = 90 * 86_400;
const CODE_TTL_S = 600;

export function makeGrant(input: GrantInput | undefined, defaultPageIds: string | string[]): Grant {
  const defaults = typeof defaultPageIds === 'string' ? [defaultPageIds] : defaultPageIds;
  const scopes = [...(input?.scopes ?? FBSYNC_SCOPES)];
  const targets: Record<string, string[]> = {};
  for (const s of scopes.filter(isPageScope)) {
    targets[s] = [...(input?.scopeTargets?.[s] ?? input?.targetPageIds ?? defaults)];
  }
  return { scopes, declined: [...(input?.declined ?? [])], targets };
}

function newTokenString(): string {
  return 'EAA' + randomBytes(72).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 90);
}

interface CodeRec {
  redirectUri: string;
  grant: Grant;
  issuedAt: number;
  used: boolean;
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenRec>();
  private readonly pageTokenOf = new Map<string, string>();
  private readonly codes = new Map<string, CodeRec>();

  constructor(
    readonly userId: string,
    private readonly nowSec: () => number,
  ) {}

  get(token: string): TokenRec | undefined {
    return this.tokens.get(token);
  }

  all(): string[] {
    return [...this.tokens.keys()];
  }

  issueUser(grant: Grant, longLived: boolean): TokenRec {
    const now = this.nowSec();
    return this.store({
      token: newTokenString(),
      kind: 'user',
      longLived,
      userId: this.userId,
      grant,
      issuedAt: now,
      expiresAt: now + (longLived ? LONG_USER_S : SHORT_USER_S),
      dataAccessExpiresAt: now + DATA_ACCESS_S,
      revoked: false,
    });
  }

  /**
   * A Page token inherits its user token's grant. From a long-lived user token it never
   * expires; from a short-lived one it lasts an hour (notes §6 "Lifetime"). Asking twice with
   * the same user token gives the same Page token.
   */
  issuePage(pageId: string, grant: Grant, parent?: TokenRec, fixed?: string): TokenRec {
    const cacheKey = parent ? `${parent.token}|${pageId}` : undefined;
    const cached = cacheKey ? this.tokens.get(this.pageTokenOf.get(cacheKey) ?? '') : undefined;
    if (cached && !cached.revoked) return cached;
    const now = this.nowSec();
    const longLived = parent ? parent.longLived : true;
    const rec = this.store({
      token: fixed ?? newTokenString(),
      kind: 'page',
      longLived,
      userId: this.userId,
      pageId,
      grant,
      issuedAt: now,
      expiresAt: longLived ? 0 : now + SHORT_USER_S,
      dataAccessExpiresAt: parent?.dataAccessExpiresAt ?? now + DATA_ACCESS_S,
      revoked: false,
      parent: parent?.token,
    });
    if (cacheKey) this.pageTokenOf.set(cacheKey, rec.token);
    return rec;
  }

  /** Invalidation (password change, app removed) takes the tokens derived from it along. */
  revoke(token: string): void {
    const rec = this.tokens.get(token);
    if (!rec) throw new Error('FacebookSim: revokeToken of a token the sim never issued');
    rec.revoked = true;
    for (const t of this.tokens.values()) if (t.parent === token) this.revoke(t.token);
  }

  /** Why a known token is unusable now, as Graph words it; null when it is fine. */
  invalidity(rec: TokenRec): GraphError | null {
    if (rec.revoked) {
      return new GraphError({
        message:
          'Error validating access token: The session has been invalidated because the user changed their password ' +
          'or Facebook has changed the session for security reasons.',
        code: 190,
        subcode: 460,
      });
    }
    const now = this.nowSec();
    if (rec.expiresAt !== 0 && rec.expiresAt <= now) {
      return new GraphError({
        message: `Error validating access token: Session has expired on ${httpDate(rec.expiresAt)}. The current time is ${httpDate(now)}.`,
        code: 190,
        subcode: 463,
      });
    }
    return null;
  }

  /** A permission counts for a Page only when it is granted and that Page was selected for it. */
  allows(rec: TokenRec, scope: string, pageId: string): boolean {
    if (rec.kind === 'page' && rec.pageId !== pageId) return false;
    if (!rec.grant.scopes.includes(scope)) return false;
    return !isPageScope(scope) || (rec.grant.targets[scope] ?? []).includes(pageId);
  }

  issueCode(redirectUri: string, grant: Grant): string {
    const code = 'AQ' + randomBytes(48).toString('base64url');
    this.codes.set(code, { redirectUri, grant, issuedAt: this.nowSec(), used: false });
    return code;
  }

  /** One use, ten minutes, and byte-identical redirect_uri (notes §6 "Code exchange"). */
  redeemCode(code: string, redirectUri: string | undefined): Grant {
    const rec = this.codes.get(code);
    if (!rec) throw new GraphError({ message: 'Invalid verification code format.', code: 100 });
    if (rec.redirectUri !== redirectUri) {
      throw new GraphError({
        message:
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        code: 100,
        subcode: 36008,
      });
    }
    if (rec.used) throw new GraphError({ message: 'This authorization code has been used.', code: 100, subcode: 36009 });
    if (this.nowSec() - rec.issuedAt > CODE_TTL_S) {
      throw new GraphError({ message: 'This authorization code has expired.', code: 100, subcode: 36007 });
    }
    rec.used = true;
    return rec.grant;
  }

  private store(rec: TokenRec): TokenRec {
    this.tokens.set(rec.token, rec);
    return rec;
  }
}

function httpDate(sec: number): string {
  return new Date(sec * 1000).toUTCString();
}

const hmacHex = (secret: string, msg: string) => createHmac('sha256', secret).update(msg).digest('hex');

/**
 * Both proof forms are accepted: classic HMAC(token) and timestamped HMAC(token|time) with
 * `appsecret_time` at most 5 minutes old (notes §6 appsecret_proof). A proof that is sent is
 * always checked, even when the app does not require one — as Graph does.
 */
export function checkProof(
  appSecret: string,
  token: string,
  proof: string | undefined,
  time: string | undefined,
  nowSec: number,
  required: boolean,
): GraphError | null {
  const invalid = (message: string) => new GraphError({ message, type: 'GraphMethodException', code: 100 });
  if (proof === undefined || proof === '') {
    return required ? invalid('API calls from the server require an appsecret_proof argument') : null;
  }
  let expected: string;
  if (time !== undefined) {
    if (!/^\d+$/.test(time)) return invalid('Invalid appsecret_time provided in the API argument');
    if (Math.abs(nowSec - Number(time)) > 300) {
      return invalid('Invalid appsecret_time provided in the API argument: the appsecret_proof has expired (older than 5 minutes)');
    }
    expected = hmacHex(appSecret, `${token}|${time}`);
  } else {
    expected = hmacHex(appSecret, token);
  }
  return proof.toLowerCase() === expected ? null : invalid('Invalid appsecret_proof provided in the API argument');
}
