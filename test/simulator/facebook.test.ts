import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FacebookSim, startFacebookSim } from '../../src/simulator/facebook/index.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: FacebookSim;
let url: string;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ sim, url, close } = await startFacebookSim());
});
afterEach(async () => {
  await close();
});

const proofOf = (token: string, secret = sim.appSecret) => createHmac('sha256', secret).update(token).digest('hex');

/** Graph query with the Page token and a classic proof unless overridden. */
function q(params: Record<string, string | undefined> = {}, token = sim.pageToken): URLSearchParams {
  const p = new URLSearchParams({ access_token: token, appsecret_proof: proofOf(token) });
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) p.delete(k);
    else p.set(k, v);
  }
  return p;
}

async function call(pathOrUrl: string, init?: RequestInit): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${url}${pathOrUrl}`, init);
  const text = await res.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep text */
  }
  return { status: res.status, body, headers: res.headers };
}

const get = (path: string, params: Record<string, string | undefined> = {}, token?: string) =>
  call(`${path}?${q(params, token)}`);

const post = (path: string, form: Record<string, string>, token = sim.pageToken, query = '') =>
  call(`${path}${query}`, { method: 'POST', body: new URLSearchParams({ access_token: token, appsecret_proof: proofOf(token), ...form }) });

function addPosts(n: number): string[] {
  const base = Date.parse('2025-03-01T10:00:00Z');
  return Array.from({ length: n }, (_, i) => sim.addPost({ message: `post ${i}`, createdTime: new Date(base + i * 60_000) }).id);
}

describe('feed paging', () => {
  it('pages newest first to the end by absolute next URLs that carry every original param', async () => {
    const ids = addPosts(60);
    const seen: string[] = [];
    let first = await get(`/v24.0/${sim.pageId}/feed`, { limit: '25', fields: 'id,message' });
    expect(first.headers.get('facebook-api-version')).toBe('v24.0');
    let page = first.body;
    expect(page.paging.previous).toBeUndefined();
    let pages = 0;
    for (;;) {
      pages++;
      seen.push(...page.data.map((p: Json) => p.id));
      if (!page.paging?.next) break;
      const next = new URL(page.paging.next);
      expect(next.origin).toBe(url);
      expect(next.pathname).toBe(`/v24.0/${sim.pageId}/feed`);
      expect(next.searchParams.get('access_token')).toBe(sim.pageToken);
      expect(next.searchParams.get('appsecret_proof')).toBe(proofOf(sim.pageToken));
      expect(next.searchParams.get('fields')).toBe('id,message');
      expect(next.searchParams.get('after')).toBe(page.paging.cursors.after);
      first = await call(page.paging.next);
      page = first.body;
      expect(page.paging.previous).toMatch(/before=/);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('refuses limit above 100, on the feed and on comments', async () => {
    const [id] = addPosts(1);
    const feed = await get(`/v24.0/${sim.pageId}/feed`, { limit: '101' });
    expect(feed.status).toBe(400);
    expect(feed.body.error.code).toBe(100);
    expect(feed.body.error.message).toMatch(/exceed 100/);
    const comments = await get(`/v24.0/${id}/comments`, { limit: '500' });
    expect(comments.body.error.code).toBe(100);
    expect((await get(`/v24.0/${sim.pageId}/feed`, { limit: '100' })).status).toBe(200);
  });

  it('switches to time paging with since/until', async () => {
    addPosts(30);
    const since = String(Date.parse('2025-03-01T10:05:00Z') / 1000);
    const first = await get(`/v24.0/${sim.pageId}/posts`, { since, limit: '10' });
    expect(first.body.data).toHaveLength(10);
    expect(first.body.paging.cursors).toBeUndefined();
    const next = new URL(first.body.paging.next);
    expect(next.searchParams.get('__paging_token')).toMatch(/^enc_/);
    // The next page ends where this one did: at the oldest post on it.
    expect(first.body.data.at(-1).created_time).toBe('2025-03-01T10:20:00+0000');
    expect(next.searchParams.get('until')).toBe(String(Date.parse('2025-03-01T10:20:00Z') / 1000));
    const all = [...first.body.data];
    let page = first.body;
    while (page.paging?.next) {
      page = (await call(page.paging.next)).body;
      all.push(...page.data);
    }
    expect(all.map((p: Json) => p.message)).toEqual(Array.from({ length: 25 }, (_, i) => `post ${29 - i}`));
  });
});

describe('field expansion', () => {
  function thread() {
    const { id: postId } = sim.addPost({ message: 'Fresh bread today' });
    const a = sim.addComment(postId, { message: 'a', createdTime: new Date('2025-03-01T10:01:00Z') }).id;
    const b = sim.addComment(postId, { message: 'b', createdTime: new Date('2025-03-01T10:02:00Z') }).id;
    const a1 = sim.addComment(a, { message: 'a1', createdTime: new Date('2025-03-01T10:03:00Z') }).id;
    const a2 = sim.addComment(a, { message: 'a2', createdTime: new Date('2025-03-01T10:04:00Z') }).id;
    const gone = sim.addComment(b, { message: 'gone', createdTime: new Date('2025-03-01T10:05:00Z') }).id;
    sim.deleteComment(gone);
    sim.setHidden(b, true);
    return { postId, a, b, a1, a2 };
  }

  it('parses nested edges with modifiers and counts live comments of all levels with filter(stream)', async () => {
    const { postId } = thread();
    const { id: quiet } = sim.addPost({ message: 'no comments yet' });
    const fields =
      'id,message,created_time,updated_time,permalink_url,story,comments.filter(stream).summary(true).limit(0){id,message}';
    const res = await get(`/v24.0/${sim.pageId}/feed`, { fields });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.data.map((p: Json) => [p.id, p]));
    expect(byId[postId].comments).toEqual({ data: [], summary: { order: 'chronological', total_count: 4, can_comment: true } });
    expect(byId[quiet].comments.summary.total_count).toBe(0);
    expect(byId[postId].created_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    expect(byId[postId].story).toBeUndefined();

    const top = await get(`/v24.0/${postId}`, { fields: 'comments.filter(toplevel).summary(true).limit(1){message,is_hidden}' });
    expect(top.body.id).toBe(postId);
    expect(top.body.comments.summary.total_count).toBe(2);
    expect(top.body.comments.data).toEqual([{ message: 'a', is_hidden: false, id: expect.any(String) }]);
    // The nested edge continues with its own absolute next URL.
    const rest = await call(top.body.comments.paging.next);
    expect(rest.body.data).toEqual([{ message: 'b', is_hidden: true, id: expect.any(String) }]);
    expect(rest.body.paging.next).toBeUndefined();
  });

  it('leaves out a nested edge with nothing in it unless a summary was asked for', async () => {
    const { id } = sim.addPost({ message: 'silence' });
    const res = await get(`/v24.0/${id}`, { fields: 'id,comments{id}' });
    expect(res.body).toEqual({ id });
  });

  it('rejects unknown fields and malformed lists the way Graph does', async () => {
    const { id } = sim.addPost({ message: 'x' });
    const unknown = await get(`/v24.0/${sim.pageId}/feed`, { fields: 'id,xyz' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 100, message: '(#100) Tried accessing nonexisting field (xyz) on node type (Post)' });
    const nested = await get(`/v24.0/${id}`, { fields: 'comments.summary(true){id,colour}' });
    expect(nested.body.error.message).toContain('(colour) on node type (Comment)');
    const syntax = await get(`/v24.0/${id}`, { fields: 'id,comments{id' });
    expect(syntax.body.error.code).toBe(2500);
    expect(syntax.body.error.message).toMatch(/^Syntax error/);
    const badFilter = await get(`/v24.0/${id}`, { fields: 'comments.filter(all)' });
    expect(badFilter.body.error.code).toBe(100);
  });

  it('lists stream (all levels, chronological) versus toplevel, and reverse order', async () => {
    const { postId, a, b, a1, a2 } = thread();
    const stream = await get(`/v24.0/${postId}/comments`, { filter: 'stream', fields: 'id,parent{id}' });
    expect(stream.body.data.map((c: Json) => c.id)).toEqual([a, b, a1, a2]);
    expect(stream.body.data[2].parent).toEqual({ id: a });
    expect(stream.body.data[0].parent).toBeUndefined();
    const toplevel = await get(`/v24.0/${postId}/comments`, { summary: 'true' });
    expect(toplevel.body.data.map((c: Json) => c.id)).toEqual([a, b]);
    expect(toplevel.body.summary).toEqual({ order: 'ranked', total_count: 2, can_comment: true });
    const reverse = await get(`/v24.0/${postId}/comments`, { filter: 'stream', order: 'reverse_chronological', limit: '3' });
    expect(reverse.body.data.map((c: Json) => c.id)).toEqual([a2, a1, b]);
    const more = await call(reverse.body.paging.next);
    expect(more.body.data.map((c: Json) => c.id)).toEqual([a]);
    const replies = await get(`/v24.0/${a}/comments`, { fields: 'id,message,comment_count' });
    expect(replies.body.data.map((c: Json) => c.message)).toEqual(['a1', 'a2']);
    const aNode = await get(`/v24.0/${a}`, { fields: 'comment_count,permalink_url' });
    expect(aNode.body.comment_count).toBe(2);
    const a2Node = await get(`/v24.0/${a2}`, { fields: 'permalink_url' });
    const suffix = postId.split('_')[1];
    expect(a2Node.body.permalink_url).toBe(
      `https://www.facebook.com/${sim.pageId}/posts/${suffix}/?comment_id=${a.split('_')[1]}&reply_comment_id=${a2.split('_')[1]}`,
    );
    expect(a.startsWith(`${suffix}_`)).toBe(true);
  });

  it('omits from for a withheld author, and for every author when the token is not a Page token', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    const named = sim.addComment(postId, { from: { id: '42', name: 'Ola' }, message: 'hi' }).id;
    const hidden = sim.addComment(postId, { from: null, attachment: { type: 'photo', url: 'https://www.facebook.com/photo.php?fbid=1' } }).id;
    const res = await get(`/v24.0/${postId}/comments`, { fields: 'id,message,from{id,name,picture},attachment' });
    const [c1, c2] = res.body.data;
    expect(c1.id).toBe(named);
    expect(c1.from).toMatchObject({ id: '42', name: 'Ola', picture: { data: { is_silhouette: false, url: expect.any(String) } } });
    expect(c2.id).toBe(hidden);
    expect('from' in c2).toBe(false);
    expect(c2.message).toBe('');
    expect(c2.attachment).toMatchObject({ type: 'photo', media: { image: { src: expect.any(String) } } });

    const user = sim.issueUserToken(undefined, { longLived: true });
    const asUser = await get(`/v24.0/${postId}/comments`, {}, user);
    expect(asUser.body.data[0]).not.toHaveProperty('from');
  });

  it('answers 100/33 for a deleted comment', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id } = sim.addComment(postId, { message: 'bye' });
    sim.deleteComment(id);
    const res = await get(`/v24.0/${id}`, { fields: 'id,message' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(res.body.error.message).toContain(`Object with ID '${id}' does not exist`);
    expect(res.body.error.fbtrace_id).toEqual(expect.any(String));
  });
});

