// FacebookSim: one Facebook Page, its app and its admin, with a synchronous JS API for tests
// and an http handler that answers like Graph. State changes made through the API and through
// HTTP are the same operations, so a test can mix them freely.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultDecision, type FaultKind, type FaultOptions, FaultPlan, type ThrottleCode } from './faults.js';
import type { RouteEnv } from './http-types.js';
import { type RequestLogEntry, serve, type ServeHost } from './server.js';
import { type Author, type CommentRec, type IdCounter, type NewComment, type NewPost, PageState, type PostRec } from './state.js';
import { type GrantInput, makeGrant, TokenStore, type TokenRec } from './tokens.js';
import { Usage } from './usage.js';
import type { ResponseOverride } from '../override.js';

export interface FacebookSimOptions {
  pageId?: string;
  pageName?: string;
  /**
   * Off by default. Further Pages the sim's admin manages, each with its own posts, comments,
   * name and never-expiring Page token (pageTokenOf). Post ids are `{page-id}_{n}` as on Graph;
   * `/{page-id}/feed` lists that Page's posts only; debug_token answers per token.
   */
  pages?: { pageId: string; pageName?: string }[];
  appId?: string;
  appSecret?: string;
  /** The valid Page token; random when not given. */
  pageToken?: string;
  /** Require appsecret_proof on every token call (default true, as "Require App Secret" does). */
  requireProof?: boolean;
  /** Delay of every answer, for benchmarks. */
  latencyMs?: number;
  /** Calls that make 100 % usage; after that every call is throttled (default 1,000,000). */
  callBudget?: number;
  /** Version reported for requests without a version prefix (default v24.0). */
  defaultVersion?: string;
  /**
   * Off by default. A list page (feed, comments) heavier than this is refused with Graph's
   * "Please reduce the amount of data you're asking for" (code 1, HTTP 500, body `{code, message}`
   * only). Weight = each item 1, plus for each nested edge in an item (e.g. the feed's
   * `comments.summary(true).limit(0)`) 1 and the weight of its items. A feed page of n posts with
   * the comment summary weighs 2n; without it n; a page of n comments weighs n.
   */
  maxPageWeight?: number;
  /** Off by default. `limit` of list requests (feed, comments) is silently capped at this many items; `paging.next` leads on. */
  pageLimitCap?: number;
  /**
   * Off by default. Replies (POST /{comment-id}/comments) answer #368/1390008 "We limit how often you can
   * post…": the first `calls` replies (then it lifts), or all of them until `blockReplies(null)`.
   */
  blockReplies?: { calls?: number };
  /**
   * How a comment without text (photo or sticker only) carries its `message`: `''` (default, as in
   * the fixtures the notes quote) or `'absent'` — no `message` field (Graph's spec marks every field optional).
   */
  emptyCommentMessage?: 'empty' | 'absent';
}

export interface SimComment {
  id: string;
  postId: string;
  /** Top-level comment of a thread reply. */
  parentId?: string;
  /** null when Facebook withholds the author. */
  from: Author | null;
  byPage: boolean;
  message: string;
  attachment?: { type: string; url: string; imageUrl?: string };
  createdTime: Date;
  isHidden: boolean;
  canComment: boolean;
}

export interface SimPost {
  id: string;
  message: string;
  story?: string;
  from: Author;
  createdTime: Date;
  updatedTime: Date;
  isPublished: boolean;
}

export type { FaultKind, FaultOptions, ThrottleCode, RequestLogEntry, GrantInput, Author };
export type { ResponseOverride, SimAnswer, SimRequestInfo } from '../override.js';

const commentView = (c: CommentRec): SimComment => ({
  id: c.id,
  postId: c.postId,
  parentId: c.parentId,
  from: c.from ? { ...c.from } : null,
  byPage: c.byPage,
  message: c.message,
  attachment: c.attachment ? { ...c.attachment } : undefined,
  createdTime: new Date(c.createdMs),
  isHidden: c.isHidden,
  canComment: c.canComment,
});

