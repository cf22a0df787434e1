// The Facebook Page over the Graph API (api-notes-facebook.md §1–3, 5). Paths and bodies only: URLs,
// signing and paging are graph-api.ts' (shared with OAuthClient); pacing, retries and the throttle are
// HttpClient's; errors are graph-errors.ts'; shapes parse.ts'.

import type { BackoffPolicy } from '../http/backoff.js';
import { type HttpRequest, type HttpResponse, parseJson } from '../http/client.js';
import { AuthError, MalformedResponseError, RemoteError, ThrottledError, TooMuchDataError, writeOutcomeUnknown } from '../http/errors.js';
import { redact } from '../http/secrets.js';
import { GraphApi } from './graph-api.js';
import { type At, at, graphTimeToDate, parseComment, parseCreated, parseList, parsePicture, parsePost } from './parse.js';
import { withParams } from './proof.js';
import type { CommentListOptions, FacebookPage, FbComment, FbPost, PageSizeMemory, PagedEdge, PostListOptions } from './types.js';
import { type Usage, applyUsage, readUsage } from './usage.js';

export interface GraphClientOptions {
  /** e.g. "https://graph.facebook.com"; tests and the simulator point it at 127.0.0.1. */
  graphUrl: string;
  /** e.g. "v24.0" */
  apiVersion: string;
  pageId: string;
  appId: string;
  appSecret: string;
  /** Page access token. */
  accessToken: string;
  /** Requests in flight at once. */
  concurrency: number;
  timeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Page sizes that worked on earlier runs (see PageSizeMemory); without it every run starts at MAX_PAGE_SIZE. */
  pageSizes?: PageSizeMemory;
}

/** Post fields; the comment count rides along as a summary so unchanged posts cost nothing more (notes §4.2). */
export const POST_FIELDS = 'id,message,story,created_time,updated_time,permalink_url,comments.filter(stream).summary(true).limit(0)';
export const COMMENT_FIELDS = 'id,message,created_time,from{id,name},parent{id},attachment,permalink_url,is_hidden,can_comment,comment_count';
/**
 * The feed's fields when even MIN_PAGE_SIZE posts with the comment summary are too heavy. Without the
 * summary a post has no comment count, and the sync reads every such post's comments (Inbound.needsSync):
 * dearer, but nothing is missed.
 */
export const LIGHT_POST_FIELDS = 'id,message,story,created_time,updated_time,permalink_url';
/** Graph's maximum page size on the feed family (notes §1); also used for comments (§2, undocumented there). */
export const MAX_PAGE_SIZE = 100;
/** Halving a page that Graph found too heavy stops here: a page of 5 that still fails is not a size problem. */
export const MIN_PAGE_SIZE = 5;
/** Growth per run, back towards MAX_PAGE_SIZE, of a size that had been reduced. */
const PAGE_SIZE_GROWTH = 1.25;

export class GraphClient extends GraphApi implements FacebookPage {
  readonly pageId: string;
  private lastUsage: Usage | undefined;
  /** Page size per edge for this client's life: from the memory at first use, halved on TooMuchDataError. */
  private readonly pageSizes = new Map<PagedEdge, number>();
  /** Edges that got a TooMuchDataError in this life (their size is not grown this run). */
  private readonly reduced = new Set<PagedEdge>();
  /** Edges whose memory was already updated after a full-size page in this life (grown once per run). */
  private readonly settled = new Set<PagedEdge>();

  constructor(private readonly options: GraphClientOptions) {
    super({ ...options, token: options.accessToken, tokenName: 'Page access token' });
    this.pageId = options.pageId;
  }

  protected override onResponse(response: HttpResponse): void {
    const usage = readUsage(response.headers);
    if (!usage) return;
    this.lastUsage = usage;
    // At ≥ 90 % this stops the side: the answer in hand is still returned, nothing more goes out.
    applyUsage(usage, this.http.throttle);
  }

  /** The last usage Facebook reported (highest of its usage headers), if any answer carried one. */
  get usage(): { percent: number; regainAfterMinutes: number } | undefined {
    return this.lastUsage && { percent: this.lastUsage.percent, regainAfterMinutes: this.lastUsage.regainAfterMinutes };
  }

