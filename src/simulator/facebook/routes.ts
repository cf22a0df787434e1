// Dispatch of one Graph request to the Page's content, tokens and login endpoints. Order of
// checks: path → token (validity, proof) → object exists → permission → request parameters →
// business rules; every check runs before any write, so a refused request changes nothing.

import { authenticate, authParams, requireRead, requireWrite, seesUsers, type Viewer } from './auth.js';
import { GraphError } from './errors.js';
import { type FieldSel, parseFields } from './fields.js';
import type { GraphRequest, GraphResponse, RouteEnv } from './http-types.js';
import { debugToken, meAccounts, mePermissions, oauthAccessToken, pageJson } from './login.js';
import {
  cursorPaging,
  decodeCursor,
  decodePagingToken,
  encodePagingToken,
  pageUrl,
  type SortKey,
  windowOf,
} from './paging.js';
import {
  commentsEdge,
  type CommentTarget,
  edgeParams,
  emptyReactionEdge,
  parseBool,
  parseLimit,
  pictureData,
  renderComment,
  renderPost,
  type ViewCtx,
} from './render.js';
import { validateFields } from './schema.js';
import { type AttachmentRec, chrono, type CommentRec, keyOf, type PostRec } from './state.js';
import { parseTimeParam, unixSeconds } from './time.js';

const ok = (body: unknown): GraphResponse => ({ status: 200, body });
const success = (): GraphResponse => ok({ success: true });

function fieldsOf(req: GraphRequest, node?: 'Post' | 'Comment'): FieldSel[] | undefined {
  const raw = req.params.get('fields');
  if (raw === undefined || raw.trim() === '') return undefined;
  const sel = parseFields(raw);
  if (node) validateFields(sel, node);
  return sel;
}

function viewCtx(env: RouteEnv, req: GraphRequest, v: Viewer): ViewCtx {
  return {
    state: env.state,
    showUsers: seesUsers(env, v),
    omitEmptyMessage: env.emptyCommentMessage === 'absent',
    apiBase: req.origin + req.prefix,
    origin: req.origin,
    authParams: authParams(req, v),
  };
}

/** FacebookSimOptions.pageLimitCap: Graph serves fewer items than asked and pages on. */
function capped(env: RouteEnv, limit: number): number {
  return env.pageLimitCap === null ? limit : Math.min(limit, env.pageLimitCap);
}

type Json = Record<string, unknown>;

/** Each item 1, plus each nested edge in it (`{data: [...]}`, summary or not): 1 and its items' weight. */
function itemWeight(item: Json): number {
  let weight = 1;
  for (const value of Object.values(item)) {
    if (typeof value === 'object' && value !== null && Array.isArray((value as Json).data)) {
      weight += 1 + ((value as Json).data as Json[]).reduce((sum, nested) => sum + itemWeight(nested), 0);
    }
  }
  return weight;
}

/** FacebookSimOptions.maxPageWeight: a page too heavy is refused as a whole, nothing of it is sent. */
function checkWeight(env: RouteEnv, body: Json): Json {
  if (env.maxPageWeight === null) return body;
  const weight = (body.data as Json[]).reduce((sum, item) => sum + itemWeight(item), 0);
  if (weight > env.maxPageWeight) throw GraphError.tooMuchData();
  return body;
}

/** `next` of a top-level list repeats the request's own query, token included. */
function selfLink(req: GraphRequest, v: Viewer): { base: string; params: URLSearchParams } {
  const params = new URLSearchParams(req.query);
  for (const [k, val] of authParams(req, v)) if (!params.has(k)) params.set(k, val);
  return { base: req.origin + req.rawPath, params };
}

export function route(env: RouteEnv, req: GraphRequest): GraphResponse {
  const seg = req.segments;
  if (seg.length === 2 && seg[0] === 'oauth' && seg[1] === 'access_token') {
    if (req.method !== 'GET' && req.method !== 'POST') throw GraphError.unknownPath(req.rawPath);
    return oauthAccessToken(env, req);
  }
  if (seg.length === 0 || seg.length > 2) throw GraphError.unknownPath(req.rawPath);
  const v = authenticate(env, req);
  if (seg[0] === 'debug_token' && seg.length === 1) return debugToken(env, req);

  let id = seg[0];
  const edge = seg[1];
  if (id === 'me') {
    if (v.kind === 'app') {
      throw new GraphError({ message: 'An active access token must be used to query information about the current user.', code: 2500 });
    }
    id = v.kind === 'page' ? v.rec.pageId! : v.rec.userId;
  }

  if (env.pages.has(id)) return pageRoute(onPage(env, id), req, v, id, edge);
  if (id === env.user.id) return userRoute(env, req, v, edge);
  // Post ids are `{page-id}_{n}`; comment ids carry no Page, so each Page is asked.
  for (const state of env.states.values()) {
    const post = state.post(id);
    if (post) return postRoute(onPage(env, state.pageId), req, v, post, edge);
    const comment = state.comment(id);
    if (comment) return commentRoute(onPage(env, state.pageId), req, v, comment, edge);
  }
  for (const state of env.states.values()) {
    const person = state.people.get(id);
    const on = onPage(env, state.pageId);
    if (person && seesUsers(on, v)) return personRoute(req, person, edge);
  }
  throw GraphError.noSuchObject(id, req.method);
}

