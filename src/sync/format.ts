import { createHash } from 'node:crypto';
import type { FbComment, FbPost } from '../facebook/types.js';

// What employees read in Planfix. Planfix takes HTML in descriptions and comments (`\n` → `<br>`).

const TITLE_WORDS = 60;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraph(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

export function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/** `2021-07-23T08:35:18+0000` → `2021-07-23 08:35 UTC`. */
export function displayTime(graphTime: string): string {
  const d = parseGraphTime(graphTime);
  if (Number.isNaN(d.getTime())) return graphTime;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function parseGraphTime(graphTime: string): Date {
  return new Date(graphTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

export function textHash(...parts: (string | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('hex').slice(0, 32);
}

export function postHash(post: FbPost): string {
  return textHash(post.message);
}

export function commentHash(comment: FbComment): string {
  return textHash(comment.message, comment.attachment?.url, comment.attachment?.imageUrl);
}

export function taskTitle(post: FbPost): string {
  const words = post.message || post.story || '';
  if (words) return `Facebook: «${snippet(words, TITLE_WORDS)}»`;
  return `Facebook: post of ${displayTime(post.createdTime).slice(0, 10)}`;
}

export function taskDescription(post: FbPost): string {
  const body = post.message ? paragraph(post.message) : post.story ? `<i>${paragraph(post.story)}</i>` : '<i>(a post without text)</i>';
  const link = post.permalinkUrl ? `<br><br><a href="${escapeHtml(post.permalinkUrl)}">Open the post on Facebook</a>` : '';
  return `${body}${link}<br><small>Facebook post ${escapeHtml(post.id)}, ${displayTime(post.createdTime)}</small>`;
}

/** The marker fbsync finds its own Planfix comment by after a crash; plain text, so no HTML filter removes it. */
export function commentMarker(fbCommentId: string): string {
  return `fb:${fbCommentId}`;
}

export interface CommentContext {
  authorName: string;
  /** Set for thread replies. */
  replyTo?: { authorName: string; text: string };
  byPage?: boolean;
  edited?: boolean;
}

export function commentDescription(comment: FbComment, context: CommentContext): string {
  const who = context.byPage ? `${escapeHtml(context.authorName)} (the Page) answered on Facebook` : `${escapeHtml(context.authorName)} on Facebook`;
  const replyTo = context.replyTo
    ? ` — reply to ${escapeHtml(context.replyTo.authorName)}${context.replyTo.text ? `: «${escapeHtml(snippet(context.replyTo.text, 80))}»` : ''}`
    : '';
  const edited = context.edited ? ' <b>(edited)</b>' : '';
  const lines = [`<b>${who}</b>, ${displayTime(comment.createdTime)}${replyTo}${edited}:`];
  if (comment.message) lines.push(paragraph(comment.message));
  if (comment.attachment) lines.push(attachmentLine(comment));
  if (!comment.message && !comment.attachment) lines.push('<i>(no text)</i>');
  const link = comment.permalinkUrl ? `<a href="${escapeHtml(comment.permalinkUrl)}">Open the comment on Facebook</a> · ` : '';
  lines.push(`<small>${link}${commentMarker(comment.id)}</small>`);
  return lines.join('<br>');
}

function attachmentLine(comment: FbComment): string {
  const a = comment.attachment!;
  const href = a.url ?? a.imageUrl;
  const label = a.type === 'sticker' ? 'Sticker' : a.type === 'photo' ? 'Photo' : a.type.startsWith('video') ? 'Video' : 'Attachment';
  const image = a.imageUrl && a.imageUrl !== href ? ` (<a href="${escapeHtml(a.imageUrl)}">image</a>)` : '';
  return href ? `${label}: <a href="${escapeHtml(href)}">${escapeHtml(a.title || href)}</a>${image}` : `${label} (no link given by Facebook)`;
}

export function statusNote(comment: { id: string; permalinkUrl?: string }, what: 'deleted' | 'hidden' | 'unhidden', authorName: string): string {
  const text =
    what === 'deleted'
      ? `The Facebook comment by ${escapeHtml(authorName)} was deleted on Facebook.`
      : what === 'hidden'
        ? `The Facebook comment by ${escapeHtml(authorName)} was hidden on Facebook.`
        : `The Facebook comment by ${escapeHtml(authorName)} is visible again on Facebook.`;
  return `<i>${text}</i><br><small>fbsync · ${commentMarker(comment.id)}:${what}</small>`;
}

/** Facebook gives one display name; Planfix cards have first and last names. */
export function splitName(full: string): { name: string; lastname?: string } {
  const parts = full.trim().split(/\s+/);
  if (parts.length < 2) return { name: full.trim() || 'Facebook user' };
  return { name: parts.slice(0, -1).join(' '), lastname: parts[parts.length - 1] };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** An employee's Planfix comment (HTML) as the plain text published on Facebook; quoted text is left out. */
export function htmlToText(html: string): string {
  return html
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#') && name !== '#39') return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** For comparing a reply found on Facebook with the text fbsync meant to publish. */
export function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

export function replySentNote(marker: string, authorName: string, permalink: string | undefined): string {
  const link = permalink ? ` <a href="${escapeHtml(permalink)}">See it on Facebook</a>.` : '';
  return `<i>✓ Sent to Facebook as the Page's reply to ${escapeHtml(authorName)}.</i>${link}<br><small>fbsync · ${marker}</small>`;
}

export function replyRefusedNote(marker: string, authorName: string, reason: string): string {
  return `<i>✗ Not published on Facebook (reply to ${escapeHtml(authorName)}): ${escapeHtml(reason)} It will not be retried; write a new comment to try again.</i><br><small>fbsync · ${marker}</small>`;
}

export function replyPostponedNote(marker: string, authorName: string, reason: string): string {
  return `<i>! Not yet on Facebook (reply to ${escapeHtml(authorName)}): Facebook is blocking the Page's replies for now (${escapeHtml(reason)}); fbsync will retry.</i><br><small>fbsync · ${marker}</small>`;
}
