// Endpoints of the login and token life cycle (notes §6): code exchange, long-lived exchange,
// Page tokens via /me/accounts, /me/permissions and debug_token.

import { type Viewer } from './auth.js';
import { GraphError } from './errors.js';
import { type FieldSel, parseFields } from './fields.js';
import type { GraphRequest, GraphResponse, RouteEnv } from './http-types.js';
import { encodeCursor } from './paging.js';
import type { TokenRec } from './tokens.js';

const ok = (body: unknown): GraphResponse => ({ status: 200, body });

/** Everything an admin can do on a Page; /me/accounts lists them as `tasks`. */
export const ADMIN_TASKS = ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];

function checkApp(env: RouteEnv, req: GraphRequest): void {
  const clientId = req.params.get('client_id');
  if (!clientId) throw new GraphError({ message: 'Missing client_id parameter.', code: 101 });
  if (clientId !== env.appId) throw new GraphError({ message: 'Error validating application. Invalid application ID.', code: 101 });
  if (req.params.get('client_secret') !== env.appSecret) {
    throw new GraphError({ message: 'Error validating client secret.', code: 1, status: 400 });
  }
}

export function oauthAccessToken(env: RouteEnv, req: GraphRequest): GraphResponse {
  checkApp(env, req);
  const grantType = req.params.get('grant_type');
  if (grantType === 'client_credentials') {
    return ok({ access_token: `${env.appId}|${env.appSecret}`, token_type: 'bearer' });
  }
  if (grantType === 'fb_exchange_token') {
    const old = req.params.get('fb_exchange_token');
    if (!old) throw GraphError.param('(#100) Missing fb_exchange_token parameter');
    const rec = env.tokens.get(old);
    if (!rec) throw new GraphError({ message: 'Invalid OAuth access token - Cannot parse access token', code: 190 });
    const invalid = env.tokens.invalidity(rec);
    if (invalid) throw invalid;
    if (rec.kind === 'page') {
      const page = env.tokens.issuePage(rec.pageId!, rec.grant);
      return ok({ access_token: page.token, token_type: 'bearer' });
    }
    const long = env.tokens.issueUser(rec.grant, true);
    return ok({ access_token: long.token, token_type: 'bearer', expires_in: long.expiresAt - long.issuedAt });
  }
  if (grantType !== undefined && grantType !== 'authorization_code') {
    throw GraphError.param(`(#100) Unsupported grant_type: ${grantType}`);
  }
  const code = req.params.get('code');
  if (!code) throw GraphError.param('(#100) Missing code parameter');
  const grant = env.tokens.redeemCode(code, req.params.get('redirect_uri'));
  const user = env.tokens.issueUser(grant, false);
  return ok({ access_token: user.token, token_type: 'bearer', expires_in: user.expiresAt - user.issuedAt });
}

export function debugToken(env: RouteEnv, req: GraphRequest): GraphResponse {
  const input = req.params.get('input_token');
  if (!input) throw GraphError.param('(#100) The parameter input_token is required');
  if (input === `${env.appId}|${env.appSecret}`) {
    return ok({ data: { app_id: env.appId, type: 'APP', application: env.appName, is_valid: true } });
  }
  const rec = env.tokens.get(input);
  if (!rec) return ok({ data: { error: { code: 190, message: 'Invalid OAuth access token.' }, is_valid: false, scopes: [] } });
  const data: Record<string, unknown> = {
    app_id: env.appId,
    type: rec.kind === 'page' ? 'PAGE' : 'USER',
    application: env.appName,
    data_access_expires_at: rec.dataAccessExpiresAt,
  };
  const invalid = env.tokens.invalidity(rec);
  if (invalid) data.error = { code: invalid.code, message: invalid.message, subcode: invalid.subcode };
  data.expires_at = rec.expiresAt;
  data.is_valid = !invalid;
  data.issued_at = rec.issuedAt;
  data.scopes = [...rec.grant.scopes];
  data.granular_scopes = Object.entries(rec.grant.targets).map(([scope, ids]) => ({ scope, target_ids: [...ids] }));
  if (rec.kind === 'page') data.profile_id = rec.pageId;
  data.user_id = rec.userId;
  return ok({ data });
}

/** The Page token for a user token, or undefined when the user has no role on that Page. */
export function pageTokenFor(env: RouteEnv, rec: TokenRec, pageId: string): string | undefined {
  if (rec.kind === 'page') return rec.pageId === pageId ? rec.token : undefined;
  if (!env.pages.has(pageId)) return undefined;
  return env.tokens.issuePage(pageId, rec.grant, rec).token;
}

const PAGE_FIELDS = ['id', 'name', 'access_token', 'category', 'category_list', 'tasks', 'link', 'fan_count', 'followers_count'];

export function pageJson(env: RouteEnv, v: Viewer, pageId: string, sel: FieldSel[], asAccount: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of sel) {
    if (!PAGE_FIELDS.includes(f.name) || (!asAccount && f.name === 'tasks')) throw GraphError.nonexistingField(f.name, 'Page');
    switch (f.name) {
      case 'id':
        out.id = pageId;
        break;
      case 'name':
        out.name = env.pages.get(pageId);
        break;
      case 'access_token': {
        const t = v.kind === 'app' ? undefined : pageTokenFor(env, v.rec, pageId);
        if (t) out.access_token = t;
        break;
      }
      case 'category':
        out.category = 'Bakery';
        break;
      case 'category_list':
        out.category_list = [{ id: '197048876974331', name: 'Bakery' }];
        break;
      case 'tasks':
        out.tasks = [...ADMIN_TASKS];
        break;
      case 'link':
        out.link = `https://www.facebook.com/${pageId}`;
        break;
      default:
        out[f.name] = 0;
    }
  }
  if (out.id === undefined) out.id = pageId;
  return out;
}

/** Only Pages the user picked for pages_show_list are listed (notes §6 "Page token"). */
export function meAccounts(env: RouteEnv, v: Exclude<Viewer, { kind: 'app' }>, sel: FieldSel[] | undefined): GraphResponse {
  const fields = sel ?? parseFields('access_token,category,category_list,name,id,tasks');
  const picked = v.rec.grant.scopes.includes('pages_show_list') ? (v.rec.grant.targets.pages_show_list ?? []) : [];
  const ids = [...env.pages.keys()].filter((id) => picked.includes(id));
  const data = ids.map((id) => pageJson(env, v, id, fields, true));
  const body: Record<string, unknown> = { data };
  if (ids.length > 0) {
    const cursorFor = (id: string) => encodeCursor({ t: 0, n: Number(id) || 0 });
    body.paging = { cursors: { before: cursorFor(ids[0]), after: cursorFor(ids[ids.length - 1]) } };
  }
  return ok(body);
}

export function mePermissions(v: Exclude<Viewer, { kind: 'app' }>): GraphResponse {
  const g = v.rec.grant;
  const granted = g.scopes.includes('public_profile') ? g.scopes : [...g.scopes, 'public_profile'];
  const data = [
    ...granted.map((permission) => ({ permission, status: 'granted' })),
    ...g.declined.map((permission) => ({ permission, status: 'declined' })),
  ];
  return ok({ data });
}
