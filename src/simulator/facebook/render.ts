// Turns records into Graph JSON for a field selection (already checked by schema.ts; the checks
// left here only guard sim bugs). Graph adds `id` to every node even when it was not asked
// for; so does the sim.

import { GraphError } from './errors.js';
import { type FieldSel, formatFields, parseFields } from './fields.js';
import { cursorPaging, decodeCursor, type SortKey, windowOf } from './paging.js';
import { type Author, chrono, type CommentRec, keyOf, type PageState, type PostRec } from './state.js';
import { fbTime, parseTimeParam, unixSeconds } from './time.js';

export interface ViewCtx {
  state: PageState;
  /** Person details (`from`) go only to Page tokens (notes §2 "When is from present"). */
  showUsers: boolean;
  /** FacebookSimOptions.emptyCommentMessage: a comment with no text has no `message` field at all. */
  omitEmptyMessage: boolean;
  /** Origin plus version prefix of the request, e.g. `http://127.0.0.1:4000/v24.0`. */
  apiBase: string;
  /** Origin of the request, for the sim's own image URLs. */
  origin: string;
  /** access_token / appsecret_proof / appsecret_time as the request sent them (Graph repeats them in `next`). */
  authParams: [string, string][];
}

export const DEFAULT_POST_FIELDS = parseFields('created_time,message,story,id');
export const DEFAULT_COMMENT_FIELDS = parseFields('created_time,from,message,id');

type Json = Record<string, unknown>;

// --- plain nested objects (attachment, picture, ...) -----------------------------------------

interface Shape {
  node: string;
  fields: Record<string, Shape | true>;
}

const IMAGE: Shape = { node: 'ImageSource', fields: { src: true, width: true, height: true } };
const MEDIA: Shape = { node: 'StoryAttachmentMedia', fields: { image: IMAGE, source: true } };
const TARGET: Shape = { node: 'StoryAttachmentTarget', fields: { id: true, url: true, unshimmed_url: true } };
const ATTACHMENT: Shape = {
  node: 'StoryAttachment',
  fields: {
    description: true,
    media: MEDIA,
    media_type: true,
    target: TARGET,
    title: true,
    type: true,
    unshimmed_url: true,
    url: true,
    subattachments: true,
  },
};
const PICTURE_DATA: Shape = { node: 'ProfilePictureSource', fields: { url: true, width: true, height: true, is_silhouette: true } };

function noModifiers(f: FieldSel): void {
  const mod = Object.keys(f.modifiers)[0];
  if (mod !== undefined) throw GraphError.param(`(#100) Unsupported modifier .${mod}() on field (${f.name})`);
}

function scalar(f: FieldSel, value: unknown): unknown {
  noModifiers(f);
  if (f.sub) throw GraphError.param(`(#100) Field (${f.name}) does not take a sub-field list`);
  return value;
}

function project(value: Json, sel: FieldSel[] | undefined, shape: Shape): Json {
  if (!sel) return value;
  const out: Json = {};
  for (const f of sel) {
    const sub = shape.fields[f.name];
    if (!sub) throw GraphError.nonexistingField(f.name, shape.node);
    noModifiers(f);
    const v = value[f.name];
    if (v === undefined) continue;
    if (f.sub && sub === true) throw GraphError.param(`(#100) Field (${f.name}) does not take a sub-field list`);
    out[f.name] = f.sub && sub !== true ? project(v as Json, f.sub, sub) : v;
  }
  return out;
}

// --- people ------------------------------------------------------------------------------------

const PICTURE_SIZES: Record<string, number> = { small: 50, square: 50, album: 50, normal: 100, large: 200 };

export function pictureData(origin: string, id: string, mods: Record<string, string>): Json {
  const known = ['type', 'width', 'height', 'redirect'];
  for (const m of Object.keys(mods)) if (!known.includes(m)) throw GraphError.param(`(#100) Unsupported modifier .${m}() on field (picture)`);
  if (mods.type !== undefined && !(mods.type in PICTURE_SIZES)) {
    throw GraphError.param('(#100) type must be one of the following values: album, large, normal, small, square');
  }
  const size = Number(mods.width ?? mods.height ?? PICTURE_SIZES[mods.type ?? 'square']) || 50;
  // Signed-looking and expiring, like the CDN URLs Graph hands out (notes §2 "Commenter profile picture").
  const oe = (unixSeconds(Date.now()) + 7 * 86_400).toString(16).toUpperCase();
  return { height: size, is_silhouette: false, url: `${origin}/_sim/picture/${id}.png?size=${size}&oe=${oe}`, width: size };
}

