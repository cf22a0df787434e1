// Cursor paging. A cursor names the boundary item by its sort key (created time, creation
// counter), not by an index, so a list that gains or loses items between two requests still
// continues at the right place — as Graph's cursors do. Cursors are opaque base64 (with `=`
// padding, so a client that forgets to URL-encode them breaks here as it would on Graph).

import { GraphError } from './errors.js';

export interface SortKey {
  t: number;
  n: number;
}

const CURSOR_TAG = 'fbsim1';

export function encodeCursor(k: SortKey): string {
  return Buffer.from(`${CURSOR_TAG}:${k.t}:${k.n}`).toString('base64');
}

export function decodeCursor(raw: string, param: string): SortKey {
  const text = Buffer.from(raw, 'base64').toString('utf8');
  const m = /^fbsim1:(-?\d+):(\d+)$/.exec(text);
  if (!m) throw GraphError.param(`(#100) Invalid ${param} cursor: ${raw}`);
  return { t: Number(m[1]), n: Number(m[2]) };
}

/** Time paging (feed with since/until, notes §1 shape 2) carries the boundary in `__paging_token`. */
export const encodePagingToken = (k: SortKey): string => `enc_${encodeCursor(k)}`;

export function decodePagingToken(raw: string): SortKey {
  if (!raw.startsWith('enc_')) throw GraphError.param('(#100) Invalid __paging_token');
  return decodeCursor(raw.slice(4), '__paging_token');
}

export interface Window<T> {
  items: T[];
  hasBefore: boolean;
  hasAfter: boolean;
}

/**
 * `sorted` is already in answer order; `cmp(item, key)` < 0 when the item comes before the key
 * in that order.
 */
export function windowOf<T>(
  sorted: readonly T[],
  cmp: (item: T, key: SortKey) => number,
  opts: { limit: number; after?: SortKey; before?: SortKey },
): Window<T> {
  let start = 0;
  let end: number;
  if (opts.after) {
    const after = opts.after;
    start = countWhile(sorted, (x) => cmp(x, after) <= 0);
    end = Math.min(sorted.length, start + opts.limit);
  } else if (opts.before) {
    const before = opts.before;
    end = countWhile(sorted, (x) => cmp(x, before) < 0);
    start = Math.max(0, end - opts.limit);
  } else {
    end = Math.min(sorted.length, opts.limit);
  }
  return { items: sorted.slice(start, end), hasBefore: start > 0, hasAfter: end < sorted.length };
}

// Lists are sorted, so the items before a key form a prefix.
function countWhile<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(xs[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Builds absolute `next`/`previous` URLs from a base URL plus the request's parameters. */
export function pageUrl(base: string, params: URLSearchParams, set: Record<string, string>, drop: string[]): string {
  const p = new URLSearchParams(params);
  for (const d of drop) p.delete(d);
  for (const [k, v] of Object.entries(set)) p.set(k, v);
  return `${base}?${p.toString()}`;
}

export interface CursorPaging {
  cursors: { before: string; after: string };
  previous?: string;
  next?: string;
}

export function cursorPaging<T>(
  w: Window<T>,
  keyOf: (item: T) => SortKey,
  base: string,
  params: URLSearchParams,
): CursorPaging | undefined {
  if (w.items.length === 0) return undefined;
  const before = encodeCursor(keyOf(w.items[0]));
  const after = encodeCursor(keyOf(w.items[w.items.length - 1]));
  const paging: CursorPaging = { cursors: { before, after } };
  if (w.hasBefore) paging.previous = pageUrl(base, params, { before }, ['after']);
  if (w.hasAfter) paging.next = pageUrl(base, params, { after }, ['before']);
  return paging;
}