  /**
   * The feed, newest-created first. Posts created before `since` are not yielded; paging stops after
   * two consecutive such posts. One alone does not end it: a pinned post leads the feed whatever its
   * age, and the feed is not strictly ordered (an old post can come between newer ones). Empty pages
   * are not yielded.
   */
  async *listPosts(options: PostListOptions = {}): AsyncIterable<FbPost[]> {
    const params: Record<string, string> = { fields: POST_FIELDS, limit: String(this.pageSize('feed', options.pageSize)) };
    if (options.until) params.until = String(Math.floor(options.until.getTime() / 1000));
    const since = options.since?.getTime();
    let olderInARow = 0;
    let more = true;
    const pages = this.pages(this.url(`${this.pageId}/feed`, params), 'posts', (value, what) => parseList(value, what, parsePost), this.pageOf('feed'), (next) => (more = next));
    for await (const posts of pages) {
      if (since === undefined) {
        options.onPage?.({ last: !more });
        yield posts;
        continue;
      }
      const wanted: FbPost[] = [];
      for (const post of posts) {
        if (createdMs(post.createdTime) >= since) {
          wanted.push(post);
          olderInARow = 0;
        } else if (++olderInARow >= 2) {
          break;
        }
      }
      if (wanted.length > 0) {
        options.onPage?.({ last: !more || olderInARow >= 2 });
        yield wanted;
      }
      if (olderInARow >= 2) return;
    }
  }

  getPost(postId: string): Promise<FbPost> {
    return this.getOne(this.url(postId, { fields: POST_FIELDS }), parsePost);
  }

  /** Every comment and reply of the post (`filter=stream`), chronological unless `newestFirst`. */
  async *listComments(postId: string, options: CommentListOptions = {}): AsyncIterable<FbComment[]> {
    const url = this.url(`${postId}/comments`, {
      filter: 'stream',
      order: options.newestFirst ? 'reverse_chronological' : 'chronological',
      limit: String(this.pageSize('comments', options.pageSize)),
      fields: COMMENT_FIELDS,
    });
    yield* this.pages(url, 'comments', (value, what) => parseList(value, what, (item, where) => parseComment(item, where, postId)), this.pageOf('comments'));
  }

  /**
   * Replies under one comment, newest first, all pages. Their `postId` is '' — the comment id
   * alone does not name its post and Graph's Comment has no post field (use the caller's own).
   */
  async listReplies(commentId: string): Promise<FbComment[]> {
    const url = this.url(`${commentId}/comments`, { filter: 'stream', order: 'reverse_chronological', limit: String(this.pageSize('replies')), fields: COMMENT_FIELDS });
    const replies: FbComment[] = [];
    for await (const page of this.pages(url, 'comments', (value, what) => parseList(value, what, (item, where) => parseComment(item, where, '')), this.pageOf('replies'))) {
      replies.push(...page);
    }
    return replies;
  }

  /** One comment. Its `postId` is '' (unknown from the id alone); `parentId` is set for replies. */
  getComment(commentId: string): Promise<FbComment> {
    return this.getOne(this.url(commentId, { fields: COMMENT_FIELDS }), (value, where) => parseComment(value, where, ''));
  }

  /** Profile picture URL; undefined for a silhouette or when Facebook refuses (never throws for that). */
  async getPicture(userId: string): Promise<string | undefined> {
    const url = this.url(`${userId}/picture`, { type: 'large', redirect: 'false' });
    try {
      return parsePicture(await this.getJson(url), this.describe('GET', url));
    } catch (error) {
      if (error instanceof RemoteError && !(error instanceof ThrottledError) && !(error instanceof AuthError)) return undefined;
      throw error;
    }
  }

  /**
   * Publishes `message` under `commentId` as the Page. Never retried here when the outcome is
   * unknown: the journal looks for the reply first (architecture.md § Exactly-once effects).
   */
  async reply(commentId: string, message: string): Promise<{ id: string; permalinkUrl?: string }> {
    const request: HttpRequest = { method: 'POST', url: this.url(`${commentId}/comments`), form: { message, fields: 'id,permalink_url' } };
    const what = this.describe('POST', request.url);
    const response = await this.send(request);
    const parsed = parseJson(response.body);
    try {
      if (!parsed) throw new MalformedResponseError('facebook', `Facebook answer to ${what} is not JSON`);
      return parseCreated(parsed.value, what);
    } catch (error) {
      // A 2xx came back, so the reply was most likely published: let the journal look for it.
      if (!(error instanceof MalformedResponseError)) throw error;
      throw writeOutcomeUnknown('facebook', error);
    }
  }

