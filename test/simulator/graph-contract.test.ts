import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_FIELDS, LIGHT_POST_FIELDS, POST_FIELDS } from '../../src/facebook/graph-client.js';
import { type FacebookSim, type FacebookSimOptions, startFacebookSim } from '../../src/simulator/facebook/index.js';

// Contract of the Graph simulator: for every Graph endpoint the client calls (src/facebook/
// graph-client.ts), the sim's answers — successes and errors — have the shapes Meta publishes.
// Field names and types below are written from Meta's generated spec (facebook/facebook-business-
// sdk-codegen, api_specs/specs/Comment.json and PagePost.json, v21–v25), the paging guide and the
// error-handling guide (api-notes-facebook.md §1, §2, §7). Meta marks every field optional: a shape
// says which fields may come and what each holds, `required` what fbsync cannot do without.

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Kind = 'string' | 'datetime' | 'uint' | 'bool' | 'float' | 'list' | 'object' | Shape | EdgeShape;
interface Shape {
  name: string;
  fields: Record<string, Kind>;
  required?: string[];
}
interface EdgeShape {
  edgeOf: Shape;
  summary?: Shape;
}

/** `2021-07-09T19:09:52+0000`, as on the wire (the spec's "datetime"). */
const GRAPH_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/;

const USER: Shape = { name: 'User', fields: { id: 'string', name: 'string', picture: 'object' }, required: ['id'] };
const IMAGE: Shape = { name: 'ImageSource', fields: { src: 'string', width: 'uint', height: 'uint' }, required: ['src'] };
/** StoryAttachment as the Comment fixture in the notes shows it (the spec types `attachment` as Object). */
const ATTACHMENT: Shape = {
  name: 'StoryAttachment',
  fields: {
    description: 'string',
    media: { name: 'StoryAttachmentMedia', fields: { image: IMAGE, source: 'string' } },
    media_type: 'string',
    target: { name: 'StoryAttachmentTarget', fields: { id: 'string', url: 'string', unshimmed_url: 'string' } },
    title: 'string',
    type: 'string',
    unshimmed_url: 'string',
    url: 'string',
    subattachments: 'object',
  },
  required: ['type'],
};
const PARENT: Shape = { name: 'Comment (parent)', fields: {}, required: ['id'] };
/** Comment.json `fields`, all of them. */
const COMMENT: Shape = {
  name: 'Comment',
  fields: {
    admin_creator: USER,
    application: 'object',
    attachment: ATTACHMENT,
    can_comment: 'bool',
    can_hide: 'bool',
    can_like: 'bool',
    can_remove: 'bool',
    comment_count: 'uint',
    created_time: 'datetime',
    from: USER,
    id: 'string',
    is_hidden: 'bool',
    is_private: 'bool',
    like_count: 'uint',
    live_broadcast_timestamp: 'uint',
    message: 'string',
    message_tags: 'list',
    object: 'object',
    parent: PARENT,
    permalink_url: 'string',
    user_likes: 'bool',
  },
  required: ['id', 'created_time'],
};
PARENT.fields = COMMENT.fields;
const COMMENT_SUMMARY: Shape = {
  name: 'comments summary',
  fields: { order: 'string', total_count: 'uint', can_comment: 'bool' },
  required: ['order', 'total_count'],
};
/** PagePost.json `fields` that fbsync or the sim use (the spec lists ~60; the others the sim never sends), plus its `attachments` and `comments` edges. */
const POST: Shape = {
  name: 'PagePost',
  fields: {
    id: 'string',
    message: 'string',
    story: 'string',
    created_time: 'datetime',
    updated_time: 'datetime',
    permalink_url: 'string',
    from: USER,
    full_picture: 'string',
    status_type: 'string',
    is_published: 'bool',
    is_hidden: 'bool',
    message_tags: 'list',
    parent_id: 'string',
    shares: 'object',
    place: 'object',
    privacy: 'object',
    attachments: { edgeOf: ATTACHMENT },
    comments: { edgeOf: COMMENT, summary: COMMENT_SUMMARY },
  },
  required: ['id', 'created_time'],
};
/** The error object of Graph's error-handling guide. */
const ERROR: Shape = {
  name: 'error',
  fields: {
    message: 'string',
    type: 'string',
    code: 'uint',
    error_subcode: 'uint',
    error_user_title: 'string',
    error_user_msg: 'string',
    is_transient: 'bool',
    fbtrace_id: 'string',
  },
  required: ['message', 'code'],
};