const postView = (p: PostRec): SimPost => ({
  id: p.id,
  message: p.message,
  story: p.story,
  from: { ...p.from },
  createdTime: new Date(p.createdMs),
  updatedTime: new Date(p.updatedMs),
  isPublished: p.isPublished,
});

export class FacebookSim {
  readonly pageId: string;
  readonly pageName: string;
  readonly appId: string;
  readonly appSecret: string;
  /** The sim's admin user, who owns every user token. */
  readonly user: Author = { id: '100000000000042', name: 'Dana Admin' };
  readonly requestLog: RequestLogEntry[] = [];
  latencyMs: number;

  private readonly state: PageState;
  private readonly tokens: TokenStore;
  private readonly usage: Usage;
  private readonly env: RouteEnv;
  private readonly host: ServeHost;
  private readonly defaultPageToken: TokenRec;
  /** Every Page with content, the first Page first. */
  private readonly states = new Map<string, PageState>();
  private readonly pageTokens = new Map<string, TokenRec>();
  private faults: FaultPlan | null = null;
  private readonly forcedThrottles: ThrottleCode[] = [];
  private clockOffsetMs = 0;
  private responseOverride: ResponseOverride | null = null;

  constructor(opts: FacebookSimOptions = {}) {
    this.pageId = opts.pageId ?? '104857600000000';
    this.pageName = opts.pageName ?? 'Demo Bakery';
    this.appId = opts.appId ?? '1234567890123456';
    this.appSecret = opts.appSecret ?? 'fbsim-app-secret-0123456789abcdef';
    this.latencyMs = opts.latencyMs ?? 0;
    const now = () => this.now().getTime();
    const ids: IdCounter = { seq: 1000 };
    this.state = new PageState(this.pageId, this.pageName, now, ids);
    this.states.set(this.pageId, this.state);
    for (const p of opts.pages ?? []) {
      if (!this.states.has(p.pageId)) this.states.set(p.pageId, new PageState(p.pageId, p.pageName ?? `Page ${p.pageId}`, now, ids));
    }
    this.tokens = new TokenStore(this.user.id, () => Math.floor(now() / 1000));
    this.usage = new Usage(opts.callBudget ?? 1_000_000);
    this.defaultPageToken = this.tokens.issuePage(this.pageId, makeGrant(undefined, this.pageId), undefined, opts.pageToken);
    this.pageTokens.set(this.pageId, this.defaultPageToken);
    for (const id of this.states.keys()) {
      if (id !== this.pageId) this.pageTokens.set(id, this.tokens.issuePage(id, makeGrant(undefined, id)));
    }
    this.env = {
      state: this.state,
      states: this.states,
      tokens: this.tokens,
      appId: this.appId,
      appSecret: this.appSecret,
      appName: 'fbsync',
      requireProof: opts.requireProof ?? true,
      user: this.user,
      pages: new Map([...this.states.values()].map((s) => [s.pageId, s.pageName])),
      policyBlock: false,
      replyBlock: null,
      maxPageWeight: opts.maxPageWeight ?? null,
      pageLimitCap: opts.pageLimitCap ?? null,
      emptyCommentMessage: opts.emptyCommentMessage ?? 'empty',
      nowMs: now,
    };
    if (opts.blockReplies) this.blockReplies(opts.blockReplies);
    this.host = {
      env: this.env,
      usage: this.usage,
      latencyMs: () => this.latencyMs,
      defaultVersion: opts.defaultVersion ?? 'v24.0',
      log: this.requestLog,
      nextFault: (isWrite, canRepeat) => this.nextFault(isWrite, canRepeat),
      slowMs: () => this.faults?.slowMs ?? 15_000,
      repeatCache: new Map(),
      timers: new Set(),
      override: () => this.responseOverride,
    };
  }

