import type Database from 'better-sqlite3';
import { Journal } from './journal.js';
import { openDatabase } from './open.js';
import { statementCache } from './statements.js';

export interface PostRow {
  id: string;
  createdTime: string;
  updatedTime: string;
  commentCount: number | null;
  messageHash: string;
  permalinkUrl: string | null;
  /** When every comment seen on the post was last fully imported. */
  syncedAt: string | null;
  /** When all its comments were last re-read to notice edits and deletions. */
  fullScanAt: string | null;
}

export interface PostTaskRow {
  postId: string;
  seq: number;
  taskId: number;
  createdAt: string;
  closedAt: string | null;
}

export interface ContactRow {
  fbUserId: string;
  planfixContactId: number;
  name: string;
  createdByFbsync: boolean;
}

export type CommentState = 'imported' | 'edited' | 'deleted' | 'hidden' | 'skipped';

export interface CommentRow {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string | null;
  authorName: string | null;
  createdTime: string;
  messageHash: string;
  isHidden: boolean;
  state: CommentState;
  taskId: number | null;
  planfixCommentId: number | null;
  byPage: boolean;
}

export interface ReplyRow {
  planfixCommentId: number;
  fbTargetId: string;
  taskId: number;
  fbReplyId: string | null;
  permalinkUrl: string | null;
  /** `postponed`: Facebook refused for now (Graph 368); tried again from `retryAt`, given up 24 h after `blockedSince`. */
  state: 'sent' | 'refused' | 'postponed';
  reason: string | null;
  retryAt?: string | null;
  blockedSince?: string | null;
}

/**
 * Where one employee answer goes for one notified person, decided the first time fbsync sees the
 * answer and never again: `fbCommentId` is the person's comment it answers, `fbTargetId` the thread
 * the Page's reply goes under.
 */
export interface ReplyTargetRow {
  planfixCommentId: number;
  fbUserId: string;
  fbCommentId: string;
  fbTargetId: string;
  taskId: number;
}

export interface RunRow {
  id: number;
  command: string;
  startedAt: string;
  finishedAt: string | null;
  exitCode: number | null;
  summary: string | null;
}

/** Everything fbsync remembers, in one SQLite file. Methods are small typed queries; no policy lives here. */
export class Store {
  readonly journal: Journal;
  readonly permissionWarning?: string;

  private readonly sql: (text: string) => Database.Statement;

  private constructor(readonly db: Database.Database, readonly path: string, permissionWarning?: string) {
    this.sql = statementCache(db);
    this.journal = new Journal(db, this.sql);
    this.permissionWarning = permissionWarning;
  }