describe('tokens and appsecret_proof', () => {
  it('rejects missing and wrong proofs, accepts classic and fresh timestamped ones', async () => {
    const path = `/v24.0/${sim.pageId}/feed`;
    const missing = await get(path, { appsecret_proof: undefined });
    expect(missing.body.error).toMatchObject({ code: 100, type: 'GraphMethodException' });
    expect(missing.body.error.message).toContain('appsecret_proof argument');
    const wrong = await get(path, { appsecret_proof: proofOf(sim.pageToken, 'not-the-secret') });
    expect(wrong.body.error).toMatchObject({ code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' });

    const t = String(Math.floor(Date.now() / 1000));
    const timed = createHmac('sha256', sim.appSecret).update(`${sim.pageToken}|${t}`).digest('hex');
    expect((await get(path, { appsecret_proof: timed, appsecret_time: t })).status).toBe(200);
    sim.advanceClock(6 * 60_000);
    expect((await get(path, { appsecret_proof: timed, appsecret_time: t })).body.error.code).toBe(100);
  });

  it('answers 190/460 for a revoked token and 190 for an unknown one', async () => {
    sim.revokeToken(sim.pageToken);
    const revoked = await get(`/v24.0/${sim.pageId}/feed`);
    expect(revoked.status).toBe(400);
    expect(revoked.body.error).toMatchObject({ code: 190, error_subcode: 460, type: 'OAuthException' });
    expect(revoked.body.error.message).toMatch(/^Error validating access token: /);
    const unknown = await get(`/v24.0/${sim.pageId}/feed`, {}, 'fake-nonsense-token');
    expect(unknown.body.error.code).toBe(190);
  });

  it('logs requests without secrets', async () => {
    await get(`/v24.0/${sim.pageId}/feed`, { limit: '5' });
    const entry = sim.requestLog.at(-1)!;
    expect(entry).toMatchObject({ method: 'GET', status: 200, path: `/v24.0/${sim.pageId}/feed?limit=5` });
    expect(JSON.stringify(sim.requestLog)).not.toContain(sim.pageToken);
  });

  it('runs the reconnect flow: code → user token → long-lived → Page token, with debug_token', async () => {
    const redirect = 'http://localhost:8765/callback';
    const code = sim.issueOAuthCode(redirect);
    const app = { client_id: sim.appId, client_secret: sim.appSecret };
    const mismatch = await call(`/v24.0/oauth/access_token?${new URLSearchParams({ ...app, code, redirect_uri: redirect + '/' })}`);
    expect(mismatch.body.error).toMatchObject({ code: 100, error_subcode: 36008, type: 'OAuthException' });
    const short = await call(`/v24.0/oauth/access_token?${new URLSearchParams({ ...app, code, redirect_uri: redirect })}`);
    expect(short.body).toMatchObject({ access_token: expect.any(String), token_type: 'bearer' });
    const long = await call(
      `/v24.0/oauth/access_token?${new URLSearchParams({ ...app, grant_type: 'fb_exchange_token', fb_exchange_token: short.body.access_token })}`,
    );
    expect(long.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 5184000 });
    const accounts = await get('/v24.0/me/accounts', { fields: 'id,name,access_token,tasks' }, long.body.access_token);
    expect(accounts.body.data).toEqual([{ id: sim.pageId, name: 'Demo Bakery', access_token: expect.any(String), tasks: expect.arrayContaining(['MODERATE']) }]);
    const pageToken = accounts.body.data[0].access_token;
    const dbg = await call(`/v24.0/debug_token?${new URLSearchParams({ input_token: pageToken, access_token: sim.appToken })}`);
    expect(dbg.body.data).toMatchObject({
      type: 'PAGE',
      is_valid: true,
      expires_at: 0,
      profile_id: sim.pageId,
      scopes: expect.arrayContaining(['pages_manage_engagement']),
      granular_scopes: expect.arrayContaining([{ scope: 'pages_manage_engagement', target_ids: [sim.pageId] }]),
    });
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id: c } = sim.addComment(postId, { message: 'q' });
    expect((await post(`/v24.0/${c}/comments`, { message: 'thanks' }, pageToken)).status).toBe(200);
  });

  it('lets a permission be granted but not for this Page: writes then fail with (#200)', async () => {
    const code = sim.issueOAuthCode('http://localhost/cb', {
      scopeTargets: { pages_manage_engagement: ['999000999000999'] },
    });
    const app = { client_id: sim.appId, client_secret: sim.appSecret, redirect_uri: 'http://localhost/cb', code };
    const user = (await call(`/v24.0/oauth/access_token?${new URLSearchParams(app)}`)).body.access_token;
    const page = await get(`/v24.0/${sim.pageId}`, { fields: 'access_token,name' }, user);
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id: c } = sim.addComment(postId, { message: 'q' });
    expect((await get(`/v24.0/${postId}/comments`, {}, page.body.access_token)).status).toBe(200);
    const write = await post(`/v24.0/${c}/comments`, { message: 'hello' }, page.body.access_token);
    expect(write.body.error).toMatchObject({ code: 200, message: '(#200) Permissions error' });
    const perms = await get('/v24.0/me/permissions', {}, user);
    expect(perms.body.data).toContainEqual({ permission: 'pages_manage_engagement', status: 'granted' });
  });
});

