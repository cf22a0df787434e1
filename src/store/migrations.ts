// Numbered, append-only. A store whose user_version is above the last number here was written by a
// newer fbsync and is refused, never downgraded (behaviour.md § Guarantees, "nothing stored is damaged").

import { META } from './meta-keys.js';

export const migrations: readonly string[] = [
  // 1: the foundation
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE cursor (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE post (
    id TEXT PRIMARY KEY,
    created_time TEXT NOT NULL,
    updated_time TEXT NOT NULL,
    comment_count INTEGER,
    message_hash TEXT NOT NULL,
    permalink_url TEXT,
    synced_at TEXT,
    full_scan_at TEXT
  );
  CREATE TABLE post_task (
    post_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    task_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    PRIMARY KEY (post_id, seq)
  );
  CREATE UNIQUE INDEX post_task_task ON post_task(task_id);
  CREATE TABLE contact (
    fb_user_id TEXT PRIMARY KEY,
    planfix_contact_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    created_by_fbsync INTEGER NOT NULL
  );
  CREATE TABLE fb_comment (
    id TEXT PRIMARY KEY,
    post_id TEXT NOT NULL,
    parent_id TEXT,
    author_id TEXT,
    author_name TEXT,
    created_time TEXT NOT NULL,
    message_hash TEXT NOT NULL,
    is_hidden INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    task_id INTEGER,
    planfix_comment_id INTEGER,
    by_page INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX fb_comment_post ON fb_comment(post_id);
  CREATE TABLE reply (
    planfix_comment_id INTEGER NOT NULL,
    fb_target_id TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    fb_reply_id TEXT,
    permalink_url TEXT,
    state TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (planfix_comment_id, fb_target_id)
  );
  CREATE TABLE effect (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending','done','failed','parked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    remote_id TEXT,
    payload TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX effect_state ON effect(state);
  INSERT INTO meta (key, value) VALUES ('${META.storeCreatedAt}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
  CREATE TABLE run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    command TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    exit_code INTEGER,
    summary TEXT
  );
  `,
  // 2: an answer's target is decided once (behaviour.md rule 4, "one answer, one reply"); temporary refusals wait
  `
  CREATE TABLE reply_target (
    planfix_comment_id INTEGER NOT NULL,
    fb_user_id TEXT NOT NULL,
    fb_comment_id TEXT NOT NULL,
    fb_target_id TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (planfix_comment_id, fb_user_id)
  );
  ALTER TABLE reply ADD COLUMN retry_at TEXT;
  ALTER TABLE reply ADD COLUMN blocked_since TEXT;
  CREATE INDEX reply_retry ON reply(retry_at) WHERE state = 'postponed';
  ALTER TABLE post_task ADD COLUMN created_by_fbsync INTEGER;
  -- counters of hide/unhide notes per comment: derived from the journal now
  DELETE FROM meta WHERE key LIKE 'notes:%';
  `,
];

export const schemaVersion = migrations.length;