/** The routes read `env.state` as the Page the object belongs to. */
function onPage(env: RouteEnv, pageId: string): RouteEnv {
  const state = env.states.get(pageId);
  return state === undefined || state === env.state ? env : { ...env, state };
}

// --- Page --------------------------------------------------------------------------------------

function pageRoute(env: RouteEnv, req: GraphRequest, v: Viewer, pageId: string, edge: string | undefined): GraphResponse {
  if (edge === undefined) {
    if (req.method !== 'GET') throw GraphError.permissionsError();
    return ok(pageJson(env, v, pageId, fieldsOf(req) ?? parseFields('name,id'), false));
  }
  if (edge === 'feed' || edge === 'posts' || edge === 'published_posts') {
    if (req.method !== 'GET') throw GraphError.permissionsError();
    return listPosts(env, req, v, pageId, edge);
  }
  if (edge === 'picture') return pictureRoute(req, pageId);
  throw GraphError.nonexistingField(edge, 'Page');
}

function listPosts(env: RouteEnv, req: GraphRequest, v: Viewer, pageId: string, edge: string): GraphResponse {
  requireRead(env, v, pageId);
  const sel = fieldsOf(req, 'Post');
  const q = (k: string) => req.params.get(k);
  const limit = capped(env, parseLimit(q('limit')));
  const includeHidden = parseBool('include_hidden', q('include_hidden')) ?? false;
  const sinceMs = q('since') !== undefined ? parseTimeParam('since', q('since')!) : undefined;
  const untilMs = q('until') !== undefined ? parseTimeParam('until', q('until')!) : undefined;
  const state = env.state;

  const posts = (env.states.has(pageId) ? state.livePosts() : []).filter(
    (p) =>
      (edge === 'feed' || (p.from.id === state.pageId && p.isPublished)) &&
      (includeHidden || !p.isHidden) &&
      (sinceMs === undefined || unixSeconds(p.createdMs) >= unixSeconds(sinceMs)) &&
      (untilMs === undefined || unixSeconds(p.createdMs) <= unixSeconds(untilMs)),
  );
  const newestFirst = (x: PostRec, k: SortKey) => -chrono(x, k);
  const ctx = viewCtx(env, req, v);
  const link = selfLink(req, v);

  // With since/until Graph switches to time-based paging (notes §1 "Pagination — two shapes").
  if (sinceMs !== undefined || untilMs !== undefined) {
    const token = q('__paging_token');
    const key = token !== undefined ? decodePagingToken(token) : undefined;
    const backwards = q('__previous') === '1';
    const w = windowOf(posts, newestFirst, { limit, after: backwards ? undefined : key, before: backwards ? key : undefined });
    const body: Record<string, unknown> = { data: w.items.map((p) => renderPost(p, sel, ctx)) };
    if (w.items.length > 0) {
      const first = w.items[0];
      const last = w.items[w.items.length - 1];
      const paging: Record<string, string> = {};
      if (w.hasBefore) {
        paging.previous = pageUrl(link.base, link.params, { since: String(unixSeconds(first.createdMs)), __paging_token: encodePagingToken(keyOf(first)), __previous: '1' }, []);
      }
      if (w.hasAfter) {
        paging.next = pageUrl(link.base, link.params, { until: String(unixSeconds(last.createdMs)), __paging_token: encodePagingToken(keyOf(last)) }, ['__previous']);
      }
      if (paging.previous || paging.next) body.paging = paging;
    }
    return ok(checkWeight(env, body));
  }

  const after = q('after') !== undefined ? decodeCursor(q('after')!, 'after') : undefined;
  const before = q('before') !== undefined ? decodeCursor(q('before')!, 'before') : undefined;
  // A pinned post leads the first page whatever its age, and is not listed again at its own place;
  // its cursor sorts before every other post.
  const pin = posts.find((p) => p === state.pinned());
  const rest = pin ? posts.filter((p) => p !== pin) : posts;
  const pinned = after === undefined && before === undefined && limit > 0 ? pin : undefined;
  const w = windowOf(rest, newestFirst, { limit: pinned ? limit - 1 : limit, after, before });
  const page = pinned ? { ...w, items: [pinned, ...w.items] } : w;
  const body: Record<string, unknown> = { data: page.items.map((p) => renderPost(p, sel, ctx)) };
  const paging = limit > 0 ? cursorPaging(page, (p) => (p === pinned ? PINNED_KEY : keyOf(p)), link.base, link.params) : undefined;
  if (paging) body.paging = paging;
  return ok(checkWeight(env, body));
}

