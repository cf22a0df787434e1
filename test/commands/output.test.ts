import { describe, expect, it } from 'vitest';
import { formatLines, lineFormatFor } from '../../src/commands/output.js';
import { colourWanted } from '../../src/commands/colour.js';
import { checkEnvVars } from '../../src/config/env-vars.js';

const at = new Date('2026-12-01T10:00:00.000Z');

describe('log lines', () => {
  it('time: every line of a message gets the ISO timestamp', () => {
    expect(formatLines('fbsync: a\n  b', 'info', 'time', at)).toBe('2026-12-01T10:00:00.000Z fbsync: a\n2026-12-01T10:00:00.000Z   b\n');
  });

  it('json: one object per message, even of several lines', () => {
    expect(JSON.parse(formatLines('a\nb', 'warn', 'json', at))).toEqual({ time: '2026-12-01T10:00:00.000Z', level: 'warn', message: 'a\nb' });
  });

  it('auto: timestamps only when stdout is not a terminal', () => {
    expect(lineFormatFor('auto', true)).toBe('plain');
    expect(lineFormatFor('auto', false)).toBe('time');
    expect(lineFormatFor('plain', false)).toBe('plain');
    expect(lineFormatFor('json', true)).toBe('json');
  });
});

describe('colour', () => {
  it('only on a terminal, never with NO_COLOR, TERM=dumb or off a TTY', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
  });
});

describe('numeric environment variables', () => {
  it('accept whole numbers of milliseconds and refuse anything else, naming each', () => {
    expect(() => checkEnvVars({ FBSYNC_HTTP_TIMEOUT_MS: '30000', FBSYNC_RETRY_BASE_MS: '' })).not.toThrow();
    expect(() => checkEnvVars({ FBSYNC_HTTP_TIMEOUT_MS: '30s', FBSYNC_RETRY_BASE_MS: '0' })).toThrow(/FBSYNC_HTTP_TIMEOUT_MS: .*"30s"[^]*FBSYNC_RETRY_BASE_MS: .*"0"/);
  });
});