function renderAuthor(a: Author, sel: FieldSel[] | undefined, ctx: ViewCtx, node: 'User' | 'Page'): Json {
  const out: Json = {};
  for (const f of sel ?? parseFields('name,id')) {
    if (f.name === 'id') out.id = scalar(f, a.id);
    else if (f.name === 'name') out.name = scalar(f, a.name);
    // Sub-fields of `picture` select inside its `data` wrapper: picture{url} → {data:{url}}.
    else if (f.name === 'picture') out.picture = { data: project(pictureData(ctx.origin, a.id, f.modifiers), f.sub, PICTURE_DATA) };
    else throw GraphError.nonexistingField(f.name, node);
  }
  return out;
}

// --- comments edge -----------------------------------------------------------------------------

export interface EdgeParams {
  filter: 'toplevel' | 'stream';
  order?: 'chronological' | 'reverse_chronological';
  limit: number;
  summary: boolean;
  sinceMs?: number;
  untilMs?: number;
  after?: SortKey;
  before?: SortKey;
}

export const MAX_LIMIT = 100;

export function parseLimit(raw: string | undefined, dflt = 25): number {
  if (raw === undefined) return dflt;
  if (!/^\d+$/.test(raw.trim())) throw GraphError.param(`(#100) The parameter limit must be a non-negative integer, got "${raw}"`);
  const n = Number(raw);
  if (n > MAX_LIMIT) throw GraphError.param(`(#100) The limit parameter must not exceed ${MAX_LIMIT}; ask for at most ${MAX_LIMIT} items per page`);
  return n;
}

export function parseBool(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  throw GraphError.param(`(#100) ${name} must be a boolean`);
}

function oneOf<T extends string>(name: string, raw: string | undefined, values: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(values as readonly string[]).includes(raw)) {
    throw GraphError.param(`(#100) ${name} must be one of the following values: ${values.join(', ')}`);
  }
  return raw as T;
}

/** The same parameters arrive as query params (`/{id}/comments`) or as modifiers (field expansion). */
export function edgeParams(get: (name: string) => string | undefined): EdgeParams {
  const summaryRaw = get('summary');
  return {
    filter: oneOf('filter', get('filter'), ['toplevel', 'stream'] as const) ?? 'toplevel',
    order: oneOf('order', get('order'), ['chronological', 'reverse_chronological'] as const),
    limit: parseLimit(get('limit')),
    summary: summaryRaw === 'total_count' ? true : (parseBool('summary', summaryRaw) ?? false),
    sinceMs: get('since') !== undefined ? parseTimeParam('since', get('since')!) : undefined,
    untilMs: get('until') !== undefined ? parseTimeParam('until', get('until')!) : undefined,
    after: get('after') !== undefined ? decodeCursor(get('after')!, 'after') : undefined,
    before: get('before') !== undefined ? decodeCursor(get('before')!, 'before') : undefined,
  };
}

export type CommentTarget = { post: PostRec; comment?: undefined } | { comment: CommentRec; post?: undefined };

export interface EdgeLink {
  /** Absolute URL of the edge without query. */
  base: string;
  params: URLSearchParams;
}

function canCommentOn(t: CommentTarget, state: PageState): boolean {
  if (t.post) return true;
  const top = t.comment.parentId ? state.comment(t.comment.parentId) : undefined;
  return t.comment.canComment && (top?.canComment ?? true);
}

export function commentsEdge(t: CommentTarget, p: EdgeParams, sub: FieldSel[] | undefined, ctx: ViewCtx, link: EdgeLink): Json {
  const all = t.post ? ctx.state.commentsOf(t.post.id, p.filter) : ctx.state.repliesOf(t.comment.id);
  // since/until compare at Graph's one-second resolution; both bounds inclusive.
  const inRange = all.filter(
    (c) =>
      (p.sinceMs === undefined || unixSeconds(c.createdMs) >= unixSeconds(p.sinceMs)) &&
      (p.untilMs === undefined || unixSeconds(c.createdMs) <= unixSeconds(p.untilMs)),
  );
  const reverse = p.order === 'reverse_chronological';
  const sorted = reverse ? [...inRange].reverse() : inRange;
  const w = windowOf(sorted, reverse ? (x, k) => -chrono(x, k) : chrono, { limit: p.limit, after: p.after, before: p.before });
  const out: Json = { data: w.items.map((c) => renderComment(c, sub, ctx)) };
  const paging = p.limit > 0 ? cursorPaging(w, keyOf, link.base, link.params) : undefined;
  if (paging) out.paging = paging;
  if (p.summary) {
    // Without an explicit order Graph reports its own ranking (notes §2 "Observed summary order").
    out.summary = {
      order: p.order ?? (p.filter === 'stream' ? 'chronological' : 'ranked'),
      total_count: all.length,
      can_comment: canCommentOn(t, ctx.state),
    };
  }
  return out;
}

