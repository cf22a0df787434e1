import { describe, expect, it } from 'vitest';
import { formatOption, formatUtc, parseDateOption, parseDateRange } from '../../src/commands/dates.js';
import { ConfigError } from '../../src/errors.js';

const now = new Date('2026-12-01T12:00:00Z');
const parse = (v: string) => parseDateOption(v, '--since', now).toISOString();

describe('command-line dates are ISO 8601 (UTC) or an error', () => {
  it('a calendar date is midnight UTC', () => {
    expect(parse('2026-01-31')).toBe('2026-01-31T00:00:00.000Z');
    expect(parse('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('a date-time without a zone is UTC; a zone offset is applied', () => {
    expect(parse('2026-01-31T08:30')).toBe('2026-01-31T08:30:00.000Z');
    expect(parse('2026-01-31T08:30:15.250Z')).toBe('2026-01-31T08:30:15.250Z');
    expect(parse('2026-01-31T08:30:00+02:00')).toBe('2026-01-31T06:30:00.000Z');
    expect(parse('2026-01-31T08:30:00-0530')).toBe('2026-01-31T14:00:00.000Z');
  });

  it('relative forms count days and weeks back from now', () => {
    expect(parse('30d')).toBe('2026-11-01T12:00:00.000Z');
    expect(parse('2w')).toBe('2026-11-17T12:00:00.000Z');
  });

  it.each(['5', 'March 3', '01/02/2026', '2026-1-5', '2026', 'yesterday', '', '2026-01-31T25:00', '12x'])('%j is refused, naming the option and an example', (value) => {
    expect(() => parse(value)).toThrow(ConfigError);
    expect(() => parse(value)).toThrow(/^--since: .*2026-01-31/);
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '2026-01-31T23:60'])('the impossible date %j is refused, not rolled over', (value) => {
    expect(() => parse(value)).toThrow(/no such (date|time)/);
  });

  it('--until before --since, an empty range and a future --since are refused', () => {
    expect(() => parseDateRange('2026-03-01', '2026-02-01', now)).toThrow(/--until .*must be after --since/);
    expect(() => parseDateRange('2026-03-01', '2026-03-01', now)).toThrow(/--until/);
    expect(() => parseDateRange('2027-01-01', undefined, now)).toThrow(/--since: 2027-01-01 is in the future/);
    expect(parseDateRange('2026-01-01', undefined, now)).toEqual({ since: new Date('2026-01-01T00:00:00Z'), until: now });
  });

  it('dates print back as UTC, and as option values that read back to the same instant', () => {
    expect(formatUtc(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01');
    expect(formatUtc(new Date('2026-01-01T08:30:00.400Z'))).toBe('2026-01-01 08:30:00');
    for (const d of ['2026-01-01T00:00:00.000Z', '2026-01-01T08:30:00.000Z', '2026-01-01T08:30:00.123Z']) {
      expect(parseDateOption(formatOption(new Date(d)), '--since', now).toISOString()).toBe(d);
    }
  });
});
