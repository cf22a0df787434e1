// OAuthClient against an msw Graph answering as api-notes-facebook.md §6 records (code exchange,
// fb_exchange_token, /{page-id}?fields=access_token, /me/accounts, debug_token with granular_scopes).

import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { AuthError, PermissionError, RefusedError, RemoteError } from '../../src/http/errors.js';
import { OAuthClient, loginDialogUrl, missingPagePermissions } from '../../src/facebook/oauth.js';
import { API, APP_ID, APP_SECRET, failure as graphFailure, GRAPH, graphError, graphPage, PAGE_ID, server, signatureRefusal, useGraphMsw, V } from './msw-harness.js';

const OTHER_PAGE = '112130216863063';
const CODE = 'AQDcodeFromTheDialog_xyz987';
const REDIRECT = 'http://localhost:8765/callback';
const SHORT = 'fake-short-user-token-1';
const LONG = 'fake-long-user-token-2';
const PAGE_TOKEN = 'fake-page-token-3';

useGraphMsw();

const oauth = () => new OAuthClient({ graphUrl: GRAPH, apiVersion: V, appId: APP_ID, appSecret: APP_SECRET, timeoutMs: 5_000, backoff: { retries: 1, baseMs: 1, capMs: 2 } });

/** Graph's OAuth errors: HTTP 400, an OAuthException, `invalid_code` in WWW-Authenticate. */
function oauthError(code: number, message: string, subcode?: number): Response {
  return graphError(400, code, message, subcode ? { error_subcode: subcode } : {}, { 'www-authenticate': `OAuth "Facebook Platform" "invalid_code" "${message}"` });
}

/** Graph's check of a user-token call: the token must match and carry a valid timestamped proof. */
const userTokenCheck = (params: URLSearchParams, token: string) => signatureRefusal(params, { token });

const failure = (promise: Promise<unknown>): Promise<RemoteError> => graphFailure(promise, [APP_SECRET, CODE, SHORT, LONG, PAGE_TOKEN]);

