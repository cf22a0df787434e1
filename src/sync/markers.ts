// fbsync's own Planfix comments carry a plain-text marker (no HTML filter removes plain text), so
// that after a crash the comment can be found again instead of written twice. Each marker is made
// here and found here, with one boundary rule: a marker matches only where the next character
// cannot continue an id or a suffix (`fb:1_2` is not found in `fb:1_23` nor in `fb:1_2:deleted`).

export type CommentNote = 'deleted' | 'hidden' | 'unhidden';
export type ReplyNote = 'sent' | 'refused' | 'postponed';

/** On the Planfix comment that mirrors Facebook comment `fbCommentId`. */
export function commentMarker(fbCommentId: string): string {
  return `fb:${fbCommentId}`;
}

/** On fbsync's note that the Facebook comment was deleted, hidden or shown again. */
export function commentNoteMarker(fbCommentId: string, what: CommentNote): string {
  return `${commentMarker(fbCommentId)}:${what}`;
}

/** On fbsync's note that an employee's answer was sent to Facebook, refused or postponed. */
export function replyNoteMarker(planfixCommentId: number, fbTargetId: string, state: ReplyNote): string {
  return `fbreply:${planfixCommentId}:${fbTargetId}${state === 'sent' ? '' : `:${state}`}`;
}

const CONTINUES = /[0-9a-z_:]/i;

/** True when `description` carries exactly `marker`. */
export function carriesMarker(description: string, marker: string): boolean {
  for (let at = description.indexOf(marker); at >= 0; at = description.indexOf(marker, at + 1)) {
    if (!CONTINUES.test(description.charAt(at + marker.length))) return true;
  }
  return false;
}