  /** The page size to ask for on `edge`: the caller's wish, at most what this run found Graph can answer. */
  private pageSize(edge: PagedEdge, requested?: number): number {
    let size = this.pageSizes.get(edge);
    if (size === undefined) {
      size = clampSize(this.options.pageSizes?.get(edge), MIN_PAGE_SIZE) ?? MAX_PAGE_SIZE;
      this.pageSizes.set(edge, size);
    }
    return Math.min(size, clampSize(requested) ?? MAX_PAGE_SIZE);
  }

  /**
   * One page of a listing. When Graph finds it too heavy (TooMuchDataError) the same page is asked
   * again at once with half the `limit` (rewritten in the URL, a `paging.next` one too), down to
   * MIN_PAGE_SIZE; the feed then drops its comment summary. Graph's `next` URLs repeat the request's
   * query, so the following pages keep the size (and fields) that worked.
   */
  private async getPage(first: string, edge: PagedEdge): Promise<unknown> {
    let url = first;
    // Another listing of this edge may have found a smaller size since this `next` URL was made.
    const size = this.pageSize(edge);
    if (limitOf(url) > size) url = withParams(url, { limit: String(size) });
    for (;;) {
      const limit = limitOf(url);
      try {
        const value = await this.getJson(url);
        this.rememberSize(edge, limit);
        return value;
      } catch (error) {
        if (!(error instanceof TooMuchDataError)) throw error;
        if (limit > MIN_PAGE_SIZE) {
          const smaller = Math.min(Math.max(MIN_PAGE_SIZE, Math.floor(limit / 2)), this.pageSize(edge));
          this.reduced.add(edge);
          this.pageSizes.set(edge, smaller);
          url = withParams(url, { limit: String(smaller) });
          continue;
        }
        const fields = new URL(url).searchParams.get('fields');
        if (edge === 'feed' && fields !== LIGHT_POST_FIELDS) {
          url = withParams(url, { fields: LIGHT_POST_FIELDS });
          continue;
        }
        throw new TooMuchDataError(
          'facebook',
          redact(`${error.message} (still too heavy at ${limit} items a page${edge === 'feed' ? ' without comment counts' : ''}, the smallest fbsync asks for); try again later`),
          error.apiCode,
          error.apiSubcode,
          { cause: error },
        );
      }
    }
  }

  /**
   * After a page of `limit` items passed: a reduced size is remembered for later runs; a size that
   * passed in full is grown back a little, once per run (clients live for one run).
   */
  private rememberSize(edge: PagedEdge, limit: number): void {
    const memory = this.options.pageSizes;
    if (!memory) return;
    const size = this.pageSize(edge);
    if (this.reduced.has(edge)) {
      if (memory.get(edge) !== size) memory.set(edge, size);
      return;
    }
    if (this.settled.has(edge)) return;
    // Only a page asked at the full size of this run tells that size is fine.
    if (limit < size) return;
    this.settled.add(edge);
    const remembered = clampSize(memory.get(edge), MIN_PAGE_SIZE);
    if (remembered !== undefined && remembered < MAX_PAGE_SIZE) memory.set(edge, Math.min(MAX_PAGE_SIZE, Math.ceil(remembered * PAGE_SIZE_GROWTH)));
  }

  /** Reads one page of `edge` through getPage (its size adapts to what Graph can answer). */
  private pageOf(edge: PagedEdge): (url: string) => Promise<unknown> {
    return (url) => this.getPage(url, edge);
  }

  private async getOne<T>(url: string, parse: (value: unknown, where: At) => T): Promise<T> {
    const value = await this.getJson(url);
    return parse(value, at(this.describe('GET', url)));
  }
}

function clampSize(size: number | undefined, min = 1): number | undefined {
  if (size === undefined || !Number.isFinite(size)) return undefined;
  return Math.min(MAX_PAGE_SIZE, Math.max(min, Math.floor(size)));
}

/** The `limit` a page URL asks for (Graph's default 25 when it names none). */
function limitOf(url: string): number {
  try {
    const raw = new URL(url).searchParams.get('limit');
    return raw !== null && /^\d+$/.test(raw) ? Number(raw) : 25;
  } catch {
    return MAX_PAGE_SIZE;
  }
}

function createdMs(time: string): number {
  // parse.ts has checked the time already.
  return graphTimeToDate(time)?.getTime() ?? 0;
}
