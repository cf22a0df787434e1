// Who is calling: token lookup, validity and appsecret_proof — then the permission rules of
// notes §1/§5: reads need pages_read_engagement + pages_read_user_content for this Page, writes
// need pages_manage_engagement for it and a Page token.

import { GraphError } from './errors.js';
import type { GraphRequest, RouteEnv } from './http-types.js';
import { checkProof, type TokenRec } from './tokens.js';

export type Viewer = { kind: 'app'; token: string } | { kind: 'user' | 'page'; token: string; rec: TokenRec };

export function tokenOf(req: GraphRequest): string | undefined {
  const fromParams = req.params.get('access_token');
  if (fromParams) return fromParams;
  const m = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(req.authorization ?? '');
  return m?.[1];
}

export function authenticate(env: RouteEnv, req: GraphRequest): Viewer {
  const token = tokenOf(req);
  if (!token) throw new GraphError({ message: 'An access token is required to request this resource.', code: 104 });
  // An app token carries the secret itself, so no proof is asked of it.
  if (token === `${env.appId}|${env.appSecret}`) return { kind: 'app', token };
  const rec = env.tokens.get(token);
  if (!rec) throw new GraphError({ message: 'Invalid OAuth access token - Cannot parse access token', code: 190 });
  const invalid = env.tokens.invalidity(rec);
  if (invalid) throw invalid;
  const proofError = checkProof(
    env.appSecret,
    token,
    req.params.get('appsecret_proof'),
    req.params.get('appsecret_time'),
    Math.floor(env.nowMs() / 1000),
    env.requireProof,
  );
  if (proofError) throw proofError;
  return { kind: rec.kind, token, rec };
}

const READ_SCOPES = ['pages_read_engagement', 'pages_read_user_content'];

export function requireRead(env: RouteEnv, v: Viewer, pageId: string): void {
  for (const scope of READ_SCOPES) {
    if (v.kind === 'app' || !env.tokens.allows(v.rec, scope, pageId)) throw GraphError.missingReadPermission(scope);
  }
}

/** `publish` = creating a comment, where a user token gets Graph's wall error (notes §5). */
export function requireWrite(env: RouteEnv, v: Viewer, pageId: string, scope = 'pages_manage_engagement', publish = false): void {
  if (v.kind === 'app' || !env.tokens.allows(v.rec, scope, pageId)) throw GraphError.permissionsError();
  if (v.kind === 'user') {
    if (publish) throw new GraphError({ message: '(#1705) There was an error posting to this wall', code: 1705 });
    throw GraphError.permissionsError();
  }
}

/** User details only reach Page tokens of the Page itself. */
export function seesUsers(env: RouteEnv, v: Viewer): boolean {
  return v.kind === 'page' && v.rec.pageId === env.state.pageId;
}

/** Parameters Graph repeats in every `next` URL it builds. */
export function authParams(req: GraphRequest, v: Viewer): [string, string][] {
  const out: [string, string][] = [['access_token', v.token]];
  for (const k of ['appsecret_proof', 'appsecret_time']) {
    const val = req.params.get(k);
    if (val !== undefined) out.push([k, val]);
  }
  return out;
}