/** Every way `value` departs from `shape`, as "path: problem" lines (empty when it fits). */
function departures(value: Json, kind: Kind, path: string): string[] {
  if (typeof kind === 'string') {
    const ok =
      kind === 'string' ? typeof value === 'string'
      : kind === 'datetime' ? typeof value === 'string' && GRAPH_TIME.test(value)
      : kind === 'uint' ? Number.isInteger(value) && value >= 0
      : kind === 'bool' ? typeof value === 'boolean'
      : kind === 'float' ? typeof value === 'number'
      : kind === 'list' ? Array.isArray(value)
      : typeof value === 'object' && value !== null && !Array.isArray(value);
    return ok ? [] : [`${path}: expected ${kind}, got ${JSON.stringify(value)}`];
  }
  if ('edgeOf' in kind) return edgeDepartures(value, kind, path);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected a ${kind.name} object, got ${JSON.stringify(value)}`];
  const out: string[] = [];
  for (const key of kind.required ?? []) if (value[key] === undefined) out.push(`${path}.${key}: missing (${kind.name})`);
  for (const [key, v] of Object.entries(value)) {
    const sub = kind.fields[key];
    if (!sub) out.push(`${path}.${key}: not a ${kind.name} field`);
    else out.push(...departures(v, sub, `${path}.${key}`));
  }
  return out;
}

/** A list answer or nested edge: `data`, optional `paging` (cursors, next, previous) and `summary`. */
function edgeDepartures(value: Json, edge: EdgeShape, path: string): string[] {
  if (typeof value !== 'object' || value === null || !Array.isArray(value.data)) return [`${path}: expected {data: [...]}, got ${JSON.stringify(value)}`];
  const out: string[] = [];
  value.data.forEach((item: Json, i: number) => out.push(...departures(item, edge.edgeOf, `${path}.data[${i}]`)));
  for (const key of Object.keys(value)) if (!['data', 'paging', 'summary'].includes(key)) out.push(`${path}.${key}: not part of a list answer`);
  if (value.summary !== undefined) out.push(...(edge.summary ? departures(value.summary, edge.summary, `${path}.summary`) : [`${path}.summary: not expected here`]));
  if (value.paging !== undefined) out.push(...pagingDepartures(value.paging, `${path}.paging`));
  return out;
}

/** Cursor paging `{cursors: {before, after}, next?, previous?}` or time paging `{next?, previous?}` (notes §1). */
function pagingDepartures(paging: Json, path: string): string[] {
  const out: string[] = [];
  for (const key of Object.keys(paging)) if (!['cursors', 'next', 'previous'].includes(key)) out.push(`${path}.${key}: not a paging field`);
  if (paging.cursors !== undefined) {
    if (typeof paging.cursors.before !== 'string' || typeof paging.cursors.after !== 'string') out.push(`${path}.cursors: expected {before, after} strings`);
  }
  for (const key of ['next', 'previous']) {
    if (paging[key] !== undefined && !/^https?:\/\/[^/]+\/v\d+\.\d+\//.test(paging[key])) out.push(`${path}.${key}: expected an absolute versioned URL, got ${paging[key]}`);
  }
  return out;
}

const expectShape = (value: Json, kind: Kind, path = '$') => expect(departures(value, kind, path)).toEqual([]);
const expectList = (value: Json, item: Shape, summary?: Shape) => expect(edgeDepartures(value, { edgeOf: item, summary }, '$')).toEqual([]);
const expectError = (body: Json) => {
  expect(Object.keys(body)).toEqual(['error']);
  expectShape(body.error, ERROR, '$.error');
};

// ---- a sim and a signed fetch ------------------------------------------------------------------

let sim: FacebookSim;
let url: string;
let close: () => Promise<void>;

async function start(options: FacebookSimOptions = {}) {
  await close?.();
  ({ sim, url, close } = await startFacebookSim(options));
}
beforeEach(() => start());
afterEach(async () => {
  await close();
  close = undefined as never;
});

const proofOf = (token: string) => createHmac('sha256', sim.appSecret).update(token).digest('hex');

async function call(pathOrUrl: string, init?: RequestInit): Promise<{ status: number; body: Json }> {
  const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${url}${pathOrUrl}`, init);
  return { status: res.status, body: JSON.parse(await res.text()) };
}
const get = (path: string, params: Record<string, string> = {}, token = sim.pageToken) =>
  call(`/v24.0/${path}?${new URLSearchParams({ ...params, access_token: token, appsecret_proof: proofOf(token) })}`);
