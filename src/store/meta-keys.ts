// Every key of the store's `meta` table, in one place: what each holds and who writes it. Values are
// text; the JSON ones say so. A key that names a side, a post or an edge is a function of it.

type SideName = 'facebook' | 'planfix';

export const META = {
  /** When the store was made (ISO); written by migration 1. Replies are looked for from then on. */
  storeCreatedAt: 'store.createdAt',
  /** The Page token `fbsync reconnect` obtained (the store is 0600; never printed). */
  pageToken: 'facebook.pageToken',
  /** JSON: what `reconnect` learnt of that token (expiry, data-access expiry, when checked). */
  tokenInfo: 'facebook.tokenInfo',
  /** Several Pages (`facebook.pages`): the Page token `reconnect` obtained for one Page; the single-Page form keeps `pageToken`. */
  pageTokenOf: (pageId: string) => `facebook.pageToken.${pageId}`,
  /** Several Pages: `tokenInfo` of one Page's token. */
  tokenInfoOf: (pageId: string) => `facebook.tokenInfo.${pageId}`,
  /** The Planfix token employee's UTC offset in minutes, learnt from fbsync's own comments. */
  planfixUtcOffset: 'planfix.utcOffsetMinutes',
  /** JSON: Planfix's contact limit (code 23) as fbsync met it, for `fbsync status`. */
  contactLimit: 'planfix.contactLimit',
  /** The Graph page size that last worked for an edge (feed, comments, replies). */
  graphPageSize: (edge: string) => `graph.pageSize.${edge}`,
  /** Until when a side asked fbsync to wait (ISO): runs before then leave it alone. */
  throttleNotBefore: (side: SideName) => `throttle.${side}.notBefore`,
  /** Several Pages: until when Facebook's limit of one Page (codes 32, 80001) keeps that Page alone waiting (ISO); the others go on. */
  pageThrottleNotBefore: (pageId: string) => `throttle.facebook.${pageId}.notBefore`,
  /** When the current throttle wait of a side began: `run` tells a long wait from a short one. */
  throttleSince: (side: SideName) => `run.throttle.${side}.since`,
  /** JSON (sync/inbound-plan.ts Rotation): where `run`'s rotation over the older pages of posts stands. */
  inboundRotation: 'inbound.rotation',
  /** The list form (`facebook.pages`): `inboundRotation` of one Page. */
  inboundRotationOf: (pageId: string) => `inbound.rotation.${pageId}`,
  /** JSON array of task ids: those the last cycle's reply half left for this one (fbsync had just written to them). */
  repliesDeferred: 'replies.deferred',
  /** JSON {count, at} (sync/inbound-plan.ts OwnReplies): the comment count a post has once fbsync's replies published since its last read are in. */
  ownReplies: (postId: string) => `replies.own.${postId}`,
  /** The task a post left because Planfix refused its comments; its "moved" note is still to write. */
  taskMovedFrom: (postId: string) => `task.movedFrom.${postId}`,
} as const;

/** A JSON meta value: undefined when absent, not JSON, or not of the expected shape (the caller starts afresh). */
export function parseJsonMeta<T>(raw: string | undefined, isValid: (value: unknown) => boolean): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return isValid(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
