import { describe, expect, it } from 'vitest';
import { failureResult } from '../../src/commands/result.js';
import { AuthError } from '../../src/http/errors.js';
import { ConfigError, LockedError, StoreError } from '../../src/errors.js';

describe('--json failure objects', () => {
  it('an unexpected error is exit 1, kind internal, with a fix', () => {
    expect(failureResult(new TypeError('x is undefined'))).toEqual({
      ok: false,
      exitCode: 1,
      error: { kind: 'internal', side: null, message: 'x is undefined', fix: expect.stringContaining('--debug') },
    });
  });

  it('each error class has its kind and exit code', () => {
    expect(failureResult(new ConfigError('planfix.url: required', 'planfix.url'))).toMatchObject({ exitCode: 2, error: { kind: 'config', fix: 'correct planfix.url' } });
    expect(failureResult(new ConfigError('--since: bad', '--since'))).toMatchObject({ exitCode: 2, error: { kind: 'usage' } });
    expect(failureResult(new StoreError('damaged'))).toMatchObject({ exitCode: 2, error: { kind: 'store' } });
    expect(failureResult(new AuthError('planfix', 'no'))).toMatchObject({ exitCode: 3, error: { kind: 'credentials', side: 'planfix', fix: expect.stringContaining('planfix.token') } });
    expect(failureResult(new LockedError('held'))).toMatchObject({ exitCode: 75, error: { kind: 'locked' } });
  });
});
