// Dates on the command line (behaviour.md § Configuration: "ISO 8601 or an error; times are UTC").
// `new Date(text)` is not used to read them: it takes "5" for May 2001, "March 3" for 2001-03-03,
// "2026-02-30" for 2 March and "01/02/2026" the US way, all without a word.

import { ConfigError } from '../errors.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A full date-time: seconds and fractions optional, the zone optional (no zone = UTC).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const RELATIVE = /^(\d{1,5})([dw])$/;

export const DATE_EXAMPLES = '2026-01-31, 2026-01-31T08:00:00Z, or 30d / 12w (days / weeks ago)';

function bad(option: string, value: string, why: string): ConfigError {
  return new ConfigError(`${option}: ${why}, got ${JSON.stringify(value)}; write a date like ${DATE_EXAMPLES} (times are UTC)`, option);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `YYYY-MM-DD` (midnight UTC), a full ISO 8601 date-time (UTC when it names no zone), or `Nd` /
 * `Nw` for N days or weeks before `now`. Anything else, or a date that does not exist, is a
 * ConfigError (exit 2) naming the option.
 */
export function parseDateOption(value: string, option: string, now = new Date()): Date {
  const text = value.trim();
  const relative = RELATIVE.exec(text);
  if (relative) {
    const days = Number(relative[1]) * (relative[2] === 'w' ? 7 : 1);
    return new Date(now.getTime() - days * DAY_MS);
  }
  const m = DATE.exec(text) ?? DATE_TIME.exec(text);
  if (!m) return fail();
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((p) => (p === undefined ? undefined : Number(p))) as number[];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) throw bad(option, value, 'no such date');
  if (hour > 23 || minute > 59 || second > 59) throw bad(option, value, 'no such time of day');
  const fraction = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    const offset = (Number(z[2]) * 60 + Number(z[3])) * (z[1] === '-' ? -1 : 1);
    if (Number(z[2]) > 14 || Number(z[3]) > 59) throw bad(option, value, 'no such time zone offset');
    ms -= offset * 60_000;
  }
  return new Date(ms);

  function fail(): never {
    throw bad(option, value, 'not an ISO 8601 date');
  }
}

/** The range backfill reads: `--until` defaults to now; a future `--since` or an empty range is an error. */
export function parseDateRange(since: string, until: string | undefined, now = new Date()): { since: Date; until: Date } {
  const from = parseDateOption(since, '--since', now);
  const to = until === undefined ? now : parseDateOption(until, '--until', now);
  if (from.getTime() > now.getTime()) {
    throw new ConfigError(`--since: ${formatUtc(from)} is in the future; backfill reads posts already made, e.g. --since ${formatUtc(new Date(now.getTime() - 30 * DAY_MS)).slice(0, 10)}`, '--since');
  }
  if (from.getTime() >= to.getTime()) {
    throw new ConfigError(`--until (${formatUtc(to)}) must be after --since (${formatUtc(from)}), e.g. --since 2026-01-01 --until 2026-02-01`, '--until');
  }
  return { since: from, until: to };
}

/** "2026-01-01" for a midnight, "2026-01-01 08:30:00" otherwise (always UTC). */
export function formatUtc(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** A date as an option value that reads back to the same instant: `2026-01-01`, or `2026-01-01T08:30:00Z`. */
export function formatOption(date: Date): string {
  const iso = date.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}