describe('replying as the Page', () => {
  it('creates the reply as the Page under the top-level comment, with read-after-write fields', async () => {
    const { id: postId } = sim.addPost({ message: 'p', createdTime: new Date(Date.now() - 3600_000) });
    const before = sim.getPost(postId)!.updatedTime.getTime();
    const { id: top } = sim.addComment(postId, { message: 'question?' });
    const { id: reply } = sim.addComment(top, { message: 'me too' });
    const res = await post(`/v24.0/${reply}/comments`, { message: 'Answer' }, sim.pageToken, '?fields=id,message,from,parent{id},permalink_url');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ message: 'Answer', from: { id: sim.pageId, name: 'Demo Bakery' }, parent: { id: top } });
    expect(res.body.permalink_url).toContain(`comment_id=${top.split('_')[1]}&reply_comment_id=`);
    expect(sim.repliesTo(top).map((c) => c.message)).toEqual(['me too', 'Answer']);
    expect(sim.getPost(postId)!.updatedTime.getTime()).toBeGreaterThan(before);

    const json = await call(`/v24.0/${top}/comments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Second', access_token: sim.pageToken, appsecret_proof: proofOf(sim.pageToken) }),
    });
    expect(json.body).toEqual({ id: expect.any(String) });
    expect(sim.getComment(json.body.id)).toMatchObject({ byPage: true, parentId: top });
  });

  it('refuses replies to a deleted comment, a closed thread, under a policy block and without permission', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id: gone } = sim.addComment(postId, { message: 'x' });
    sim.deleteComment(gone);
    const deleted = await post(`/v24.0/${gone}/comments`, { message: 'hi' });
    expect(deleted.body.error).toMatchObject({ code: 100, error_subcode: 33 });

    const { id: closed } = sim.addComment(postId, { message: 'y', canComment: false });
    expect((await post(`/v24.0/${closed}/comments`, { message: 'hi' })).body.error.code).toBe(100);

    const { id: open } = sim.addComment(postId, { message: 'z' });
    sim.setPolicyBlock(true);
    expect((await post(`/v24.0/${open}/comments`, { message: 'hi' })).body.error.code).toBe(368);
    sim.setPolicyBlock(false);

    const weak = sim.issuePageToken({ scopes: ['pages_show_list', 'pages_read_engagement', 'pages_read_user_content'] });
    expect((await post(`/v24.0/${open}/comments`, { message: 'hi' }, weak)).body.error.code).toBe(200);
    expect(sim.repliesTo(open)).toEqual([]);
  });

  it('edits, hides and deletes', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id: user } = sim.addComment(postId, { message: 'spam' });
    const { id: mine } = sim.addPageComment(postId, 'ours');
    expect((await post(`/v24.0/${user}`, { is_hidden: 'true' })).body).toEqual({ success: true });
    expect(sim.getComment(user)!.isHidden).toBe(true);
    expect((await post(`/v24.0/${mine}`, { message: 'ours, edited' })).body).toEqual({ success: true });
    expect(sim.getComment(mine)!.message).toBe('ours, edited');
    expect((await call(`/v24.0/${mine}?${q()}`, { method: 'DELETE' })).body).toEqual({ success: true });
    expect(sim.getComment(mine)).toBeUndefined();
  });
});

describe('faults', () => {
  async function runSequence(seed: number): Promise<(string | undefined)[]> {
    const s = await startFacebookSim();
    try {
      s.sim.addPost({ message: 'p' });
      s.sim.setFaults({ rate: 0.5, kinds: ['http500', 'html', 'throttle', 'truncated'], seed });
      const token = s.sim.pageToken;
      const qs = new URLSearchParams({ access_token: token, appsecret_proof: createHmac('sha256', s.sim.appSecret).update(token).digest('hex') });
      for (let i = 0; i < 30; i++) await (await fetch(`${s.url}/v24.0/${s.sim.pageId}/feed?${qs}`)).text();
      return s.sim.requestLog.map((e) => e.faulted);
    } finally {
      await s.close();
    }
  }

  it('injects the same faults for the same seed', async () => {
    const a = await runSequence(7);
    const b = await runSequence(7);
    const c = await runSequence(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter(Boolean).length).toBeGreaterThan(5);
  });

  it('answers each kind as described', async () => {
    sim.addPost({ message: 'p' });
    const feed = `/v24.0/${sim.pageId}/feed?${q()}`;
    sim.setFaults({ rate: 1, kinds: ['http500'] });
    const e500 = await call(feed);
    expect(e500.status).toBe(500);
    expect(e500.body.error).toMatchObject({ code: 2, is_transient: true });
    sim.setFaults({ rate: 1, kinds: ['html'] });
    const html = await call(feed);
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    sim.setFaults({ rate: 1, kinds: ['truncated'] });
    const cut = await call(feed);
    expect(cut.status).toBe(200);
    expect(typeof cut.body).toBe('string');
    sim.setFaults({ rate: 1, kinds: ['throttle'], seed: 3 });
    const thr = await call(feed);
    expect(thr.status).toBe(400);
    // Seed 3 draws code 32 (the Page-level limit) out of 4, 17, 32, 613 and 80001, with a 15-minute wait.
    expect(thr.body.error.code).toBe(32);
    const buc = JSON.parse(thr.headers.get('x-business-use-case-usage')!)[sim.pageId][0];
    expect(buc.call_count).toBe(100);
    expect(buc.estimated_time_to_regain_access).toBe(15);
    sim.setFaults({ rate: 1, kinds: ['reset'] });
    await expect(fetch(`${url}${feed}`)).rejects.toThrow();
    sim.setFaults(null);
    const fine = await call(feed);
    expect(fine.status).toBe(200);
    expect(JSON.parse(fine.headers.get('x-app-usage')!).call_count).toBeLessThan(5);
  });

  it('applies the write and then drops the connection on resetAfterWrite; drops slow writes', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id: c } = sim.addComment(postId, { message: 'q' });
    sim.setFaults({ rate: 1, kinds: ['resetAfterWrite'] });
    await expect(post(`/v24.0/${c}/comments`, { message: 'maybe' })).rejects.toThrow();
    expect(sim.repliesTo(c).map((r) => r.message)).toEqual(['maybe']);
    sim.setFaults({ rate: 1, kinds: ['slow'], slowMs: 50 });
    const slow = await post(`/v24.0/${c}/comments`, { message: 'late' });
    expect(slow.body.error.code).toBe(2);
    expect(sim.repliesTo(c)).toHaveLength(1);
  });

  it('repeatPage answers the same page and the same next again', async () => {
    addPosts(30);
    const first = await get(`/v24.0/${sim.pageId}/feed`, { limit: '10' });
    sim.setFaults({ rate: 1, kinds: ['repeatPage'] });
    const again = await call(first.body.paging.next);
    expect(again.body).toEqual(first.body);
    expect(sim.requestLog.at(-1)!.faulted).toBe('repeatPage');
  });

  it('throttleNext forces one throttle answer', async () => {
    sim.throttleNext(80001);
    const thr = await get(`/v24.0/${sim.pageId}/feed`);
    expect(thr.body.error.code).toBe(80001);
    expect(thr.body.error.message).toContain('too many calls to this Page account');
    expect((await get(`/v24.0/${sim.pageId}/feed`)).status).toBe(200);
  });
});

describe('odds and ends', () => {
  it('serves retired versions as the oldest live one and says so in the header', async () => {
    const old = await get(`/v18.0/${sim.pageId}`);
    expect(old.headers.get('facebook-api-version')).toBe('v21.0');
    expect(old.body).toEqual({ name: 'Demo Bakery', id: sim.pageId });
    const bare = await get(`/${sim.pageId}`);
    expect(bare.headers.get('facebook-api-version')).toBe('v24.0');
  });

  it('grows usage with calls and throttles once the budget is spent', async () => {
    sim.setCallBudget(10);
    let last = await get(`/v24.0/${sim.pageId}`);
    expect(JSON.parse(last.headers.get('x-app-usage')!).call_count).toBe(10);
    for (let i = 0; i < 9; i++) last = await get(`/v24.0/${sim.pageId}`);
    expect(last.status).toBe(200);
    last = await get(`/v24.0/${sim.pageId}`);
    expect(last.body.error.code).toBe(80001);
    sim.resetUsage();
    expect((await get(`/v24.0/${sim.pageId}`)).status).toBe(200);
  });

  it('expires short-lived user tokens and reports it in debug_token', async () => {
    const short = sim.issueUserToken();
    expect((await get('/v24.0/me', {}, short)).body).toEqual({ name: 'Dana Admin', id: sim.user.id });
    sim.advanceClock(2 * 3600_000);
    const expired = await get('/v24.0/me', {}, short);
    expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    const dbg = await call(`/v24.0/debug_token?${new URLSearchParams({ input_token: short, access_token: sim.appToken })}`);
    expect(dbg.body.data).toMatchObject({ type: 'USER', is_valid: false, error: { code: 190, subcode: 463 } });
  });

  it('keeps unpublished posts on /feed only', async () => {
    sim.addPost({ message: 'draft', isPublished: false });
    sim.addPost({ message: 'live' });
    const feed = await get(`/v24.0/${sim.pageId}/feed`, { fields: 'message,is_published' });
    expect(feed.body.data.map((p: Json) => p.message)).toEqual(['live', 'draft']);
    const published = await get(`/v24.0/${sim.pageId}/published_posts`, { fields: 'message' });
    expect(published.body.data.map((p: Json) => p.message)).toEqual(['live']);
  });

  it('answers batches item by item, each counted as a call', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    const { id: c } = sim.addComment(postId, { message: 'q' });
    const before = sim.callCount;
    const batch = JSON.stringify([
      { method: 'GET', relative_url: `${postId}/comments?fields=id,message` },
      { method: 'POST', relative_url: `${c}/comments`, body: 'message=From+batch' },
      { method: 'GET', relative_url: `${postId}?fields=nope` },
    ]);
    const res = await post('/v24.0/', { batch });
    expect(res.status).toBe(200);
    expect(sim.callCount - before).toBe(3);
    const [list, created, bad] = res.body;
    expect(list.code).toBe(200);
    expect(JSON.parse(list.body).data[0]).toEqual({ id: c, message: 'q' });
    expect(list.headers).toContainEqual({ name: 'x-app-usage', value: expect.any(String) });
    expect(JSON.parse(created.body).id).toEqual(expect.any(String));
    expect(sim.repliesTo(c).map((r) => r.message)).toEqual(['From batch']);
    expect(bad.code).toBe(400);
    expect(JSON.parse(bad.body).error.code).toBe(100);
  });

  it('serves commenters’ pictures from the sim itself', async () => {
    const { id: postId } = sim.addPost({ message: 'p' });
    sim.addComment(postId, { from: { id: '77', name: 'Pia' }, message: 'x' });
    const res = await get(`/v24.0/${postId}/comments`, { fields: 'from{picture.type(large)}' });
    const pic = res.body.data[0].from.picture.data;
    expect(pic).toMatchObject({ width: 200, height: 200 });
    const img = await fetch(pic.url);
    expect(img.headers.get('content-type')).toBe('image/png');
  });
});

it('lists every token it issued, for leak checks', async () => {
  const user = sim.issueUserToken();
  expect(sim.allTokens()).toEqual(expect.arrayContaining([sim.pageToken, user]));
});

describe('options for answers real Graph may give (off by default)', () => {
  const FEED_FIELDS = 'id,created_time,comments.filter(stream).summary(true).limit(0)';

  it('maxPageWeight: a page heavier than the threshold is refused as Graph words it, a lighter one passes', async () => {
    addPosts(20);
    expect((await get(`/v24.0/${sim.pageId}/feed`, { limit: '100', fields: FEED_FIELDS })).status).toBe(200);
    sim.setMaxPageWeight(30);
    // 20 posts × (1 + the nested summary edge) = 40 > 30
    const heavy = await get(`/v24.0/${sim.pageId}/feed`, { limit: '100', fields: FEED_FIELDS });
    expect(heavy.status).toBe(500);
    expect(heavy.body).toEqual({ error: { code: 1, message: "Please reduce the amount of data you're asking for, then retry your request" } });
    expect((await get(`/v24.0/${sim.pageId}/feed`, { limit: '15', fields: FEED_FIELDS })).status).toBe(200);
    // without the nested edge each post weighs 1
    expect((await get(`/v24.0/${sim.pageId}/feed`, { limit: '100', fields: 'id,created_time' })).status).toBe(200);
    const postId = sim.posts()[0]!.id;
    for (let i = 0; i < 31; i++) sim.addComment(postId, { message: `c${i}` });
    expect((await get(`/v24.0/${postId}/comments`, { limit: '100', filter: 'stream' })).status).toBe(500);
    expect((await get(`/v24.0/${postId}/comments`, { limit: '30', filter: 'stream' })).status).toBe(200);
    sim.setMaxPageWeight(null);
    expect((await get(`/v24.0/${postId}/comments`, { limit: '100', filter: 'stream' })).status).toBe(200);
  });

  it('pageLimitCap: limit is silently capped, and paging.next leads to the rest', async () => {
    const ids = addPosts(7);
    const { sim: capped, url: cappedUrl, close: closeCapped } = await startFacebookSim({ pageLimitCap: 3 });
    try {
      const base = Date.parse('2025-03-01T10:00:00Z');
      for (let i = 0; i < 7; i++) capped.addPost({ message: `p${i}`, createdTime: new Date(base + i * 60_000) });
      const token = capped.pageToken;
      const params = new URLSearchParams({ access_token: token, appsecret_proof: createHmac('sha256', capped.appSecret).update(token).digest('hex'), limit: '100', fields: 'id' });
      let page = (await call(`${cappedUrl}/v24.0/${capped.pageId}/feed?${params}`)).body;
      const sizes: number[] = [];
      for (;;) {
        sizes.push(page.data.length);
        if (!page.paging?.next) break;
        page = (await call(page.paging.next)).body;
      }
      expect(sizes).toEqual([3, 3, 1]);
    } finally {
      await closeCapped();
    }
    expect((await get(`/v24.0/${sim.pageId}/feed`, { limit: '100', fields: 'id' })).body.data).toHaveLength(ids.length);
  });

  it('pinPost: the pinned post leads the feed whatever its age, and is not listed again', async () => {
    const ids = addPosts(5);
    const old = sim.addPost({ message: 'pinned', createdTime: new Date('2024-01-01T00:00:00Z'), pinned: true }).id;
    const seen: string[] = [];
    let page = (await get(`/v24.0/${sim.pageId}/feed`, { limit: '1', fields: 'id' })).body;
    for (;;) {
      seen.push(...page.data.map((p: Json) => p.id));
      if (!page.paging?.next) break;
      page = (await call(page.paging.next)).body;
    }
    expect(seen).toEqual([old, ...[...ids].reverse()]);
    sim.pinPost(null);
    const unpinned = (await get(`/v24.0/${sim.pageId}/feed`, { limit: '100', fields: 'id' })).body.data.map((p: Json) => p.id);
    expect(unpinned).toEqual([...[...ids].reverse(), old]);
  });

  it('blockReplies: replies answer #368/1390008 (the first N, or until lifted); comments on posts are not blocked', async () => {
    const [postId] = addPosts(1);
    const top = sim.addComment(postId!, { message: 'hi' }).id;
    sim.blockReplies({ calls: 2 });
    const refused = await post(`/v24.0/${top}/comments`, { message: 'Thanks' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 368, error_subcode: 1390008, type: 'OAuthException' });
    expect(refused.body.error.message).toMatch(/^We limit how often you can post, comment/);
    expect((await post(`/v24.0/${postId}/comments`, { message: 'on the post' })).status).toBe(200);
    expect((await post(`/v24.0/${top}/comments`, { message: 'Thanks' })).status).toBe(400);
    expect((await post(`/v24.0/${top}/comments`, { message: 'Thanks' })).status).toBe(200);
    expect(sim.repliesTo(top).map((c) => c.message)).toEqual(['Thanks']);

    sim.blockReplies({});
    for (let i = 0; i < 3; i++) expect((await post(`/v24.0/${top}/comments`, { message: `again ${i}` })).status).toBe(400);
    sim.blockReplies(null);
    expect((await post(`/v24.0/${top}/comments`, { message: 'lifted' })).status).toBe(200);
  });
});

describe('several Pages (option pages, off by default)', () => {
  const B = '204857600000000';

  it('each Page has its own posts, feed, token and name; ids are {page-id}_{n} and never repeat', async () => {
    const { sim: multi, url: multiUrl, close: closeMulti } = await startFacebookSim({ pages: [{ pageId: B, pageName: 'Second Shop' }] });
    try {
      const at = (path: string, token: string, params: Record<string, string> = {}) =>
        fetch(`${multiUrl}${path}?${new URLSearchParams({ access_token: token, appsecret_proof: createHmac('sha256', multi.appSecret).update(token).digest('hex'), ...params })}`).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
      const a = multi.addPost({ message: 'on A' });
      const b = multi.addPost({ message: 'on B', pageId: B });
      expect(a.id.startsWith(`${multi.pageId}_`)).toBe(true);
      expect(b.id.startsWith(`${B}_`)).toBe(true);
      const ca = multi.addComment(a.id, { message: 'x' });
      const cb = multi.addComment(b.id, { message: 'y' });
      expect(ca.id).not.toBe(cb.id);
      const tokenB = multi.pageTokenOf(B);
      expect(tokenB).not.toBe(multi.pageToken);

      const feedB = await at(`/v24.0/${B}/feed`, tokenB);
      expect(feedB.body.data.map((p: Json) => p.id)).toEqual([b.id]);
      expect((await at(`/v24.0/${multi.pageId}/feed`, multi.pageToken)).body.data.map((p: Json) => p.id)).toEqual([a.id]);
      // A Page token reads its own Page only.
      expect((await at(`/v24.0/${B}/feed`, multi.pageToken)).status).toBe(400);
      expect((await at(`/v24.0/${b.id}/comments`, multi.pageToken)).status).toBe(400);
      expect((await at(`/v24.0/${b.id}/comments`, tokenB)).body.data.map((c: Json) => c.id)).toEqual([cb.id]);
      expect((await at(`/v24.0/${B}`, tokenB, { fields: 'id,name' })).body).toEqual({ id: B, name: 'Second Shop' });

      // A reply through B's token is by Page B.
      const reply = await fetch(`${multiUrl}/v24.0/${cb.id}/comments`, {
        method: 'POST',
        body: new URLSearchParams({ access_token: tokenB, appsecret_proof: createHmac('sha256', multi.appSecret).update(tokenB).digest('hex'), message: 'thanks' }),
      }).then((r) => r.json() as Promise<Json>);
      expect(multi.getComment(reply.id)?.from).toEqual({ id: B, name: 'Second Shop' });

      const debug = await at('/v24.0/debug_token', multi.appToken, { input_token: tokenB });
      expect(debug.body.data.profile_id).toBe(B);
      multi.revokeToken(tokenB);
      expect((await at(`/v24.0/${B}/feed`, tokenB)).body.error.code).toBe(190);
      expect((await at(`/v24.0/${multi.pageId}/feed`, multi.pageToken)).status).toBe(200);
    } finally {
      await closeMulti();
    }
  });

  it('a user token lists every Page under /me/accounts, each with its own Page token', async () => {
    const { sim: multi, url: multiUrl, close: closeMulti } = await startFacebookSim({ pages: [{ pageId: B }] });
    try {
      const user = multi.issueUserToken();
      const proof = createHmac('sha256', multi.appSecret).update(user).digest('hex');
      const accounts = (await fetch(`${multiUrl}/v24.0/me/accounts?${new URLSearchParams({ access_token: user, appsecret_proof: proof, fields: 'id,access_token' })}`).then((r) => r.json())) as Json;
      const ids = accounts.data.map((p: Json) => p.id);
      expect(ids).toEqual(expect.arrayContaining([multi.pageId, B]));
    } finally {
      await closeMulti();
    }
  });
});
