// The Page's content: posts, comments and thread replies. Ids come from one counter so a test
// run is reproducible and no comment number ever equals a post number. Deleted objects stay in
// the maps (flagged) so reads of them can answer Graph's "does not exist" error, while lists
// simply skip them (notes §4 item 4).

import type { SortKey } from './paging.js';

export interface Author {
  id: string;
  name: string;
}

export interface AttachmentRec {
  type: 'photo' | 'sticker' | 'share' | string;
  url: string;
  imageUrl?: string;
}

export interface PostRec {
  id: string;
  n: number;
  message: string;
  story?: string;
  createdMs: number;
  updatedMs: number;
  from: Author;
  isPublished: boolean;
  isHidden: boolean;
  statusType: string;
  fullPicture?: string;
  deleted: boolean;
}

export interface CommentRec {
  id: string;
  n: number;
  postId: string;
  /** The top-level comment this reply belongs to (Graph keeps threads one level deep). */
  parentId?: string;
  /** null = Facebook withholds the author (deleted/restricted account). */
  from: Author | null;
  byPage: boolean;
  message: string;
  attachment?: AttachmentRec;
  createdMs: number;
  canComment: boolean;
  isHidden: boolean;
  likeCount: number;
  deleted: boolean;
}

export interface NewPost {
  message?: string;
  createdTime?: Date;
  story?: string;
  /** A visitor post; default the Page itself. */
  from?: Author;
  /** Pinned to the top of the feed (replaces the pinned post, if any); see FacebookSim.pinPost. */
  pinned?: boolean;
  /** The Page it is posted on (FacebookSimOptions.pages); default the sim's first Page. */
  pageId?: string;
  isPublished?: boolean;
  fullPicture?: string;
  statusType?: string;
}

export interface NewComment {
  from?: Author | null;
  message?: string;
  attachment?: { type: 'photo' | 'sticker' | 'share'; url: string; imageUrl?: string };
  createdTime?: Date;
  canComment?: boolean;
}

// Deterministic stand-ins for commenters when a test does not care who writes.
const DEFAULT_PEOPLE: Author[] = [
  { id: '7100000000000001', name: 'Anna Nowak' },
  { id: '7100000000000002', name: 'Ben Carter' },
  { id: '7100000000000003', name: 'Chloé Martin' },
  { id: '7100000000000004', name: 'Dmitri Ivanov' },
];

export const keyOf = (x: { createdMs: number; n: number }): SortKey => ({ t: x.createdMs, n: x.n });

/** Chronological order: created time, then creation order for items of the same instant. */
export function chrono(a: { createdMs: number; n: number }, b: SortKey): number {
  return a.createdMs - b.t || a.n - b.n;
}

function insertSorted<T extends { createdMs: number; n: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && chrono(list[i - 1], keyOf(item)) > 0) i--;
  list.splice(i, 0, item);
}

/** One id counter for every Page of a sim: no two objects share an id, as on Graph. */
export interface IdCounter {
  seq: number;
}

export class PageState {
  private defaultAuthorTurn = 0;
  private readonly postMap = new Map<string, PostRec>();
  private readonly commentMap = new Map<string, CommentRec>();
  /** Chronological, including deleted ones (filtered on read). */
  private readonly postList: PostRec[] = [];
  private readonly byPost = new Map<string, CommentRec[]>();
  private readonly byParent = new Map<string, CommentRec[]>();
  readonly people = new Map<string, Author>();
  /** The post pinned to the top of the feed, if any. */
  private pinnedId: string | undefined;

  constructor(
    readonly pageId: string,
    readonly pageName: string,
    private readonly now: () => number,
    private readonly ids: IdCounter = { seq: 1000 },
  ) {}

  get page(): Author {
    return { id: this.pageId, name: this.pageName };
  }

  addPost(p: NewPost = {}): PostRec {
    const n = ++this.ids.seq;
    const createdMs = p.createdTime?.getTime() ?? this.now();
    const post: PostRec = {
      id: `${this.pageId}_${n}`,
      n,
      message: p.message ?? '',
      story: p.story,
      createdMs,
      updatedMs: createdMs,
      from: p.from ?? this.page,
      isPublished: p.isPublished ?? true,
      isHidden: false,
      statusType: p.statusType ?? (p.fullPicture ? 'added_photos' : 'mobile_status_update'),
      fullPicture: p.fullPicture,
      deleted: false,
    };
    if (p.from) this.people.set(p.from.id, p.from);
    this.postMap.set(post.id, post);
    insertSorted(this.postList, post);
    this.byPost.set(post.id, []);
    if (p.pinned) this.pinnedId = post.id;
    return post;
  }