/** Sorts before every post in the feed's newest-first order. */
const PINNED_KEY: SortKey = { t: Number.MAX_SAFE_INTEGER, n: 0 };

function pictureRoute(req: GraphRequest, id: string): GraphResponse {
  if (req.method !== 'GET') throw GraphError.permissionsError();
  const mods: Record<string, string> = {};
  for (const k of ['type', 'width', 'height']) {
    const val = req.params.get(k);
    if (val !== undefined) mods[k] = val;
  }
  const data = pictureData(req.origin, id, mods);
  if (parseBool('redirect', req.params.get('redirect')) === false) return ok({ data });
  return { status: 302, headers: { location: String(data.url) } };
}

// --- user (the sim's admin) and people who comment ------------------------------------------------

function userRoute(env: RouteEnv, req: GraphRequest, v: Viewer, edge: string | undefined): GraphResponse {
  if (v.kind !== 'user') throw GraphError.noSuchObject(env.user.id, req.method);
  if (req.method !== 'GET') throw GraphError.permissionsError();
  if (edge === undefined) {
    const out: Record<string, unknown> = {};
    for (const f of fieldsOf(req) ?? parseFields('name,id')) {
      if (f.name === 'id') out.id = env.user.id;
      else if (f.name === 'name') out.name = env.user.name;
      else throw GraphError.nonexistingField(f.name, 'User');
    }
    if (out.id === undefined) out.id = env.user.id;
    return ok(out);
  }
  if (edge === 'accounts') return meAccounts(env, v, fieldsOf(req));
  if (edge === 'permissions') return mePermissions(v);
  throw GraphError.nonexistingField(edge, 'User');
}

function personRoute(req: GraphRequest, person: { id: string; name: string }, edge: string | undefined): GraphResponse {
  if (edge === 'picture') return pictureRoute(req, person.id);
  if (edge !== undefined) throw GraphError.nonexistingField(edge, 'User');
  if (req.method !== 'GET') throw GraphError.noSuchObject(person.id, req.method);
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(req) ?? parseFields('name,id')) {
    if (f.name === 'id') out.id = person.id;
    else if (f.name === 'name') out.name = person.name;
    else if (f.name === 'picture') out.picture = { data: pictureData(req.origin, person.id, f.modifiers) };
    else throw GraphError.nonexistingField(f.name, 'User');
  }
  if (out.id === undefined) out.id = person.id;
  return ok(out);
}

// --- posts and comments -------------------------------------------------------------------------

function postRoute(env: RouteEnv, req: GraphRequest, v: Viewer, post: PostRec, edge: string | undefined): GraphResponse {
  const pageId = env.state.pageId;
  if (edge === undefined) {
    if (req.method === 'GET') {
      requireRead(env, v, pageId);
      return ok(renderPost(post, fieldsOf(req, 'Post'), viewCtx(env, req, v)));
    }
    requireWrite(env, v, pageId, 'pages_manage_posts');
    if (req.method === 'DELETE') env.state.deletePost(post.id);
    else {
      const message = req.params.get('message');
      if (message === undefined) throw GraphError.param('(#100) The parameter message is required');
      env.state.editPost(post.id, message);
    }
    return success();
  }
  return edgeRoute(env, req, v, { post }, edge);
}

function commentRoute(env: RouteEnv, req: GraphRequest, v: Viewer, comment: CommentRec, edge: string | undefined): GraphResponse {
  if (edge !== undefined) return edgeRoute(env, req, v, { comment }, edge);
  if (req.method === 'GET') {
    requireRead(env, v, env.state.pageId);
    return ok(renderComment(comment, fieldsOf(req, 'Comment'), viewCtx(env, req, v)));
  }
  requireWrite(env, v, env.state.pageId);
  if (req.method === 'DELETE') {
    env.state.deleteComment(comment.id);
    return success();
  }
  return editComment(env, req, comment);
}