const postForm = (path: string, form: Record<string, string>, token = sim.pageToken) =>
  call(`/v24.0/${path}`, { method: 'POST', body: new URLSearchParams({ ...form, access_token: token, appsecret_proof: proofOf(token) }) });

const ann = { id: '9000000001', name: 'Ann Lee' };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

/** A post with every comment form the spec allows: text, photo-only, sticker, share, GIF, no author, a reply. */
function seed() {
  const postId = sim.addPost({ message: 'Fresh bread', createdTime: minutesAgo(100) }).id;
  const text = sim.addComment(postId, { from: ann, message: 'Is it gluten free?', createdTime: minutesAgo(90) }).id;
  const reply = sim.addComment(text, { message: 'No, rye', createdTime: minutesAgo(89) }).id;
  const photo = sim.addComment(postId, { from: ann, message: '', attachment: { type: 'photo', url: 'https://www.facebook.com/photo.php?fbid=1', imageUrl: 'https://scontent.example/1.jpg' }, createdTime: minutesAgo(80) }).id;
  const sticker = sim.addComment(postId, { message: '', attachment: { type: 'sticker', url: 'https://www.facebook.com/stickers/2' }, createdTime: minutesAgo(70) }).id;
  const share = sim.addComment(postId, { message: 'look', attachment: { type: 'share', url: 'https://example.com/article' }, createdTime: minutesAgo(60) }).id;
  const hidden = sim.addComment(postId, { from: null, message: 'who am I', createdTime: minutesAgo(50) }).id;
  return { postId, text, reply, photo, sticker, share, hidden };
}

const ALL_COMMENT_FIELDS = Object.keys(COMMENT.fields).join(',');
const commentSuffix = (postId: string) => new RegExp(`^${postId.slice(postId.indexOf('_') + 1)}_\\d+$`);

// ---- successes ---------------------------------------------------------------------------------

