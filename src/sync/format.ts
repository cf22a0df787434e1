import { createHash } from 'node:crypto';
import { compile } from 'html-to-text';
import type { FbComment, FbPost } from '../facebook/types.js';
import { type CommentNote, commentMarker, commentNoteMarker } from './markers.js';

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

/** The description of a task whose status refused the post's comments: where they go now, then the post. */
export function movedDescription(post: FbPost, newTaskId: number): string {
  return `<p><b>New comments on this post now go to task #${newTaskId}.</b></p>${taskDescription(post)}`;
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

export function statusNote(comment: { id: string; permalinkUrl?: string }, what: CommentNote, authorName: string): string {
  const text =
    what === 'deleted'
      ? `The Facebook comment by ${escapeHtml(authorName)} was deleted on Facebook.`
      : what === 'hidden'
        ? `The Facebook comment by ${escapeHtml(authorName)} was hidden on Facebook.`
        : `The Facebook comment by ${escapeHtml(authorName)} is visible again on Facebook.`;
  return `<i>${text}</i><br><small>fbsync · ${commentNoteMarker(comment.id, what)}</small>`;
}

/** Facebook gives one display name; Planfix cards have first and last names. */
export function splitName(full: string): { name: string; lastname?: string } {
  const parts = full.trim().split(/\s+/);
  if (parts.length < 2) return { name: full.trim() || 'Facebook user' };
  return { name: parts.slice(0, -1).join(' '), lastname: parts[parts.length - 1] };
}

// Employees write rich text in Planfix; Facebook shows plain text. html-to-text does the HTML
// (entities, lists, block breaks); the selectors below say what a Facebook reader should see.
// (selderee takes one selector per entry, no lists)
const MENTIONS = ['.mention', '[data-type=mention]', '[data-mention]'];
const QUOTES = ['blockquote', '.quote', '.blockquote'];

/** The text an element shows (for links and mentions). */
function textOf(node: DomNode): string {
  if (node.type === 'text') return node.data ?? '';
  return (node.children ?? []).map(textOf).join('');
}

interface DomNode {
  type: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
  prev?: DomNode | null;
}

function previousElement(node: DomNode): DomNode | undefined {
  for (let at = node.prev; at; at = at.prev) if (at.type === 'tag') return at;
  return undefined;
}

/** A link's target, as a Facebook reader can use it: absolute web or mail addresses only. */
function linkTarget(href: string, _meta: unknown, elem?: DomNode): string {
  // html-to-text passes the element too (its typings stop at `meta`).
  const text = elem ? textOf(elem).trim() : '';
  const bare = (u: string) => u.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  if (/^https?:\/\//i.test(href)) return bare(text) === bare(href) ? text : href;
  // formatAnchor strips `mailto:` before calling this.
  if (/^[^\s@/:]+@[^\s@/]+$/.test(href)) return text === href ? text : href;
  return ''; // relative (Planfix-internal), javascript:, tel: … — the text alone
}

const plainText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['(', ')'], noAnchorUrl: true, pathRewrite: linkTarget } },
    { selector: 'img', format: 'emojiOnly' },
    // Planfix's editor makes a paragraph of every line typed: one line break, as the employee saw it.
    ...['p', 'ol', 'pre'].map((selector) => ({ selector, options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } })),
    { selector: 'ul', options: { itemPrefix: '• ', leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false, leadingLineBreaks: 1, trailingLineBreaks: 1 } })),
    // A table reads row by row, cells apart (Facebook's font would not keep columns aligned).
    ...['table', 'tr'].map((selector) => ({ selector, format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } })),
    { selector: 'td', format: 'cell' },
    { selector: 'th', format: 'cell' },
    { selector: 'hr', format: 'skip' },
    ...QUOTES.map((selector) => ({ selector, format: 'skip' })),
    ...MENTIONS.map((selector) => ({ selector, format: 'mention' })),
  ],
  formatters: {
    cell: (elem, walk, builder) => {
      if (previousElement(elem as DomNode)) builder.addInline(' · ');
      walk((elem as DomNode).children as never, builder);
    },
    // An employee mentioned in the answer: the name only (a Planfix user means nothing on Facebook).
    mention: (elem, _walk, builder) => builder.addInline(textOf(elem as DomNode).trim().replace(/^@/, '')),
    // Emoji some editors store as pictures keep their character; other pictures are not sent.
    emojiOnly: (elem, _walk, builder) => {
      const alt = (elem as DomNode).attribs?.alt ?? '';
      if (/^\p{Extended_Pictographic}/u.test(alt) && alt.length <= 16) builder.addInline(alt);
    },
  },
});

/**
 * An employee's Planfix comment (HTML) as the plain text published on Facebook: links keep their
 * address, list items their bullet, quoted text is left out. Deterministic: the reply half
 * compares this text with what Facebook holds after a crash.
 */
export function htmlToText(html: string): string {
  // Text without any markup (an API client's comment) keeps its line breaks.
  const source = /<[a-z!/]/i.test(html) ? html : html.replace(/\r?\n/g, '<br>');
  return plainText(source)
    .replace(/\u00a0/g, ' ')
    .replace(/^ (?=[0-9a-zA-Z]+\. )/gm, '') // html-to-text indents ordered-list numbers by one space
    .replace(/[ \t]+$/gm, '')
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