/** A nested edge's own `next` URL points at `/{id}/comments` with the modifiers as params. */
function nestedLink(id: string, f: FieldSel, effectiveLimit: number, ctx: ViewCtx): EdgeLink {
  const params = new URLSearchParams(ctx.authParams);
  if (f.sub) params.set('fields', formatFields(f.sub));
  for (const [k, v] of Object.entries(f.modifiers)) if (k !== 'after' && k !== 'before') params.set(k, v);
  params.set('limit', String(effectiveLimit));
  return { base: `${ctx.apiBase}/${id}/comments`, params };
}

function nestedComments(t: CommentTarget, f: FieldSel, ctx: ViewCtx): Json | undefined {
  const p = edgeParams((k) => f.modifiers[k]);
  const id = t.post ? t.post.id : t.comment.id;
  const edge = commentsEdge(t, p, f.sub, ctx, nestedLink(id, f, p.limit, ctx));
  // An empty nested edge is left out of the node altogether unless a summary was asked for.
  if ((edge.data as unknown[]).length === 0 && !p.summary) return undefined;
  return edge;
}

/** Reactions and likes are never created in the sim; the edges exist so summary requests work. */
export function emptyReactionEdge(kind: 'reactions' | 'likes', f: FieldSel | undefined, summary: boolean): Json | undefined {
  if (f) {
    parseLimit(f.modifiers.limit);
    summary = f.modifiers.summary === 'total_count' || (parseBool('summary', f.modifiers.summary) ?? false);
  }
  if (!summary) return f ? undefined : { data: [] };
  const s = kind === 'reactions' ? { total_count: 0, viewer_reaction: 'NONE' } : { total_count: 0, can_like: true, has_liked: false };
  return { data: [], summary: s };
}

// --- comment node --------------------------------------------------------------------------------

function postSuffix(postId: string): string {
  return postId.slice(postId.indexOf('_') + 1);
}

export function commentPermalink(c: CommentRec, state: PageState): string {
  const top = c.parentId ? Number(c.parentId.slice(c.parentId.indexOf('_') + 1)) : c.n;
  const base = `https://www.facebook.com/${state.pageId}/posts/${postSuffix(c.postId)}/?comment_id=${top}`;
  return c.parentId ? `${base}&reply_comment_id=${c.n}` : base;
}

function attachmentJson(c: CommentRec, ctx: ViewCtx): Json | undefined {
  const a = c.attachment;
  if (!a) return undefined;
  const out: Json = {};
  const hasImage = a.type === 'photo' || a.type === 'sticker' || a.imageUrl !== undefined;
  if (hasImage) {
    const side = a.type === 'sticker' ? 240 : 720;
    out.media = {
      image: { height: a.type === 'sticker' ? 240 : 405, src: a.imageUrl ?? `${ctx.origin}/_sim/media/${c.n}.png`, width: side },
    };
  }
  out.target = { id: String(c.n + 500_000_000), url: a.url };
  if (a.type === 'share') out.title = a.url;
  out.type = a.type;
  out.url = a.url;
  return out;
}

const UNSET_COMMENT_FIELDS = new Set(['message_tags', 'private_reply_conversation', 'object', 'application', 'admin_creator', 'live_broadcast_timestamp']);

export function renderComment(c: CommentRec, sel: FieldSel[] | undefined, ctx: ViewCtx): Json {
  const out: Json = {};
  for (const f of sel ?? DEFAULT_COMMENT_FIELDS) {
    const v = commentField(c, f, ctx);
    if (v !== undefined) out[f.name] = v;
  }
  if (out.id === undefined) out.id = c.id;
  return out;
}

