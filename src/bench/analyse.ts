import { SIM_IDS, type Simulator } from '../simulator/index.js';

export type PfKind =
  | 'contact.find'
  | 'contact.create'
  | 'file.upload'
  | 'task.find'
  | 'task.create'
  | 'task.get'
  | 'comment.add'
  | 'comment.list'
  | 'other';

/** What a Planfix request was for, from its method and path (src/planfix/planfix-client.ts). */
export function planfixKind(method: string, rawPath: string): PfKind {
  const path = rawPath.split('?')[0]!.replace(/\/+$/, '');
  if (method === 'POST' && path === '/rest/contact/list') return 'contact.find';
  if (method === 'POST' && path === '/rest/contact') return 'contact.create';
  if (method === 'POST' && path === '/rest/file/from-url') return 'file.upload';
  if (method === 'POST' && path === '/rest/task/list') return 'task.find';
  if (method === 'POST' && path === '/rest/task') return 'task.create';
  if (method === 'GET' && /^\/rest\/task\/\d+$/.test(path)) return 'task.get';
  if (method === 'POST' && /^\/rest\/task\/\d+\/comments$/.test(path)) return 'comment.add';
  if (method === 'POST' && /^\/rest\/task\/\d+\/comments\/list$/.test(path)) return 'comment.list';
  return 'other';
}

/** Requests that make (or look for) the contacts and tasks backfill creates. */
export const CREATION_KINDS: readonly PfKind[] = ['contact.find', 'contact.create', 'file.upload', 'task.find', 'task.create'];

export type FbKind = 'feed' | 'comments' | 'picture' | 'other';

export function facebookKind(rawPath: string): FbKind {
  const path = rawPath.split('?')[0]!;
  if (/\/feed$/.test(path)) return 'feed';
  if (/\/comments$/.test(path)) return 'comments';
  if (/\/picture$/.test(path)) return 'picture';
  return 'other';
}

const fbObjectOf = (rawPath: string) => /\/([^/?]+)\/comments(?:\?|$)/.exec(rawPath)?.[1];
const pfTaskOf = (rawPath: string) => /^\/rest\/task\/(\d+)\/comments\/?(?:\?|$)/.exec(rawPath)?.[1];

export interface RequestFigures {
  planfix: { total: number; byKind: Record<string, number>; refused22: number; failed: number };
  facebook: { total: number; byKind: Record<string, number> };
  /** First → last Planfix request arrival, ms. */
  planfixWindowMs: number;
  planfixFirstAt?: number;
  planfixLastAt?: number;
  /** Planfix requests / (window s × requestsPerSecond). */
  utilisation?: number;
  /**
   * Time inside the window with no Planfix request started on schedule: Σ max(0, gap − interval)
   * over consecutive arrivals (the pace lost), and the largest such gaps.
   */
  idleMs: number;
  largestGapsMs: number[];
  /** Facebook requests that arrived while a Planfix request was in flight (arrival ≤ t < arrival + latency + 5 ms). */
  fbWhilePlanfixBusy: number;
  /** Facebook requests inside the Planfix active window. */
  fbInsidePlanfixWindow: number;
  /**
   * Posts (after the first) whose comments were read before the previous post's last Planfix
   * comment write: Facebook was read ahead of Planfix rather than after it went idle.
   */
  postsReadAhead: number;
  postsCompared: number;
  /** Median lead of a post's Facebook read over the previous post's last Planfix write, ms. */
  medianReadAheadMs?: number;
}

export function analyseRequests(sim: Simulator, options: { since?: number; requestsPerSecond: number; planfixLatencyMs: number }): RequestFigures {
  const since = options.since ?? 0;
  const pfLog = sim.planfix.requestLog.filter((r) => r.time >= since);
  const fbLog = sim.facebook.requestLog.filter((r) => r.time >= since);

  const pfByKind: Record<string, number> = {};
  let refused22 = 0;
  let failed = 0;
  for (const r of pfLog) {
    const kind = planfixKind(r.method, r.path);
    pfByKind[kind] = (pfByKind[kind] ?? 0) + 1;
    if (r.code === 22) refused22++;
    else if (r.code !== undefined || r.status >= 400 || r.status === 0) failed++;
  }
  const fbByKind: Record<string, number> = {};
  for (const r of fbLog) {
    const kind = facebookKind(r.path);
    fbByKind[kind] = (fbByKind[kind] ?? 0) + 1;
  }

  const pfTimes = pfLog.map((r) => r.time).sort((a, b) => a - b);
  const first = pfTimes[0];
  const last = pfTimes[pfTimes.length - 1];
  const windowMs = first === undefined ? 0 : last! - first;
  const interval = 1000 / options.requestsPerSecond;
  let idleMs = 0;
  const gaps: number[] = [];
  for (let i = 1; i < pfTimes.length; i++) {
    const gap = pfTimes[i]! - pfTimes[i - 1]!;
    if (gap > interval) idleMs += gap - interval;
    gaps.push(gap);
  }
  gaps.sort((a, b) => b - a);

  // Busy: some Planfix request started within the last latency (+ a little for processing).
  const busyFor = options.planfixLatencyMs + 5;
  let fbWhileBusy = 0;
  let fbInside = 0;
  for (const r of fbLog) {
    if (first !== undefined && r.time >= first && r.time <= last!) fbInside++;
    const i = upperBound(pfTimes, r.time) - 1;
    if (i >= 0 && r.time - pfTimes[i]! < busyFor) fbWhileBusy++;
  }

  // Per post: first Facebook comment read, last Planfix comment write (task → post from the sim).
  const taskPost = new Map<string, string>();
  for (const t of sim.planfix.tasks()) if (t.postId) taskPost.set(String(t.id), t.postId);
  const firstRead = new Map<string, number>();
  for (const r of fbLog) {
    if (facebookKind(r.path) !== 'comments') continue;
    const id = fbObjectOf(r.path);
    if (id && id.startsWith(`${SIM_IDS.pageId}_`) && !firstRead.has(id)) firstRead.set(id, r.time);
  }
  const lastWrite = new Map<string, number>();
  for (const r of pfLog) {
    if (planfixKind(r.method, r.path) !== 'comment.add') continue;
    const post = taskPost.get(pfTaskOf(r.path) ?? '');
    if (post) lastWrite.set(post, Math.max(lastWrite.get(post) ?? 0, r.time));
  }
  const order = [...firstRead.entries()].filter(([id]) => lastWrite.has(id)).sort((a, b) => a[1] - b[1]);
  let ahead = 0;
  const leads: number[] = [];
  for (let i = 1; i < order.length; i++) {
    const prevLastWrite = lastWrite.get(order[i - 1]![0])!;
    const lead = prevLastWrite - order[i]![1];
    leads.push(lead);
    if (lead > 0) ahead++;
  }
  leads.sort((a, b) => a - b);

  return {
    planfix: { total: pfLog.length, byKind: pfByKind, refused22, failed },
    facebook: { total: fbLog.length, byKind: fbByKind },
    planfixWindowMs: windowMs,
    planfixFirstAt: first,
    planfixLastAt: last,
    utilisation: windowMs > 0 ? pfLog.length / ((windowMs / 1000) * options.requestsPerSecond) : undefined,
    idleMs,
    largestGapsMs: gaps.slice(0, 5),
    fbWhilePlanfixBusy: fbWhileBusy,
    fbInsidePlanfixWindow: fbInside,
    postsReadAhead: ahead,
    postsCompared: Math.max(0, order.length - 1),
    medianReadAheadMs: leads.length ? leads[Math.floor(leads.length / 2)] : undefined,
  };
}

function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
