// Graph's wire format for times is an ISO string with a `+0000` offset and whole seconds
// (api-notes-facebook.md §1 "Timestamps"), not the `Z`/milliseconds form JavaScript prints.

import { GraphError } from './errors.js';

export function fbTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * `since`/`until` take unix seconds or a strtotime()-style date (Graph is PHP underneath);
 * Date.parse covers the ISO and `+0000` forms clients actually send.
 */
export function parseTimeParam(name: string, raw: string): number {
  const text = raw.trim();
  if (/^-?\d+$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw GraphError.param(`(#100) The parameter ${name} must be a unix timestamp or a strtotime() date, got "${raw}"`);
  }
  return ms;
}