function commentField(c: CommentRec, f: FieldSel, ctx: ViewCtx): unknown {
  const state = ctx.state;
  switch (f.name) {
    case 'id':
      return scalar(f, c.id);
    case 'message':
      return scalar(f, c.message === '' && ctx.omitEmptyMessage ? undefined : c.message);
    case 'created_time':
      return scalar(f, fbTime(c.createdMs));
    case 'from':
      noModifiers(f);
      if (!c.from || !ctx.showUsers) return undefined;
      return renderAuthor(c.from, f.sub, ctx, c.byPage ? 'Page' : 'User');
    case 'parent': {
      noModifiers(f);
      const parent = c.parentId ? state.comment(c.parentId) : undefined;
      return parent ? renderComment(parent, f.sub, ctx) : undefined;
    }
    case 'comment_count':
      return scalar(f, state.repliesOf(c.id).length);
    case 'like_count':
      return scalar(f, c.likeCount);
    case 'attachment': {
      noModifiers(f);
      const a = attachmentJson(c, ctx);
      return a ? project(a, f.sub, ATTACHMENT) : undefined;
    }
    case 'permalink_url':
      return scalar(f, commentPermalink(c, state));
    case 'is_hidden':
      return scalar(f, c.isHidden);
    case 'is_private':
      return scalar(f, false);
    case 'can_comment':
      return scalar(f, canCommentOn({ comment: c }, state));
    // A Page cannot hide its own comments (notes §5 "Hide/unhide").
    case 'can_hide':
      return scalar(f, !c.byPage);
    case 'can_remove':
    case 'can_like':
      return scalar(f, true);
    case 'can_reply_privately':
      return scalar(f, !c.byPage && c.from !== null);
    case 'user_likes':
      return scalar(f, false);
    case 'comments':
      return nestedComments({ comment: c }, f, ctx);
    case 'reactions':
    case 'likes':
      return emptyReactionEdge(f.name, f, false);
    default:
      if (UNSET_COMMENT_FIELDS.has(f.name)) return scalar(f, undefined);
      throw GraphError.nonexistingField(f.name, 'Comment');
  }
}

// --- post node -------------------------------------------------------------------------------------

const UNSET_POST_FIELDS = new Set(['message_tags', 'parent_id', 'shares', 'place', 'privacy']);

export function postPermalink(p: PostRec): string {
  const pageId = p.id.slice(0, p.id.indexOf('_'));
  return `https://www.facebook.com/${pageId}/posts/${postSuffix(p.id)}`;
}

export function renderPost(p: PostRec, sel: FieldSel[] | undefined, ctx: ViewCtx): Json {
  const out: Json = {};
  for (const f of sel ?? DEFAULT_POST_FIELDS) {
    const v = postField(p, f, ctx);
    if (v !== undefined) out[f.name] = v;
  }
  if (out.id === undefined) out.id = p.id;
  return out;
}

function postField(p: PostRec, f: FieldSel, ctx: ViewCtx): unknown {
  const byPage = p.from.id === ctx.state.pageId;
  switch (f.name) {
    case 'id':
      return scalar(f, p.id);
    case 'message':
      return scalar(f, p.message === '' ? undefined : p.message);
    case 'story':
      return scalar(f, p.story);
    case 'created_time':
      return scalar(f, fbTime(p.createdMs));
    case 'updated_time':
      return scalar(f, fbTime(p.updatedMs));
    case 'permalink_url':
      return scalar(f, postPermalink(p));
    case 'from':
      noModifiers(f);
      return byPage || ctx.showUsers ? renderAuthor(p.from, f.sub, ctx, byPage ? 'Page' : 'User') : undefined;
    case 'is_published':
      return scalar(f, p.isPublished);
    case 'is_hidden':
      return scalar(f, p.isHidden);
    case 'is_eligible_for_dark_post':
      return scalar(f, false);
    case 'status_type':
      return scalar(f, p.statusType);
    case 'full_picture':
      return scalar(f, p.fullPicture);
    case 'attachments': {
      noModifiers(f);
      if (!p.fullPicture) return undefined;
      const a: Json = {
        media: { image: { height: 405, src: p.fullPicture, width: 720 } },
        media_type: 'photo',
        target: { id: String(p.n + 600_000_000), url: postPermalink(p) },
        type: 'photo',
        url: postPermalink(p),
      };
      return { data: [project(a, f.sub, ATTACHMENT)] };
    }
    case 'comments':
      return nestedComments({ post: p }, f, ctx);
    case 'reactions':
    case 'likes':
      return emptyReactionEdge(f.name, f, false);
    default:
      if (UNSET_POST_FIELDS.has(f.name)) return scalar(f, undefined);
      throw GraphError.nonexistingField(f.name, 'Post');
  }
}