  pin(id: string | null): void {
    if (id !== null) this.mustPost(id);
    this.pinnedId = id ?? undefined;
  }

  /** The live pinned post, if any. */
  pinned(): PostRec | undefined {
    return this.pinnedId ? this.post(this.pinnedId) : undefined;
  }

  post(id: string): PostRec | undefined {
    const p = this.postMap.get(id);
    return p && !p.deleted ? p : undefined;
  }

  /** Live comment whose post is live too. */
  comment(id: string): CommentRec | undefined {
    const c = this.commentMap.get(id);
    return c && !c.deleted && this.post(c.postId) ? c : undefined;
  }

  /** Newest created first, as the feed answers. */
  livePosts(): PostRec[] {
    return this.postList.filter((p) => !p.deleted).reverse();
  }

  editPost(id: string, message: string): void {
    const p = this.mustPost(id);
    p.message = message;
    p.updatedMs = Math.max(this.now(), p.updatedMs);
  }

  deletePost(id: string): void {
    this.mustPost(id).deleted = true;
  }

  /**
   * `targetId` is a post (top-level comment) or a comment (thread reply). A reply to a reply is
   * attached to the top-level comment, as Graph does (notes §9.1 — the safe assumption).
   */
  addComment(targetId: string, c: NewComment, byPage = false): CommentRec {
    const post = this.post(targetId);
    const target = post ? undefined : this.comment(targetId);
    if (!post && !target) throw new Error(`FacebookSim: no live post or comment ${targetId}`);
    const postId = post ? post.id : target!.postId;
    const parentId = target ? (target.parentId ?? target.id) : undefined;
    const n = ++this.ids.seq;
    const suffix = postId.slice(postId.indexOf('_') + 1);
    const from = byPage ? this.page : c.from === undefined ? this.nextDefaultAuthor() : c.from;
    const rec: CommentRec = {
      id: `${suffix}_${n}`,
      n,
      postId,
      parentId,
      from,
      byPage,
      message: c.message ?? '',
      attachment: c.attachment ? { ...c.attachment } : undefined,
      createdMs: c.createdTime?.getTime() ?? this.now(),
      canComment: c.canComment ?? true,
      isHidden: false,
      likeCount: 0,
      deleted: false,
    };
    if (from && !byPage) this.people.set(from.id, from);
    this.commentMap.set(rec.id, rec);
    insertSorted(this.byPost.get(postId)!, rec);
    if (parentId) {
      const siblings = this.byParent.get(parentId) ?? [];
      insertSorted(siblings, rec);
      this.byParent.set(parentId, siblings);
    }
    // The docs promise a bump for new comments; the sim bumps for replies too (notes §9.3).
    const p = this.postMap.get(postId)!;
    p.updatedMs = Math.max(p.updatedMs, this.now(), rec.createdMs);
    return rec;
  }

  editComment(id: string, message: string, attachment?: AttachmentRec | null): void {
    const c = this.mustComment(id);
    c.message = message;
    if (attachment !== undefined) c.attachment = attachment ?? undefined;
  }

  /** A thread goes with its top-level comment. */
  deleteComment(id: string): void {
    const c = this.mustComment(id);
    c.deleted = true;
    for (const r of this.byParent.get(c.id) ?? []) r.deleted = true;
  }

  setHidden(id: string, hidden: boolean): void {
    this.mustComment(id).isHidden = hidden;
  }

  /** All live comments of a post: top-level only, or every level (`stream`), chronological. */
  commentsOf(postId: string, filter: 'toplevel' | 'stream'): CommentRec[] {
    return (this.byPost.get(postId) ?? []).filter((c) => !c.deleted && (filter === 'stream' || !c.parentId));
  }

  repliesOf(commentId: string): CommentRec[] {
    return (this.byParent.get(commentId) ?? []).filter((c) => !c.deleted);
  }

  allLiveComments(): CommentRec[] {
    return this.livePosts()
      .flatMap((p) => this.commentsOf(p.id, 'stream'))
      .sort((a, b) => chrono(a, keyOf(b)));
  }

  private nextDefaultAuthor(): Author {
    return DEFAULT_PEOPLE[this.defaultAuthorTurn++ % DEFAULT_PEOPLE.length];
  }

  private mustPost(id: string): PostRec {
    const p = this.post(id);
    if (!p) throw new Error(`FacebookSim: no live post ${id}`);
    return p;
  }

  private mustComment(id: string): CommentRec {
    const c = this.comment(id);
    if (!c) throw new Error(`FacebookSim: no live comment ${id}`);
    return c;
  }
}