describe('Graph contract: GET /{page-id}/feed', () => {
  it("answers fbsync's fields as PagePosts with {pageId}_{postId} ids and a comments summary edge", async () => {
    const { postId } = seed();
    sim.addPost({ story: 'Demo Bakery updated their cover photo.', createdTime: minutesAgo(30), fullPicture: 'https://scontent.example/cover.jpg' });
    for (const fields of [POST_FIELDS, LIGHT_POST_FIELDS, Object.keys(POST.fields).filter((f) => f !== 'comments').join(',')]) {
      const { status, body } = await get(`${sim.pageId}/feed`, { fields, limit: '100' });
      expect(status).toBe(200);
      expectList(body, POST);
      expect(body.data.map((p: Json) => p.id)).toContain(postId);
      for (const p of body.data) expect(p.id).toMatch(new RegExp(`^${sim.pageId}_\\d+$`));
    }
    const { body } = await get(`${sim.pageId}/feed`, { fields: POST_FIELDS });
    expect(body.data.find((p: Json) => p.id === postId).comments).toEqual({ data: [], summary: { order: 'chronological', total_count: 6, can_comment: true } });
    // a post with no text has no `message`, and one with a story tells it
    expect(body.data[0]).not.toHaveProperty('message');
    expect(body.data[0].story).toMatch(/cover photo/);
  });

  it('pages with data + paging.cursors.before/after + absolute next/previous; the last page has no next', async () => {
    for (let i = 0; i < 5; i++) sim.addPost({ message: `p${i}`, createdTime: minutesAgo(100 - i) });
    let page = (await get(`${sim.pageId}/feed`, { fields: 'id,created_time', limit: '2' })).body;
    const pages: Json[] = [page];
    while (page.paging?.next) pages.push((page = (await call(page.paging.next)).body));
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
    for (const p of pages) expectList(p, POST);
    expect(pages[0].paging.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
    expect(pages[0].paging.previous).toBeUndefined();
    expect(pages[1].paging.previous).toMatch(/before=/);
    expect(pages[2].paging.next).toBeUndefined();
  });

  it('with until (backfill) pages by time: next carries until and __paging_token, no cursors', async () => {
    for (let i = 0; i < 3; i++) sim.addPost({ message: `p${i}`, createdTime: minutesAgo(100 - i) });
    const { body } = await get(`${sim.pageId}/feed`, { fields: POST_FIELDS, limit: '2', until: String(Math.floor(Date.now() / 1000)) });
    expectList(body, POST, undefined);
    expect(body.paging.cursors).toBeUndefined();
    expect(body.paging.next).toMatch(/until=\d+/);
    expect(body.paging.next).toMatch(/__paging_token=enc_/);
  });
});

describe('Graph contract: comments', () => {
  it("GET /{post-id}/comments (fbsync's fields, and every Comment field): Comment shapes, {postSuffix}_{commentId} ids, parent only on replies", async () => {
    const s = seed();
    for (const fields of [COMMENT_FIELDS, ALL_COMMENT_FIELDS]) {
      const { status, body } = await get(`${s.postId}/comments`, { filter: 'stream', order: 'reverse_chronological', limit: '100', fields });
      expect(status).toBe(200);
      expectList(body, COMMENT);
      expect(body.data).toHaveLength(6);
      for (const c of body.data) {
        expect(c.id).toMatch(commentSuffix(s.postId));
        if (c.id === s.reply) expect(c.parent).toMatchObject({ id: s.text });
        else expect(c).not.toHaveProperty('parent');
      }
    }
  });

  it('GET /{comment-id}/comments: the replies, each with its parent', async () => {
    const s = seed();
    const { body } = await get(`${s.text}/comments`, { filter: 'stream', order: 'reverse_chronological', limit: '100', fields: COMMENT_FIELDS });
    expectList(body, COMMENT);
    expect(body.data.map((c: Json) => [c.id, c.parent.id])).toEqual([[s.reply, s.text]]);
  });

  it('GET /{comment-id}: one Comment with every field', async () => {
    const s = seed();
    const { status, body } = await get(s.reply, { fields: ALL_COMMENT_FIELDS });
    expect(status).toBe(200);
    expectShape(body, COMMENT);
    expect(body.parent.id).toBe(s.text);
  });

  it('POST /{comment-id}/comments: {id, permalink_url} of the new reply, id {postSuffix}_{commentId}', async () => {
    const s = seed();
    const { status, body } = await postForm(`${s.text}/comments`, { message: 'Thanks!', fields: 'id,permalink_url' });
    expect(status).toBe(200);
    expectShape(body, { name: 'created comment', fields: { id: 'string', permalink_url: 'string' }, required: ['id'] });
    expect(body.id).toMatch(commentSuffix(s.postId));
    const bare = await postForm(`${s.text}/comments`, { message: 'Thanks again' });
    expect(bare.body).toEqual({ id: expect.stringMatching(commentSuffix(s.postId)) });
  });

  it('GET /{user-id}/picture?redirect=false: {data: {url, width, height, is_silhouette}}', async () => {
    seed();
    const { status, body } = await get(`${ann.id}/picture`, { type: 'large', redirect: 'false' });
    expect(status).toBe(200);
    expectShape(body, { name: 'picture', fields: { data: { name: 'ProfilePictureSource', fields: { url: 'string', width: 'uint', height: 'uint', is_silhouette: 'bool' }, required: ['url', 'is_silhouette'] } }, required: ['data'] });
  });
});

describe('Graph contract: the answer forms the spec allows, each one the sim can give', () => {
  const comment = async (id: string, fields = ALL_COMMENT_FIELDS, token?: string) => (await get(id, { fields }, token)).body;

  it('`from` absent: for a withheld author, and for every person when the token is not a Page token', async () => {
    const s = seed();
    expect(await comment(s.hidden)).not.toHaveProperty('from');
    expect((await comment(s.text)).from).toEqual({ id: ann.id, name: ann.name });
    const user = sim.issueUserToken();
    const seen = await comment(s.text, 'id,created_time,from,message', user);
    expectShape(seen, COMMENT);
    expect(seen).not.toHaveProperty('from');
  });

  it("`message` of a photo- or sticker-only comment: '' by default, absent with emptyCommentMessage: 'absent'", async () => {
    let s = seed();
    expect((await comment(s.photo)).message).toBe('');
    await start({ emptyCommentMessage: 'absent' });
    s = seed();
    const photo = await comment(s.photo);
    expectShape(photo, COMMENT);
    expect(photo).not.toHaveProperty('message');
    expect((await comment(s.text)).message).toBe('Is it gluten free?');
  });

  it('`attachment` forms: photo (media.image + target), sticker, share (title, no media); none on a text comment', async () => {
    const s = seed();
    const photo = (await comment(s.photo)).attachment;
    expect(photo).toMatchObject({ type: 'photo', url: expect.any(String), media: { image: { src: 'https://scontent.example/1.jpg', width: 720, height: expect.any(Number) } }, target: { id: expect.any(String), url: expect.any(String) } });
    const sticker = (await comment(s.sticker)).attachment;
    expect(sticker).toMatchObject({ type: 'sticker', media: { image: { width: 240, height: 240 } } });
    const share = (await comment(s.share)).attachment;
    expect(share).toMatchObject({ type: 'share', url: 'https://example.com/article', title: expect.any(String) });
    expect(share).not.toHaveProperty('media');
    expect(await comment(s.text)).not.toHaveProperty('attachment');
    for (const a of [photo, sticker, share]) expectShape(a, ATTACHMENT);
  });

  it('a reply published with a GIF (attachment_share_url) is an animated_image_share', async () => {
    const s = seed();
    const { body } = await postForm(`${s.text}/comments`, { attachment_share_url: 'https://media.example/x.gif' });
    const gif = await comment(body.id);
    expectShape(gif, COMMENT);
    expect(gif.attachment).toMatchObject({ type: 'animated_image_share', url: 'https://media.example/x.gif' });
  });
});

// ---- errors ------------------------------------------------------------------------------------

describe('Graph contract: errors have the error-handling guide shape', () => {
  it('every error fbsync may meet on these endpoints: {error: {message, type, code, error_subcode?, fbtrace_id}}', async () => {
    const s = seed();
    const answers: [string, { status: number; body: Json }, number, number?][] = [];
    const note = (name: string, answer: { status: number; body: Json }, code: number, subcode?: number) => answers.push([name, answer, code, subcode]);

    note('missing object', await get(`${sim.pageId}_999999/comments`, { fields: COMMENT_FIELDS }), 100, 33);
    note('nonexisting field', await get(`${s.postId}/comments`, { fields: 'id,bogus' }), 100);
    note('limit over 100', await get(`${sim.pageId}/feed`, { limit: '101' }), 100);
    note('bad token', await call(`/v24.0/${sim.pageId}/feed?access_token=nope`), 190);
    const weak = sim.issuePageToken({ scopes: ['pages_show_list'] });
    note('missing permission', await get(`${sim.pageId}/feed`, {}, weak), 10);
    sim.blockReplies({ calls: 1 });
    note('reply blocked for a while', await postForm(`${s.text}/comments`, { message: 'x' }), 368, 1390008);
    sim.setPolicyBlock(true);
    note('policy block', await postForm(`${s.text}/comments`, { message: 'x' }), 368);
    sim.setPolicyBlock(false);
    sim.throttleNext(80001);
    note('Page rate limit', await get(`${sim.pageId}/feed`), 80001);
    sim.setFaults({ rate: 1, kinds: ['http500'] });
    note('unexpected error', await get(`${sim.pageId}/feed`), 2);
    sim.setFaults(null);

    for (const [name, { status, body }, code, subcode] of answers) {
      expect(status, name).toBeGreaterThanOrEqual(400);
      expectError(body);
      expect(body.error, name).toMatchObject({ code, type: expect.any(String), fbtrace_id: expect.any(String) });
      if (subcode !== undefined) expect(body.error.error_subcode, name).toBe(subcode);
    }
  });

  it('"reduce the amount of data" comes as Graph sends it: HTTP 500, only code 1 and the message', async () => {
    await start({ maxPageWeight: 1 });
    seed();
    const { status, body } = await get(`${sim.pageId}/feed`, { fields: POST_FIELDS });
    expect(status).toBe(500);
    expectError(body);
    expect(body).toEqual({ error: { code: 1, message: "Please reduce the amount of data you're asking for, then retry your request" } });
  });
});

describe('the contract checker itself', () => {
  it('rejects what the published shapes do not allow', () => {
    const bad = { id: '1_2', created_time: '2026-03-01T10:00:00Z', message: 3, can_reply: true, from: { name: 'No id' }, parent: {} };
    expect(departures(bad, COMMENT, '$')).toEqual([
      '$.created_time: expected datetime, got "2026-03-01T10:00:00Z"',
      '$.message: expected string, got 3',
      '$.can_reply: not a Comment field',
      '$.from.id: missing (User)',
      '$.parent.id: missing (Comment (parent))',
    ]);
    expect(edgeDepartures({ data: [], paging: { next: '/relative?after=x', cursors: { after: 'a' } }, total: 1 }, { edgeOf: COMMENT }, '$')).toEqual([
      '$.total: not part of a list answer',
      '$.paging.cursors: expected {before, after} strings',
      '$.paging.next: expected an absolute versioned URL, got /relative?after=x',
    ]);
    expect(departures({ code: 1 }, ERROR, '$.error')).toEqual(['$.error.message: missing (error)']);
  });
});