  /** node:http request listener. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    serve(this.host, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  };

  /** Cancels delayed answers (slow faults, latency) so a server can close at once. */
  cancelPending(): void {
    for (const t of this.host.timers) clearTimeout(t);
    this.host.timers.clear();
  }

  // --- tokens -----------------------------------------------------------------------------------

  /** The valid Page token (never expires, all fbsync permissions for this Page). */
  get pageToken(): string {
    return this.defaultPageToken.token;
  }

  /** The valid Page token of one of the sim's Pages (FacebookSimOptions.pages). */
  pageTokenOf(pageId: string): string {
    const rec = this.pageTokens.get(pageId);
    if (!rec) throw new Error(`FacebookSim: no Page ${pageId}`);
    return rec.token;
  }

  /** Ids of the Pages with content, the first Page first. */
  get pageIds(): string[] {
    return [...this.states.keys()];
  }

  /** Every user and Page token issued so far, revoked ones included (for secret-leak checks). */
  allTokens(): string[] {
    return this.tokens.all();
  }

  get appToken(): string {
    return `${this.appId}|${this.appSecret}`;
  }

  /** A code as the OAuth dialog would redirect with, after the user granted `grant`. */
  issueOAuthCode(redirectUri: string, grant?: GrantInput): string {
    return this.tokens.issueCode(redirectUri, this.grantOf(grant));
  }

  issueUserToken(grant?: GrantInput, opts: { longLived?: boolean } = {}): string {
    return this.tokens.issueUser(this.grantOf(grant), opts.longLived ?? false).token;
  }

  /** A never-expiring Page token of this Page (or another of the sim's Pages) with the given grant (e.g. lacking a permission). */
  issuePageToken(grant?: GrantInput, pageId = this.pageId): string {
    return this.tokens.issuePage(pageId, this.grantOf(grant, pageId)).token;
  }

  /** Invalidates the token (and Page tokens derived from it): 190/460 from then on. */
  revokeToken(token: string): void {
    this.tokens.revoke(token);
  }

  /** A user's grant defaults to every Page of the sim; a Page token's to its own Page. */
  private grantOf(input: GrantInput | undefined, pageId?: string) {
    const grant = makeGrant(input, pageId ?? [...this.states.keys()]);
    // Pages named in a grant exist as (empty) Pages the admin also manages.
    for (const ids of Object.values(grant.targets)) {
      for (const id of ids) if (!this.env.pages.has(id)) this.env.pages.set(id, `Other Page ${id}`);
    }
    return grant;
  }

  // --- clock ----------------------------------------------------------------------------------------

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** Moves the sim's clock (token expiry, appsecret_time, default created times). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  // --- content ----------------------------------------------------------------------------------

  addPost(p: NewPost = {}): { id: string } {
    const state = p.pageId === undefined ? this.state : this.states.get(p.pageId);
    if (!state) throw new Error(`FacebookSim: no Page ${p.pageId}`);
    return { id: state.addPost(p).id };
  }

  /** The Page a post or comment belongs to (the first Page when none has it: its errors then say so). */
  private stateOf(id: string): PageState {
    for (const state of this.states.values()) if (state.post(id) || state.comment(id)) return state;
    return this.state;
  }

  editPost(id: string, message: string): void {
    this.stateOf(id).editPost(id, message);
  }

  deletePost(id: string): void {
    this.stateOf(id).deletePost(id);
  }

  /** On a post: a top-level comment; on a comment: a thread reply (on a reply: same thread). */
  addComment(postOrCommentId: string, c: NewComment = {}): { id: string } {
    return { id: this.stateOf(postOrCommentId).addComment(postOrCommentId, c).id };
  }

  /** An admin answering as the Page (the post's own Page) on facebook.com, not through the API. */
  addPageComment(targetId: string, message: string): { id: string } {
    return { id: this.stateOf(targetId).addComment(targetId, { message }, true).id };
  }

  editComment(id: string, message: string): void {
    this.stateOf(id).editComment(id, message);
  }