  static open(file: string, options: { readonly?: boolean } = {}): Store {
    const { db, permissionWarning } = openDatabase(file, options);
    return new Store(db, file, permissionWarning);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // meta and cursors

  getMeta(key: string): string | undefined {
    return (this.sql('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  deleteMeta(key: string): void {
    this.sql('DELETE FROM meta WHERE key = ?').run(key);
  }

  getCursor(name: string): string | undefined {
    return (this.sql('SELECT value FROM cursor WHERE name = ?').get(name) as { value: string } | undefined)?.value;
  }

  setCursor(name: string, value: string): void {
    this.sql('INSERT INTO cursor (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  cursors(): Record<string, string> {
    const rows = this.sql('SELECT name, value FROM cursor ORDER BY name').all() as { name: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  // posts

  getPost(id: string): PostRow | undefined {
    const row = this
      .sql(
        `SELECT id, created_time AS createdTime, updated_time AS updatedTime, comment_count AS commentCount, message_hash AS messageHash,
                permalink_url AS permalinkUrl, synced_at AS syncedAt, full_scan_at AS fullScanAt FROM post WHERE id = ?`,
      )
      .get(id);
    return row as PostRow | undefined;
  }

  savePost(row: PostRow): void {
    this
      .sql(
        `INSERT INTO post (id, created_time, updated_time, comment_count, message_hash, permalink_url, synced_at, full_scan_at)
         VALUES (@id, @createdTime, @updatedTime, @commentCount, @messageHash, @permalinkUrl, @syncedAt, @fullScanAt)
         ON CONFLICT(id) DO UPDATE SET created_time = excluded.created_time, updated_time = excluded.updated_time,
           comment_count = excluded.comment_count, message_hash = excluded.message_hash, permalink_url = excluded.permalink_url,
           synced_at = excluded.synced_at, full_scan_at = excluded.full_scan_at`,
      )
      .run(row);
  }

  // post → task

  latestTask(postId: string): PostTaskRow | undefined {
    return this
      .sql('SELECT post_id AS postId, seq, task_id AS taskId, created_at AS createdAt, closed_at AS closedAt FROM post_task WHERE post_id = ? ORDER BY seq DESC LIMIT 1')
      .get(postId) as PostTaskRow | undefined;
  }

  tasksOfPost(postId: string): PostTaskRow[] {
    return this
      .sql('SELECT post_id AS postId, seq, task_id AS taskId, created_at AS createdAt, closed_at AS closedAt FROM post_task WHERE post_id = ? ORDER BY seq')
      .all(postId) as PostTaskRow[];
  }

  postOfTask(taskId: number): string | undefined {
    return (this.sql('SELECT post_id AS postId FROM post_task WHERE task_id = ?').get(taskId) as { postId: string } | undefined)?.postId;
  }

  /** `created`: fbsync made the task (false: it found one that existed before). */
  addPostTask(postId: string, seq: number, taskId: number, created: boolean): void {
    this
      .sql('INSERT OR IGNORE INTO post_task (post_id, seq, task_id, created_at, created_by_fbsync) VALUES (?, ?, ?, ?, ?)')
      .run(postId, seq, taskId, new Date().toISOString(), created ? 1 : 0);
  }

  /** fbsync made this task and no comment has gone into it yet. */
  isFreshTask(taskId: number): boolean {
    const row = this.sql('SELECT created_by_fbsync AS created, EXISTS (SELECT 1 FROM fb_comment WHERE task_id = ?) AS used FROM post_task WHERE task_id = ?').get(taskId, taskId) as
      | { created: number | null; used: number }
      | undefined;
    return row?.created === 1 && row.used === 0;
  }

  closePostTask(postId: string, seq: number): void {
    this.sql('UPDATE post_task SET closed_at = ? WHERE post_id = ? AND seq = ? AND closed_at IS NULL').run(new Date().toISOString(), postId, seq);
  }

  // contacts

  getContact(fbUserId: string): ContactRow | undefined {
    return toContact(this.sql(`${CONTACT_SELECT} WHERE fb_user_id = ?`).get(fbUserId));
  }

  putContact(row: ContactRow): void {
    this
      .sql(
        `INSERT INTO contact (fb_user_id, planfix_contact_id, name, created_by_fbsync) VALUES (?, ?, ?, ?)
         ON CONFLICT(fb_user_id) DO UPDATE SET planfix_contact_id = excluded.planfix_contact_id, name = excluded.name`,
      )
      .run(row.fbUserId, row.planfixContactId, row.name, row.createdByFbsync ? 1 : 0);
  }

  contactByPlanfixId(contactId: number): ContactRow | undefined {
    return toContact(this.sql(`${CONTACT_SELECT} WHERE planfix_contact_id = ?`).get(contactId));
  }

  // Facebook comments

  getComment(id: string): CommentRow | undefined {
    return this.toComment(this.sql(`${COMMENT_SELECT} WHERE id = ?`).get(id));
  }

  commentsOfPost(postId: string): CommentRow[] {
    return (this.sql(`${COMMENT_SELECT} WHERE post_id = ? ORDER BY created_time, id`).all(postId) as unknown[]).map((r) => this.toComment(r)!);
  }

  putComment(row: CommentRow): void {
    this
      .sql(
        `INSERT INTO fb_comment (id, post_id, parent_id, author_id, author_name, created_time, message_hash, is_hidden, state, task_id, planfix_comment_id, by_page)
         VALUES (@id, @postId, @parentId, @authorId, @authorName, @createdTime, @messageHash, @isHidden, @state, @taskId, @planfixCommentId, @byPage)
         ON CONFLICT(id) DO UPDATE SET author_name = excluded.author_name, message_hash = excluded.message_hash, is_hidden = excluded.is_hidden,
           state = excluded.state, task_id = excluded.task_id, planfix_comment_id = excluded.planfix_comment_id`,
      )
      .run({ ...row, isHidden: row.isHidden ? 1 : 0, byPage: row.byPage ? 1 : 0 });
  }

  /** Every comment of one person under a post, in any state. */
  commentsBy(postId: string, authorId: string): CommentRow[] {
    return this.sql(`${COMMENT_SELECT} WHERE post_id = ? AND author_id = ?`).all(postId, authorId).map((raw) => this.toComment(raw)!);
  }

  private toComment(raw: unknown): CommentRow | undefined {
    if (!raw) return undefined;
    const r = raw as Omit<CommentRow, "isHidden" | "byPage"> & { isHidden: number; byPage: number };
    return { ...r, isHidden: r.isHidden === 1, byPage: r.byPage === 1 };
  }

  /**
   * Employees' comments in a task with a Planfix id above this one may be answers to Facebook: all
   * of them in a task fbsync made; in a task it found (made before fbsync, or by a store older than
   * this column), only those after fbsync's first comment there. Undefined: no answer is possible yet.
   */
  answersAfter(taskId: number): number | undefined {
    const task = this.sql('SELECT created_by_fbsync AS created FROM post_task WHERE task_id = ?').get(taskId) as { created: number | null } | undefined;
    if (task?.created === 1) return 0;
    return (this.sql('SELECT min(planfix_comment_id) AS id FROM fb_comment WHERE task_id = ?').get(taskId) as { id: number | null }).id ?? undefined;
  }


  // replies published from Planfix

  getReply(planfixCommentId: number, fbTargetId: string): ReplyRow | undefined {
    return this.sql(`${REPLY_SELECT} WHERE planfix_comment_id = ? AND fb_target_id = ?`).get(planfixCommentId, fbTargetId) as ReplyRow | undefined;
  }

  getReplyTarget(planfixCommentId: number, fbUserId: string): ReplyTargetRow | undefined {
    return this.sql(`${REPLY_TARGET_SELECT} WHERE planfix_comment_id = ? AND fb_user_id = ?`).get(planfixCommentId, fbUserId) as ReplyTargetRow | undefined;
  }

  /** Records a decision; the first one stands (a second call for the same answer and person changes nothing). */
  putReplyTarget(row: ReplyTargetRow): ReplyTargetRow {
    this
      .sql(
        `INSERT OR IGNORE INTO reply_target (planfix_comment_id, fb_user_id, fb_comment_id, fb_target_id, task_id, decided_at)
         VALUES (@planfixCommentId, @fbUserId, @fbCommentId, @fbTargetId, @taskId, @now)`,
      )
      .run({ ...row, now: new Date().toISOString() });
    return this.getReplyTarget(row.planfixCommentId, row.fbUserId)!;
  }

  /** The person a reply was decided for (the first, when the answer notified several in one thread). */
  contactOfReply(planfixCommentId: number, fbTargetId: string): ContactRow | undefined {
    return toContact(
      this.sql(
        `${CONTACT_SELECT} WHERE fb_user_id = (SELECT fb_user_id FROM reply_target WHERE planfix_comment_id = ? AND fb_target_id = ? ORDER BY decided_at LIMIT 1)`,
      ).get(planfixCommentId, fbTargetId),
    );
  }

  /** Postponed replies whose wait is over, oldest first. */
  dueReplies(nowIso: string): ReplyRow[] {
    return this.sql(`${REPLY_SELECT} WHERE state = 'postponed' AND retry_at <= ? ORDER BY retry_at`).all(nowIso) as ReplyRow[];
  }

  repliesOf(planfixCommentId: number): ReplyRow[] {
    return this.sql(`${REPLY_SELECT} WHERE planfix_comment_id = ?`).all(planfixCommentId) as ReplyRow[];
  }

  isOurReply(fbCommentId: string): boolean {
    return this.sql('SELECT 1 FROM reply WHERE fb_reply_id = ?').get(fbCommentId) !== undefined;
  }

  putReply(row: ReplyRow): void {
    this
      .sql(
        `INSERT INTO reply (planfix_comment_id, fb_target_id, task_id, fb_reply_id, permalink_url, state, reason, retry_at, blocked_since)
         VALUES (@planfixCommentId, @fbTargetId, @taskId, @fbReplyId, @permalinkUrl, @state, @reason, @retryAt, @blockedSince)
         ON CONFLICT(planfix_comment_id, fb_target_id) DO UPDATE SET fb_reply_id = excluded.fb_reply_id, permalink_url = excluded.permalink_url,
           state = excluded.state, reason = excluded.reason, retry_at = excluded.retry_at, blocked_since = excluded.blocked_since`,
      )
      .run({ retryAt: null, blockedSince: null, ...row });
  }

  // runs

  startRun(command: string): number {
    return Number(this.sql('INSERT INTO run (command, started_at) VALUES (?, ?)').run(command, new Date().toISOString()).lastInsertRowid);
  }

  finishRun(id: number, exitCode: number, summary: unknown): void {
    this.sql('UPDATE run SET finished_at = ?, exit_code = ?, summary = ? WHERE id = ?').run(new Date().toISOString(), exitCode, JSON.stringify(summary), id);
  }

  lastRun(options: { successful?: boolean } = {}): RunRow | undefined {
    const where = options.successful ? 'WHERE finished_at IS NOT NULL AND exit_code = 0' : 'WHERE finished_at IS NOT NULL';
    return this
      .sql(`SELECT id, command, started_at AS startedAt, finished_at AS finishedAt, exit_code AS exitCode, summary FROM run ${where} ORDER BY id DESC LIMIT 1`)
      .get() as RunRow | undefined;
  }

  counts(): Record<string, number> {
    const one = (sql: string) => (this.sql(sql).get() as { n: number }).n;
    return {
      posts: one('SELECT count(*) AS n FROM post'),
      comments: one("SELECT count(*) AS n FROM fb_comment WHERE state != 'skipped'"),
      contacts: one('SELECT count(*) AS n FROM contact'),
      tasks: one('SELECT count(*) AS n FROM post_task'),
      replies: one("SELECT count(*) AS n FROM reply WHERE state = 'sent'"),
    };
  }

  /** Several Pages: what `counts` says, for one Page's posts (a post id starts with its Page id and `_`). */
  countsOfPage(pageId: string): Record<string, number> {
    const prefix = `${pageId}_`;
    const ofPage = (column: string) => `substr(${column}, 1, ${prefix.length}) = @prefix`;
    const one = (sql: string) => (this.sql(sql).get({ prefix }) as { n: number }).n;
    return {
      posts: one(`SELECT count(*) AS n FROM post WHERE ${ofPage('id')}`),
      comments: one(`SELECT count(*) AS n FROM fb_comment WHERE state != 'skipped' AND ${ofPage('post_id')}`),
      tasks: one(`SELECT count(*) AS n FROM post_task WHERE ${ofPage('post_id')}`),
      replies: one(`SELECT count(*) AS n FROM reply WHERE state = 'sent' AND task_id IN (SELECT task_id FROM post_task WHERE ${ofPage('post_id')})`),
    };
  }
}

const CONTACT_SELECT = 'SELECT fb_user_id AS fbUserId, planfix_contact_id AS planfixContactId, name, created_by_fbsync AS createdByFbsync FROM contact';

function toContact(raw: unknown): ContactRow | undefined {
  const row = raw as (Omit<ContactRow, 'createdByFbsync'> & { createdByFbsync: number }) | undefined;
  return row && { ...row, createdByFbsync: row.createdByFbsync === 1 };
}

const COMMENT_SELECT = `SELECT id, post_id AS postId, parent_id AS parentId, author_id AS authorId, author_name AS authorName, created_time AS createdTime,
  message_hash AS messageHash, is_hidden AS isHidden, state, task_id AS taskId, planfix_comment_id AS planfixCommentId, by_page AS byPage FROM fb_comment`;

const REPLY_SELECT = `SELECT planfix_comment_id AS planfixCommentId, fb_target_id AS fbTargetId, task_id AS taskId, fb_reply_id AS fbReplyId, permalink_url AS permalinkUrl, state, reason,
  retry_at AS retryAt, blocked_since AS blockedSince FROM reply`;

const REPLY_TARGET_SELECT = `SELECT planfix_comment_id AS planfixCommentId, fb_user_id AS fbUserId, fb_comment_id AS fbCommentId, fb_target_id AS fbTargetId, task_id AS taskId FROM reply_target`;