describe('loginDialogUrl', () => {
  it('builds the dialog URL on the given base', () => {
    const url = new URL(
      loginDialogUrl({ appId: APP_ID, apiVersion: V, redirectUri: REDIRECT, state: 's7a7e', scopes: ['pages_show_list', 'pages_manage_engagement'], dialogBase: 'http://127.0.0.1:9/' }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(`http://127.0.0.1:9/${V}/dialog/oauth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: APP_ID,
      redirect_uri: REDIRECT,
      state: 's7a7e',
      response_type: 'code',
      scope: 'pages_show_list,pages_manage_engagement',
    });
    expect(loginDialogUrl({ appId: APP_ID, apiVersion: V, redirectUri: REDIRECT, state: 's', scopes: [] })).toMatch(/^https:\/\/www\.facebook\.com\/v24\.0\/dialog\/oauth\?/);
  });
});

describe('token exchange', () => {
  it('exchanges the code, then the short token for a long-lived one', async () => {
    server.use(
      http.get(`${API}/oauth/access_token`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        expect(q.get('appsecret_proof')).toBeNull();
        if (q.get('grant_type') === 'fb_exchange_token') {
          expect(Object.fromEntries(q)).toEqual({ grant_type: 'fb_exchange_token', client_id: APP_ID, client_secret: APP_SECRET, fb_exchange_token: SHORT });
          return HttpResponse.json({ access_token: LONG, token_type: 'bearer', expires_in: 5183944 });
        }
        expect(Object.fromEntries(q)).toEqual({ client_id: APP_ID, redirect_uri: REDIRECT, client_secret: APP_SECRET, code: CODE });
        return HttpResponse.json({ access_token: SHORT, token_type: 'bearer', expires_in: 5321 });
      }),
    );
    const client = oauth();
    const short = await client.exchangeCode({ code: CODE, redirectUri: REDIRECT });
    expect(short).toMatchObject({ accessToken: SHORT, tokenType: 'bearer', expiresInSeconds: 5321 });
    const long = await client.exchangeForLongLived(SHORT);
    expect(long.accessToken).toBe(LONG);
    expect(long.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
  });

  it('explains a redirect_uri mismatch', async () => {
    server.use(
      http.get(`${API}/oauth/access_token`, () =>
        oauthError(100, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request', 36008),
      ),
    );
    const error = await failure(oauth().exchangeCode({ code: CODE, redirectUri: 'http://localhost:8765/callback/' }));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.message).toMatch(/redirect URI .* not identical/);
    expect(error.message).toContain('GET /oauth/access_token');
  });

  it('explains a code that was already used', async () => {
    server.use(http.get(`${API}/oauth/access_token`, () => oauthError(100, 'This authorization code has been used.', 36009)));
    const error = await failure(oauth().exchangeCode({ code: CODE, redirectUri: REDIRECT }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/login code .*fbsync reconnect/);
  });

  it('explains a wrong app secret', async () => {
    server.use(http.get(`${API}/oauth/access_token`, () => oauthError(1, 'Error validating client secret.')));
    const error = await failure(oauth().exchangeForLongLived(SHORT));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/facebook\.appSecret/);
  });

  it('explains an expired short-lived token', async () => {
    server.use(http.get(`${API}/oauth/access_token`, () => oauthError(190, 'Error validating access token: Session has expired on Monday, 02-Mar-26 10:00:00 PST.', 463)));
    const error = await failure(oauth().exchangeForLongLived(SHORT));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/long-lived/);
  });
});

describe('getPageToken', () => {
  it('asks the Page for its token, signed with the user token', async () => {
    server.use(
      http.get(`${API}/:page`, ({ request, params }) => {
        const q = new URL(request.url).searchParams;
        const bad = userTokenCheck(q, LONG);
        if (bad) return bad;
        expect(params.page).toBe(PAGE_ID);
        expect(q.get('fields')).toBe('id,name,access_token');
        return HttpResponse.json({ id: PAGE_ID, name: 'MyLife', access_token: PAGE_TOKEN });
      }),
    );
    expect(await oauth().getPageToken(LONG, PAGE_ID)).toEqual({ id: PAGE_ID, name: 'MyLife', accessToken: PAGE_TOKEN });
  });

  it('falls back to /me/accounts, following its pages', async () => {
    server.use(
      http.get(`${API}/me/accounts`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        const bad = userTokenCheck(q, LONG);
        if (bad) return bad;
        expect(q.get('fields')).toBe('id,name,access_token,tasks');
        if (!q.get('after')) {
          return graphPage([{ access_token: 'fake-other-page-token', category: 'Media', category_list: [{ id: '2700', name: 'Media' }], name: 'Other', id: OTHER_PAGE, tasks: ['ANALYZE'] }], { cursors: { before: 'QVFIb', after: 'QVFIa' }, next: `${API}/me/accounts?access_token=${LONG}&fields=id%2Cname%2Caccess_token%2Ctasks&limit=100&after=QVFIa` });
        }
        return graphPage([{ access_token: PAGE_TOKEN, category: 'Personal blog', name: 'MyLife', id: PAGE_ID, tasks: ['ANALYZE', 'ADVERTISE', 'MESSAGING', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] }], { cursors: { before: 'QVFIc', after: 'QVFId' } });
      }),
      // Without a role on the Page, Graph answers the Page's public fields only.
      http.get(`${API}/:page`, ({ request }) => userTokenCheck(new URL(request.url).searchParams, LONG) ?? HttpResponse.json({ id: PAGE_ID, name: 'MyLife' })),
    );
    const token = await oauth().getPageToken(LONG, PAGE_ID);
    expect(token).toMatchObject({ id: PAGE_ID, accessToken: PAGE_TOKEN });
    expect(token.tasks).toContain('MODERATE');
  });

  it('says what to do when no Page token can be had', async () => {
    server.use(
      http.get(`${API}/me/accounts`, ({ request }) => userTokenCheck(new URL(request.url).searchParams, LONG) ?? graphPage([], { cursors: {} })),
      http.get(`${API}/:page`, () => oauthError(100, "Unsupported get request. Object with ID '2121008874780932' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", 33)),
    );
    const error = await failure(oauth().getPageToken(LONG, PAGE_ID));
    expect(error).toBeInstanceOf(PermissionError);
    expect(error.message).toMatch(/no Page access token for Page 2121008874780932/);
  });
});

describe('debugToken', () => {
  it('reads granular scopes, and missingPagePermissions names those not granted for this Page', async () => {
    server.use(
      http.get(`${API}/debug_token`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        if (q.get('access_token') !== `${APP_ID}|${APP_SECRET}`) return oauthError(190, 'Invalid OAuth access token signature.');
        expect(q.get('input_token')).toBe(PAGE_TOKEN);
        return HttpResponse.json({ data: {
            app_id: APP_ID,
            type: 'PAGE',
            application: 'fbsync',
            data_access_expires_at: 1785040349,
            expires_at: 0,
            is_valid: true,
            issued_at: 1772235328,
            profile_id: PAGE_ID,
            scopes: ['pages_show_list', 'pages_read_engagement', 'pages_manage_engagement', 'public_profile'],
            granular_scopes: [
              { scope: 'pages_show_list', target_ids: [PAGE_ID, OTHER_PAGE] },
              { scope: 'pages_read_engagement', target_ids: [PAGE_ID] },
              { scope: 'pages_manage_engagement', target_ids: [OTHER_PAGE] },
            ],
            user_id: '10158400000000001',
          } });
      }),
    );
    const info = await oauth().debugToken(PAGE_TOKEN);
    expect(info).toMatchObject({ type: 'PAGE', isValid: true, profileId: PAGE_ID, userId: '10158400000000001', appId: APP_ID });
    expect(info.expiresAt).toBeUndefined();
    expect(info.dataAccessExpiresAt).toEqual(new Date(1785040349 * 1000));
    expect(info.granularScopes).toContainEqual({ scope: 'pages_manage_engagement', targetIds: [OTHER_PAGE] });
    expect(missingPagePermissions(info, PAGE_ID)).toEqual([
      { permission: 'pages_read_user_content', reason: 'not granted' },
      { permission: 'pages_manage_engagement', reason: 'not granted for this Page' },
    ]);
    expect(missingPagePermissions(info, OTHER_PAGE, ['pages_show_list', 'pages_manage_engagement'])).toEqual([]);
  });

  it('reports an invalid token as data, not as an error', async () => {
    server.use(
      http.get(`${API}/debug_token`, () =>
        HttpResponse.json({ data: {
            app_id: APP_ID,
            type: 'USER',
            application: 'fbsync',
            error: { code: 190, message: 'Error validating access token: The user has not authorized application 1234567890.', subcode: 458 },
            expires_at: 1772235328,
            is_valid: false,
            scopes: [],
            user_id: '10158400000000001',
          } }),
      ),
    );
    const info = await oauth().debugToken(LONG);
    expect(info.isValid).toBe(false);
    expect(info.error).toEqual({ code: 190, subcode: 458, message: 'Error validating access token: The user has not authorized application 1234567890.' });
    expect(missingPagePermissions(info, PAGE_ID).map((m) => m.reason)).toEqual(['not granted', 'not granted', 'not granted', 'not granted']);
  });

  it('explains a wrong app secret', async () => {
    server.use(http.get(`${API}/debug_token`, () => oauthError(190, 'Invalid OAuth access token signature.')));
    const error = await failure(oauth().debugToken(PAGE_TOKEN));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/facebook\.appId and facebook\.appSecret/);
  });
});