  deleteComment(id: string): void {
    this.stateOf(id).deleteComment(id);
  }

  setHidden(id: string, hidden: boolean): void {
    this.stateOf(id).setHidden(id, hidden);
  }

  /** While on, creating or editing comments answers (#368). */
  setPolicyBlock(on: boolean): void {
    this.env.policyBlock = on;
  }

  /**
   * Replies (POST /{comment-id}/comments, not comments on posts) answer #368/1390008 — the first
   * `calls` of them when given, else until blockReplies(null) lifts the block.
   */
  blockReplies(opts: { calls?: number } | null): void {
    this.env.replyBlock = opts ? { left: opts.calls ?? Number.POSITIVE_INFINITY } : null;
  }

  /** See FacebookSimOptions.maxPageWeight; null turns it off. */
  setMaxPageWeight(weight: number | null): void {
    this.env.maxPageWeight = weight;
  }

  /** See FacebookSimOptions.pageLimitCap; null turns it off. */
  setPageLimitCap(cap: number | null): void {
    this.env.pageLimitCap = cap;
  }

  /**
   * Pins a post (one at a time, as on facebook.com): the feed shows it first, before newer posts,
   * whatever its age; null unpins. Only cursor paging shows it first (with since/until the feed stays in time order).
   */
  pinPost(id: string | null): void {
    (id === null ? this.state : this.stateOf(id)).pin(id);
  }

  /** Live comments (Page ones too), chronological; of one post when given (of every Page's posts otherwise). */
  comments(postId?: string): SimComment[] {
    const list = postId
      ? this.stateOf(postId).commentsOf(postId, 'stream')
      : this.states.size === 1
        ? this.state.allLiveComments()
        : [...this.states.values()].flatMap((s) => s.allLiveComments()).sort((a, b) => a.createdMs - b.createdMs || a.n - b.n);
    return list.map(commentView);
  }

  repliesTo(commentId: string): SimComment[] {
    return this.stateOf(commentId).repliesOf(commentId).map(commentView);
  }

  getComment(id: string): SimComment | undefined {
    const c = this.stateOf(id).comment(id);
    return c && commentView(c);
  }

  /** Live posts, newest created first (feed order): of the first Page, or of the Page given. */
  posts(pageId?: string): SimPost[] {
    const state = pageId === undefined ? this.state : this.states.get(pageId);
    return (state?.livePosts() ?? []).map(postView);
  }

  getPost(id: string): SimPost | undefined {
    const p = this.stateOf(id).post(id);
    return p && postView(p);
  }

  // --- faults and usage ------------------------------------------------------------------------

  setFaults(opts: FaultOptions | null): void {
    this.faults = opts ? new FaultPlan(opts) : null;
  }

  /** The next Graph request gets this throttle answer, whatever the fault settings. */
  throttleNext(code: ThrottleCode = 80001): void {
    this.forcedThrottles.push(code);
  }

  /**
   * Test hook: sees every Graph request before fault injection and may answer it instead (a
   * malformed body, an HTML page, a repeated page) or alter the real answer; null removes it.
   * See ../override.ts.
   */
  setResponseOverride(hook: ResponseOverride | null): void {
    this.responseOverride = hook;
  }

  setCallBudget(calls: number): void {
    this.usage.budget = calls;
  }

  /** Starts a new usage window (Graph's rolling 24 h, collapsed). */
  resetUsage(): void {
    this.usage.calls = 0;
  }

  /** Graph calls answered so far (all of them count towards usage). */
  get callCount(): number {
    return this.usage.calls;
  }

  private nextFault(isWrite: boolean, canRepeat: boolean): FaultDecision | null {
    const forced = this.forcedThrottles.shift();
    if (forced !== undefined) return { kind: 'throttle', throttleCode: forced, regainMinutes: 5 };
    if (!this.faults) return null;
    return this.faults.decide((k) => (k === 'resetAfterWrite' ? isWrite : k === 'repeatPage' ? canRepeat : true));
  }
}
