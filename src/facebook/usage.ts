// Facebook's usage headers (api-notes-facebook.md §7 "Usage headers"). Which of the three a Page
// token gets is not certain (notes §9.6), so all three are read and the highest percentage wins.
// Meta's advice: once limited, stop calling — calls made while throttled extend the block.

import type { HttpResponse } from '../http/client.js';
import { ThrottledError } from '../http/errors.js';
import type { Throttle } from '../http/throttle.js';

export interface Usage {
  /** Highest of call_count, total_cputime, total_time over every usage header of the answer (0–100+). */
  percent: number;
  /** `estimated_time_to_regain_access`, minutes (0 when not throttled). */
  regainAfterMinutes: number;
  /** Header that gave the highest percentage, for messages. */
  header: string;
}

/** Below this: full speed. */
export const SLOW_DOWN_AT = 75;
/** At or above this: no further request this run. */
export const STOP_AT = 90;
/** Extra spacing between request starts at STOP_AT - ε (linear from SLOW_DOWN_AT). */
export const MAX_SLOW_DOWN_MS = 2_000;

const HEADERS = ['x-app-usage', 'x-page-usage', 'x-business-use-case-usage'] as const;

/** The usage an answer reports, or undefined when it carries no readable usage header. */
export function readUsage(headers: HttpResponse['headers']): Usage | undefined {
  let usage: Usage | undefined;
  for (const name of HEADERS) {
    const raw = headerValue(headers, name);
    if (raw === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue; // a malformed header says nothing; the next answer will
    }
    const entries = name === 'x-business-use-case-usage' ? businessEntries(parsed) : [parsed];
    for (const entry of entries) {
      const found = readEntry(entry, name);
      if (!found) continue;
      usage = usage
        ? {
            percent: Math.max(usage.percent, found.percent),
            regainAfterMinutes: Math.max(usage.regainAfterMinutes, found.regainAfterMinutes),
            header: found.percent > usage.percent ? found.header : usage.header,
          }
        : found;
    }
  }
  return usage;
}

/** What the throttle does about a usage reading. */
export function applyUsage(usage: Usage, throttle: Throttle): void {
  if (usage.percent >= STOP_AT || usage.regainAfterMinutes > 0) {
    throttle.stop(usageError(usage));
  } else if (usage.percent >= SLOW_DOWN_AT) {
    throttle.slowDown(slowDownMs(usage.percent));
  } else {
    throttle.slowDown(0);
  }
}

export function slowDownMs(percent: number): number {
  if (percent < SLOW_DOWN_AT) return 0;
  const share = Math.min(1, (percent - SLOW_DOWN_AT) / (STOP_AT - SLOW_DOWN_AT));
  return Math.round(200 + share * (MAX_SLOW_DOWN_MS - 200));
}

export function usageError(usage: Usage): ThrottledError {
  const regain = usage.regainAfterMinutes > 0 ? `; Facebook expects access back in about ${usage.regainAfterMinutes} min` : '';
  return new ThrottledError(
    'facebook',
    `Facebook usage is at ${Math.round(usage.percent)}% of its rate limit (${usage.header})${regain}. No more Facebook calls this run; the next run continues.`,
    usage.regainAfterMinutes > 0 ? usage.regainAfterMinutes * 60_000 : undefined,
  );
}

function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  // got gives lower-case names; look case-insensitively anyway, tests build headers by hand.
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return Array.isArray(value) ? value[value.length - 1] : value;
  }
  return undefined;
}

/** `{"<business-object-id>": [{type, call_count, …}, …], …}` → the entries. */
function businessEntries(parsed: unknown): unknown[] {
  if (!isObject(parsed)) return [];
  return Object.values(parsed).flatMap((value) => (Array.isArray(value) ? value : []));
}

function readEntry(entry: unknown, header: string): Usage | undefined {
  if (!isObject(entry)) return undefined;
  const numbers = ['call_count', 'total_cputime', 'total_time'].map((key) => entry[key]).filter(isNumber);
  const regain = isNumber(entry.estimated_time_to_regain_access) ? entry.estimated_time_to_regain_access : 0;
  if (numbers.length === 0 && regain === 0) return undefined;
  return { percent: numbers.length ? Math.max(...numbers) : 0, regainAfterMinutes: Math.max(0, regain), header: headerName(header) };
}

function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
