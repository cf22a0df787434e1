// Graph JSON → the shapes of types.ts, checked field by field. A surprise in an answer becomes a
// MalformedResponseError naming the field ("data[2].created_time is missing"), never a crash on
// `undefined` three calls later. Tolerant where the notes say Graph omits things (§2: photo-only
// comments have no `message`, `from` is withheld for some authors).

import { MalformedResponseError } from '../http/errors.js';
import { redact } from '../http/secrets.js';
import type { FbAttachment, FbComment, FbPost, FbUser } from './types.js';

/** Where a value sits: the request it answers ("GET /123/feed") and its path in the answer ("data[2]"). */
export interface At {
  what: string;
  path: string;
}

export type Json = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** `paging.next`, absent on the last page. */
  next?: string;
}

export function at(what: string, path = ''): At {
  return { what, path };
}

export function child(parent: At, key: string | number): At {
  const path = typeof key === 'number' ? `${parent.path}[${key}]` : parent.path ? `${parent.path}.${key}` : key;
  return { what: parent.what, path };
}

export function malformed(where: At, problem: string): MalformedResponseError {
  const subject = where.path ? `${where.path} ${problem}` : `the answer ${problem}`;
  return new MalformedResponseError('facebook', redact(`Facebook answer to ${where.what}: ${subject}`));
}

function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

export function object(value: unknown, where: At): Json {
  if (value === undefined) throw malformed(where, 'is missing');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(where, `is not an object (got ${kind(value)})`);
  return value as Json;
}

export function array(value: unknown, where: At): unknown[] {
  if (value === undefined) throw malformed(where, 'is missing');
  if (!Array.isArray(value)) throw malformed(where, `is not a list (got ${kind(value)})`);
  return value;
}

export function string(obj: Json, key: string, where: At): string {
  const value = obj[key];
  if (value === undefined || value === null) throw malformed(child(where, key), 'is missing');
  if (typeof value !== 'string') throw malformed(child(where, key), `is not a string (got ${kind(value)})`);
  if (value === '') throw malformed(child(where, key), 'is empty');
  return value;
}

export function optString(obj: Json, key: string, where: At): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw malformed(child(where, key), `is not a string (got ${kind(value)})`);
  return value;
}

export function optNumber(obj: Json, key: string, where: At): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(child(where, key), `is not a number (got ${kind(value)})`);
  return value;
}

export function optBoolean(obj: Json, key: string, where: At): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw malformed(child(where, key), `is not true/false (got ${kind(value)})`);
  return value;
}

export function optObject(obj: Json, key: string, where: At): Json | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  return object(value, child(where, key));
}