function edgeRoute(env: RouteEnv, req: GraphRequest, v: Viewer, t: CommentTarget, edge: string): GraphResponse {
  if (edge === 'comments') {
    if (req.method === 'POST') return createComment(env, req, v, t);
    if (req.method !== 'GET') throw GraphError.unknownPath(req.rawPath);
    requireRead(env, v, env.state.pageId);
    const sel = fieldsOf(req, 'Comment');
    const p = edgeParams((k) => req.params.get(k));
    p.limit = capped(env, p.limit);
    return ok(checkWeight(env, commentsEdge(t, p, sel, viewCtx(env, req, v), selfLink(req, v))));
  }
  if ((edge === 'reactions' || edge === 'likes') && req.method === 'GET') {
    requireRead(env, v, env.state.pageId);
    parseLimit(req.params.get('limit'));
    const summary = req.params.get('summary') === 'total_count' || (parseBool('summary', req.params.get('summary')) ?? false);
    return ok(emptyReactionEdge(edge, undefined, summary));
  }
  throw GraphError.nonexistingField(edge, t.post ? 'Post' : 'Comment');
}

function attachmentParam(req: GraphRequest): AttachmentRec | undefined {
  const url = req.params.get('attachment_url');
  if (url) return { type: 'photo', url, imageUrl: url };
  const share = req.params.get('attachment_share_url');
  if (share) return { type: 'animated_image_share', url: share, imageUrl: share };
  const id = req.params.get('attachment_id');
  if (id) return { type: 'photo', url: `https://www.facebook.com/photo.php?fbid=${id}` };
  return undefined;
}

function createComment(env: RouteEnv, req: GraphRequest, v: Viewer, t: CommentTarget): GraphResponse {
  const state = env.state;
  requireWrite(env, v, state.pageId, 'pages_manage_engagement', true);
  const message = req.params.get('message') ?? '';
  const attachment = attachmentParam(req);
  if (message === '' && !attachment) throw GraphError.param('(#100) Missing message or attachment');
  // Checked before the write: a bad `fields` must not leave behind a comment the client believes failed.
  const sel = fieldsOf(req, 'Comment');
  const ctx = viewCtx(env, req, v);
  if (t.comment) {
    const top = t.comment.parentId ? state.comment(t.comment.parentId) : undefined;
    if (!t.comment.canComment || top?.canComment === false) throw GraphError.param('(#100) Cannot reply to this comment');
  }
  if (env.policyBlock) {
    throw new GraphError({ message: '(#368) The action attempted has been deemed abusive or is otherwise disallowed', code: 368 });
  }
  // Counted down in place: `env` may be a per-Page copy (onPage), the block object is shared.
  if (t.comment && env.replyBlock && env.replyBlock.left > 0) {
    env.replyBlock.left--;
    throw GraphError.postingTooFast();
  }
  const created = state.addComment(t.post ? t.post.id : t.comment.id, { message, attachment: attachment as never }, true);
  if (!sel) return ok({ id: created.id });
  return ok({ id: created.id, ...renderComment(created, sel, ctx) });
}

function editComment(env: RouteEnv, req: GraphRequest, c: CommentRec): GraphResponse {
  const message = req.params.get('message');
  const attachment = attachmentParam(req);
  const hidden = parseBool('is_hidden', req.params.get('is_hidden'));
  if (message === undefined && !attachment && hidden === undefined) {
    throw GraphError.param('(#100) At least one of message, attachment_url or is_hidden is required');
  }
  const edits = message !== undefined || attachment !== undefined;
  // A Page edits only its own comments and hides only other people's (notes §5).
  if (edits && !c.byPage) throw GraphError.permissionsError();
  if (hidden !== undefined && c.byPage) throw GraphError.param('(#100) This comment cannot be hidden: comments by the Page are not hideable');
  if (edits && env.policyBlock) {
    throw new GraphError({ message: '(#368) The action attempted has been deemed abusive or is otherwise disallowed', code: 368 });
  }
  // An attachment not sent again is removed by an edit (notes §5 "Edit").
  if (edits) env.state.editComment(c.id, message ?? '', attachment ?? null);
  if (hidden !== undefined) env.state.setHidden(c.id, hidden);
  return success();
}
