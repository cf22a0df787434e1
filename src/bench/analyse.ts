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

/** How many of each kind, in the order first seen. */
export const countKinds = (kinds: string[]) => kinds.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});

type Logged = Simulator['planfix']['requestLog'][number];
type FbLogged = Simulator['facebook']['requestLog'][number];

export function analyseRequests(sim: Simulator, options: { since?: number; requestsPerSecond: number; planfixLatencyMs: number }): RequestFigures {
  const since = options.since ?? 0;
  const pfLog = sim.planfix.requestLog.filter((r) => r.time >= since);
  const fbLog = sim.facebook.requestLog.filter((r) => r.time >= since);
  const pfTimes = pfLog.map((r) => r.time).sort((a, b) => a - b);
  const pace = planfixPace(pfTimes, options.requestsPerSecond);
  // Busy: some Planfix request started within the last latency (+ a little for processing).
  const overlap = facebookOverlap(fbLog, pfTimes, options.planfixLatencyMs + 5);
  const leads = readAheadLeads(sim, fbLog, pfLog);
  return {
    planfix: { total: pfLog.length, byKind: countKinds(pfLog.map((r) => planfixKind(r.method, r.path))), ...planfixRefusals(pfLog) },
    facebook: { total: fbLog.length, byKind: countKinds(fbLog.map((r) => facebookKind(r.path))) },
    planfixWindowMs: pace.windowMs,
    planfixFirstAt: pfTimes[0],
    planfixLastAt: pfTimes[pfTimes.length - 1],
    utilisation: pace.windowMs > 0 ? pfLog.length / ((pace.windowMs / 1000) * options.requestsPerSecond) : undefined,
    idleMs: pace.idleMs,
    largestGapsMs: pace.gaps.slice(0, 5),
    fbWhilePlanfixBusy: overlap.whileBusy,
    fbInsidePlanfixWindow: overlap.inside,
    postsReadAhead: leads.filter((lead) => lead > 0).length,
    postsCompared: leads.length,
    medianReadAheadMs: leads.length ? leads[Math.floor(leads.length / 2)] : undefined,
  };
}

/** Code 22 (the rate limit) apart from every other failure. */
function planfixRefusals(pfLog: Logged[]): { refused22: number; failed: number } {
  const refused22 = pfLog.filter((r) => r.code === 22).length;
  const failed = pfLog.filter((r) => r.code !== 22 && (r.code !== undefined || r.status >= 400 || r.status === 0)).length;
  return { refused22, failed };
}

/** First → last arrival, the pace lost between arrivals, and the gaps, largest first. */
function planfixPace(pfTimes: number[], requestsPerSecond: number): { windowMs: number; idleMs: number; gaps: number[] } {
  const windowMs = pfTimes.length === 0 ? 0 : pfTimes[pfTimes.length - 1]! - pfTimes[0]!;
  const interval = 1000 / requestsPerSecond;
  const gaps = pfTimes.slice(1).map((t, i) => t - pfTimes[i]!);
  const idleMs = gaps.reduce((sum, gap) => (gap > interval ? sum + (gap - interval) : sum), 0);
  return { windowMs, idleMs, gaps: gaps.sort((a, b) => b - a) };
}

/** Facebook requests inside the Planfix window, and those while a Planfix request was in flight (`busyFor` after it started). */
function facebookOverlap(fbLog: FbLogged[], pfTimes: number[], busyFor: number): { whileBusy: number; inside: number } {
  const first = pfTimes[0];
  const last = pfTimes[pfTimes.length - 1];
  let whileBusy = 0;
  let inside = 0;
  for (const r of fbLog) {
    if (first !== undefined && r.time >= first && r.time <= last!) inside++;
    const i = upperBound(pfTimes, r.time) - 1;
    if (i >= 0 && r.time - pfTimes[i]! < busyFor) whileBusy++;
  }
  return { whileBusy, inside };
}

/**
 * Per post (after the first, in the order their comments were first read): how long before the
 * previous post's last Planfix comment write its comments were read; sorted, shortest first.
 */
function readAheadLeads(sim: Simulator, fbLog: FbLogged[], pfLog: Logged[]): number[] {
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
  return order
    .slice(1)
    .map(([, readAt], i) => lastWrite.get(order[i]![0])! - readAt)
    .sort((a, b) => a - b);
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
