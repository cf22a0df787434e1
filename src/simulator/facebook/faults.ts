// Fault injection for reliability tests. A request's fate depends only on (seed, its index
// since setFaults), so a failing test replays exactly the same faults.

import { GraphError } from './errors.js';

export type FaultKind = 'http500' | 'html' | 'slow' | 'reset' | 'throttle' | 'resetAfterWrite' | 'truncated' | 'repeatPage';

export const FAULT_KINDS: readonly FaultKind[] = ['http500', 'html', 'slow', 'reset', 'throttle', 'resetAfterWrite', 'truncated', 'repeatPage'];

export interface FaultOptions {
  /** Probability 0..1 that a request is faulted. */
  rate: number;
  kinds: FaultKind[];
  seed?: number;
  /** Delay of the `slow` fault; default 15000 ms (longer than any sane client timeout). */
  slowMs?: number;
}

/** The throttle codes of notes §7: app, user, Page (user token), custom, Page (Page token). */
export type ThrottleCode = 4 | 17 | 32 | 613 | 80001;
export const THROTTLE_CODES: readonly ThrottleCode[] = [4, 17, 32, 613, 80001];

const THROTTLE_MESSAGES: Record<ThrottleCode, string> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001:
    '(#80001) There have been too many calls to this Page account. Wait a bit and try again. ' +
    'For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
};

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  kind: FaultKind;
  /** Only for `throttle`. */
  throttleCode: ThrottleCode;
  regainMinutes: number;
}

export class FaultPlan {
  private index = 0;
  readonly slowMs: number;

  constructor(private readonly opts: FaultOptions) {
    if (!(opts.rate >= 0 && opts.rate <= 1)) throw new Error('FacebookSim.setFaults: rate must be within 0..1');
    for (const k of opts.kinds) if (!FAULT_KINDS.includes(k)) throw new Error(`FacebookSim.setFaults: unknown kind ${k}`);
    this.slowMs = opts.slowMs ?? 15_000;
  }

  /** Kinds that make no sense for a request (repeatPage on a write) are never chosen for it. */
  decide(applicable: (k: FaultKind) => boolean): FaultDecision | null {
    const rng = mulberry32(((this.opts.seed ?? 1) * 0x9e3779b1 + this.index++ * 0x85ebca77) >>> 0);
    const roll = rng();
    const pick = rng();
    const codePick = rng();
    const minutes = rng();
    const kinds = this.opts.kinds.filter(applicable);
    if (roll >= this.opts.rate || kinds.length === 0) return null;
    return {
      kind: kinds[Math.floor(pick * kinds.length)],
      throttleCode: THROTTLE_CODES[Math.floor(codePick * THROTTLE_CODES.length)],
      regainMinutes: 1 + Math.floor(minutes * 30),
    };
  }
}

export function throttleError(code: ThrottleCode, headers: Record<string, string>): GraphError {
  // 4/17/32/613 read as transient in Graph's own bodies; the fix is still to stop calling.
  return new GraphError({ message: THROTTLE_MESSAGES[code], code, isTransient: true, headers });
}

export function unexpectedError(): GraphError {
  return new GraphError({
    message: 'An unexpected error has occurred. Please retry your request later.',
    code: 2,
    isTransient: true,
  });
}

export const BAD_GATEWAY_HTML =
  '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Facebook | Error</title></head>' +
  '<body><h1>Sorry, something went wrong.</h1><p>We\'re working on it and we\'ll get it fixed as soon as we can.</p></body></html>\n';
