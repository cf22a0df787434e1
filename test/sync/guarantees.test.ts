import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { AuthError, NotFoundError, PermissionError, RefusedError, ThrottledError, TransientError } from '../../src/http/errors.js';
import { clearSecrets, redact, registerSecret } from '../../src/http/secrets.js';
import { planfixReserve } from '../../src/sync/engine.js';
import { RunBudget } from '../../src/sync/budget.js';
import { RunOutcome } from '../../src/sync/outcome.js';

/** Does this error stop the run (the one run outcome takes it) rather than fail one item? */
const stopsTheRun = (error: Error) => new RunOutcome(new RunBudget(0, 0)).absorb(error);

// behaviour.md § Guarantees on plain data: secrets stay secret, rate limits end a side cleanly.

describe('secrets stay secret', () => {
  afterEach(() => clearSecrets());
  it('secrets: a registered token or app secret never appears in a line fbsync prints, URL-encoded or not', () => {
    registerSecret('EAAB/tok+en=1');
    expect(redact('token EAAB/tok+en=1 and EAAB%2Ftok%2Ben%3D1 in a URL')).toBe('token *** and *** in a URL');
  });
  it('secrets: tokens and proofs in a URL’s query and a Bearer header are hidden even if never registered', () => {
    const line = 'GET https://graph/x?access_token=abc123&appsecret_proof=ff00&limit=5 Authorization: Bearer pf.tok-9';
    expect(redact(line)).toBe('GET https://graph/x?access_token=***&appsecret_proof=***&limit=5 Authorization: Bearer ***');
  });
  it('secrets: values too short to be secrets are not registered (they would blank ordinary words)', () => {
    registerSecret('abc');
    expect(redact('abc')).toBe('abc');
  });
});

describe('rate limits respected: a throttled side ends cleanly for the run', () => {
  it('rate limits: throttling, refused credentials and a configuration mismatch stop the side for the rest of the run', () => {
    expect(stopsTheRun(new ThrottledError('facebook', 'limit', 60_000))).toBe(true);
    expect(stopsTheRun(new AuthError('planfix', 'token'))).toBe(true);
    expect(stopsTheRun(new PermissionError('facebook', 'pages_manage_engagement'))).toBe(true);
    expect(stopsTheRun(new ConfigError('unknown template', 'planfix.taskTemplateId'))).toBe(true);
  });
  it('rate limits: one item’s failure (refused, missing, transient) does not stop the side; the run goes on', () => {
    expect(stopsTheRun(new RefusedError('facebook', 'closed'))).toBe(false);
    expect(stopsTheRun(new NotFoundError('planfix', 'gone'))).toBe(false);
    expect(stopsTheRun(new TransientError('planfix', 'timeout', true))).toBe(false);
  });
});

describe('rate limits respected: Planfix’s daily budget', () => {
  it('sync.runShare: `run` stops starting writes while less than (1 − runShare) of planfix.dailyBudget is left', () => {
    expect(planfixReserve({ planfixDailyBudget: 1000, runShare: 0.6 })).toBe(400);
    expect(planfixReserve({ planfixDailyBudget: 1000, runShare: 1 })).toBe(0);
    expect(planfixReserve({ planfixDailyBudget: undefined, runShare: 0.5 })).toBe(0);
  });
});
