// The journal keys of fbsync's remote writes, made here and only here (ARCHITECTURE.md § Journal
// keys). A key names the thing a write is for, never how it was decided, so the same thing gets
// the same key in every run and after every crash: that is what makes a write happen once. A new
// source's keys would go here with their own prefix.

import type { CommentNote } from './markers.js';

/** The card made (or found) for a Facebook person: one per person. */
export function contactKey(fbUserId: string): string {
  return `contact:${fbUserId}`;
}

/** A renamed commenter's card given the name whose hash is `nameHash` (each new name once). */
export function renameKey(fbUserId: string, nameHash: string): string {
  return `rename:${fbUserId}:${nameHash}`;
}

/** The post's `seq`-th task. */
export function taskKey(postId: string, seq: number): string {
  return `task:${postId}:${seq}`;
}

/** "New comments on this post now go to task #to", in the task that refused them. */
export function taskNoteKey(from: number, to: number): string {
  return `tasknote:${from}:${to}`;
}

/** The task description for the post text whose hash is `textHash`. */
export function postDescriptionKey(postId: string, textHash: string): string {
  return `postdesc:${postId}:${textHash}`;
}

/** The Facebook comment on its task's timeline. */
export function commentKey(fbCommentId: string): string {
  return `comment:${fbCommentId}`;
}

/** The comment's text replaced by the edited text whose hash is `hash`. */
export function editKey(fbCommentId: string, hash: string): string {
  return `edit:${fbCommentId}:${hash}`;
}

/** The `n`-th note that the comment was deleted / hidden / unhidden (hides can flip back and forth). */
export function noteKey(what: CommentNote, fbCommentId: string, n: number): string {
  return `${notesPrefix(what, fbCommentId)}${n}`;
}

/** What every note of this kind about the comment starts with (to count those done). */
export function notesPrefix(what: CommentNote, fbCommentId: string): string {
  return `${what}:${fbCommentId}:`;
}

/** The Page's reply to an employee's answer, under the Facebook comment decided for it. */
export function replyKey(planfixCommentId: number, fbTargetId: string): string {
  return `${repliesPrefix(planfixCommentId)}${fbTargetId}`;
}

/** What the reply keys of one answer start with; of every answer without `planfixCommentId`. */
export function repliesPrefix(planfixCommentId?: number): string {
  return planfixCommentId === undefined ? 'reply:' : `reply:${planfixCommentId}:`;
}

/** A reply key read back. */
export function parseReplyKey(key: string): { planfixCommentId: number; fbTargetId: string } | undefined {
  const m = /^reply:(\d+):(.+)$/.exec(key);
  return m ? { planfixCommentId: Number(m[1]), fbTargetId: m[2]! } : undefined;
}

/** The note in the task that says what became of a reply (its marker names the reply and how it ended). */
export function replyNoteKey(marker: string): string {
  return `replynote:${marker}`;
}
