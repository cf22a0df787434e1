import type { ThrottledError } from '../http/errors.js';

// The Facebook Page as the sync engine sees it. Graph JSON is parsed into these shapes by the
// client (graph-client.ts); nothing outside src/facebook knows Graph field names.

export interface FbUser {
  id: string;
  name: string;
  /** Profile picture URL, when the API gave one (signed CDN URL: it expires, use it at once). */
  pictureUrl?: string;
}

export interface FbAttachment {
  /** photo, sticker, video_inline, share, animated_image_share, ... */
  type: string;
  /** Link to the attachment (its page on Facebook, or the media itself). */
  url?: string;
  /** Direct image URL, when there is one. */
  imageUrl?: string;
  title?: string;
}

export interface FbComment {
  /** `{post-id-suffix}_{comment-id}` as Graph returns it. */
  id: string;
  postId: string;
  /** Set on thread replies: the comment this one answers. */
  parentId?: string;
  /** Missing when Facebook withholds the author (deleted/restricted accounts). */
  from?: FbUser;
  /** '' for a photo-only comment. */
  message: string;
  /** ISO time as Graph returns it (`2021-07-23T08:35:18+0000`). */
  createdTime: string;
  attachment?: FbAttachment;
  permalinkUrl?: string;
  isHidden: boolean;
  canComment?: boolean;
  commentCount?: number;
}

export interface FbPost {
  /** `{page-id}_{post-id}`. */
  id: string;
  message: string;
  createdTime: string;
  updatedTime: string;
  permalinkUrl?: string;
  /** Total comments at all levels (`comments.filter(stream).summary(true)`), when known. */
  commentCount?: number;
  /** `story` text, used for the task title when the post has no message. */
  story?: string;
}

export interface PostListOptions {
  /**
   * Oldest created_time wanted: older posts are not yielded, and paging stops after two consecutive
   * older posts (one alone may be a pinned or out-of-order post with newer ones after it).
   */
  since?: Date;
  /** Newest created_time wanted (backfill). */
  until?: Date;
  /** Posts per page (≤ 100); smaller when Facebook said the pages are too heavy (PageSizeMemory). */
  pageSize?: number;
  /** Told before each page is yielded whether it is the listing's last (no `paging.next`, or the window's end reached). */
  onPage?(page: { last: boolean }): void;
}

export interface CommentListOptions {
  /** Newest first, so incremental reads can stop early. Default chronological. */
  newestFirst?: boolean;
  pageSize?: number;
}

/** The listings whose page size adapts to Graph's "reduce the amount of data" answers. */
export type PagedEdge = 'feed' | 'comments' | 'replies';

/**
 * Where the Graph client keeps the page size that worked for each edge, across runs (the sync
 * layer backs it with the store). `get` may return anything a previous version wrote: it is clamped.
 */
export interface PageSizeMemory {
  get(edge: PagedEdge): number | undefined;
  set(edge: PagedEdge, size: number): void;
}

export interface RequestCounter {
  /** Requests sent to this side since the client was made (retries included). */
  readonly requestCount: number;
  /** Set once this side said "stop" (a throttle answer, or usage headers at the limit): nothing more is sent. */
  readonly throttledBy?: ThrottledError;
}

/** What the sync engine needs from Facebook. */
export interface FacebookPage extends RequestCounter {
  readonly pageId: string;
  /** The last usage Facebook reported (highest of its usage headers, percent), once an answer carried one. */
  readonly usage?: { percent: number; regainAfterMinutes: number };
  /** Page feed newest-created first, one array per Graph page, each post with its comment count. */
  listPosts(options?: PostListOptions): AsyncIterable<FbPost[]>;
  getPost(postId: string): Promise<FbPost>;
  /** All comments and thread replies of a post (`filter=stream`), one array per Graph page. */
  listComments(postId: string, options?: CommentListOptions): AsyncIterable<FbComment[]>;
  /** Replies directly under one comment (used to check for our own reply after a crash). */
  listReplies(commentId: string): Promise<FbComment[]>;
  getComment(commentId: string): Promise<FbComment>;
  /** The person's profile picture URL, or undefined when Facebook gives none (never throws for that). */
  getPicture(userId: string): Promise<string | undefined>;
  /** Publish `message` under `commentId` as the Page. Returns the new comment id. */
  reply(commentId: string, message: string): Promise<{ id: string; permalinkUrl?: string }>;
}