/** Graph times are ISO strings with a `+0000` offset; `Date.parse` wants `+00:00` to be sure. */
export function graphTimeToDate(value: string): Date | undefined {
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function time(obj: Json, key: string, where: At): string {
  const value = string(obj, key, where);
  if (!graphTimeToDate(value)) throw malformed(child(where, key), `is not a time (got "${value.slice(0, 40)}")`);
  return value;
}

function optTime(obj: Json, key: string, where: At): string | undefined {
  return obj[key] === undefined || obj[key] === null ? undefined : time(obj, key, where);
}

/** `{data: [...], paging: {next?}}`. */
export function parseList<T>(value: unknown, what: string, item: (value: unknown, where: At) => T): Page<T> {
  const root = at(what);
  const body = object(value, root);
  const data = array(body.data, child(root, 'data'));
  const items = data.map((entry, i) => item(entry, child(child(root, 'data'), i)));
  const paging = optObject(body, 'paging', root);
  const next = paging ? optString(paging, 'next', child(root, 'paging')) : undefined;
  return { items, next: next || undefined };
}

export function parsePost(value: unknown, where: At): FbPost {
  const obj = object(value, where);
  const createdTime = time(obj, 'created_time', where);
  const comments = optObject(obj, 'comments', where);
  const summary = comments ? optObject(comments, 'summary', child(where, 'comments')) : undefined;
  const commentCount = summary ? optNumber(summary, 'total_count', child(child(where, 'comments'), 'summary')) : undefined;
  const post: FbPost = {
    id: string(obj, 'id', where),
    message: optString(obj, 'message', where) ?? '',
    createdTime,
    // Documented on every post; a post without one is treated as never updated.
    updatedTime: optTime(obj, 'updated_time', where) ?? createdTime,
  };
  const story = optString(obj, 'story', where);
  const permalinkUrl = optString(obj, 'permalink_url', where);
  if (story !== undefined) post.story = story;
  if (permalinkUrl) post.permalinkUrl = permalinkUrl;
  if (commentCount !== undefined) post.commentCount = commentCount;
  return post;
}

/** `postId` is the post the comment was read under ('' when unknown, see GraphClient.getComment). */
export function parseComment(value: unknown, where: At, postId: string): FbComment {
  const obj = object(value, where);
  const comment: FbComment = {
    id: string(obj, 'id', where),
    postId,
    message: optString(obj, 'message', where) ?? '',
    createdTime: time(obj, 'created_time', where),
    isHidden: optBoolean(obj, 'is_hidden', where) ?? false,
  };
  const parent = optObject(obj, 'parent', where);
  if (parent) comment.parentId = string(parent, 'id', child(where, 'parent'));
  const from = parseUser(obj, where);
  if (from) comment.from = from;
  const attachment = optObject(obj, 'attachment', where);
  if (attachment) comment.attachment = parseAttachment(attachment, child(where, 'attachment'));
  const permalinkUrl = optString(obj, 'permalink_url', where);
  if (permalinkUrl) comment.permalinkUrl = permalinkUrl;
  const canComment = optBoolean(obj, 'can_comment', where);
  if (canComment !== undefined) comment.canComment = canComment;
  const commentCount = optNumber(obj, 'comment_count', where);
  if (commentCount !== undefined) comment.commentCount = commentCount;
  return comment;
}

/** `from{id,name}`; absent when Facebook withholds the author. */
function parseUser(obj: Json, where: At): FbUser | undefined {
  const from = optObject(obj, 'from', where);
  if (!from) return undefined;
  const at = child(where, 'from');
  const user: FbUser = { id: string(from, 'id', at), name: optString(from, 'name', at) ?? '' };
  // `from{id,name,picture}` gives {picture: {data: {url, is_silhouette}}} (notes §2).
  const picture = optObject(from, 'picture', at);
  const data = picture ? optObject(picture, 'data', child(at, 'picture')) : undefined;
  if (data) {
    const url = optString(data, 'url', child(child(at, 'picture'), 'data'));
    if (url && data.is_silhouette !== true) user.pictureUrl = url;
  }
  return user;
}

function parseAttachment(obj: Json, where: At): FbAttachment {
  const attachment: FbAttachment = { type: optString(obj, 'type', where) ?? 'unknown' };
  const url = optString(obj, 'url', where);
  const title = optString(obj, 'title', where);
  const media = optObject(obj, 'media', where);
  const image = media ? optObject(media, 'image', child(where, 'media')) : undefined;
  const imageUrl = image ? optString(image, 'src', child(child(where, 'media'), 'image')) : undefined;
  if (url) attachment.url = url;
  if (imageUrl) attachment.imageUrl = imageUrl;
  if (title) attachment.title = title;
  return attachment;
}

/** `/{user}/picture?redirect=false` → `{data: {url, is_silhouette, width, height}}`; undefined for a silhouette. */
export function parsePicture(value: unknown, what: string): string | undefined {
  const root = at(what);
  const data = object(object(value, root).data, child(root, 'data'));
  if (data.is_silhouette === true) return undefined;
  return optString(data, 'url', child(root, 'data')) || undefined;
}

/** `{id, permalink_url?}` of a comment just published. */
export function parseCreated(value: unknown, what: string): { id: string; permalinkUrl?: string } {
  const root = at(what);
  const obj = object(value, root);
  const id = string(obj, 'id', root);
  const permalinkUrl = optString(obj, 'permalink_url', root);
  return permalinkUrl ? { id, permalinkUrl } : { id };
}
