import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { AuthError, ThrottledError, TransientError } from '../../src/http/errors.js';
import { META } from '../../src/store/meta-keys.js';
import type { Store } from '../../src/store/store.js';
import { RunBudget } from '../../src/sync/budget.js';
import { RunOutcome, RunStopped, throttledUntil } from '../../src/sync/outcome.js';
import { RunReport } from '../../src/sync/report.js';

// The one run outcome (outcome.ts): every part asks mayGoOn, tells absorb/interrupt; settle is read once.

function memoryStore(): Store & { meta: Map<string, string> } {
  const meta = new Map<string, string>();
  return { meta, getMeta: (k: string) => meta.get(k), setMeta: (k: string, v: string) => void meta.set(k, v) } as unknown as Store & { meta: Map<string, string> };
}

const outcome = (maxEffects = 0, several = false) => new RunOutcome(new RunBudget(0, maxEffects), several);

describe('run outcome: rate limits end the run cleanly (behaviour.md § Guarantees)', () => {
  it('a throttled side stops every part, and its wait is kept for the next runs', () => {
    const run = outcome();
    expect(run.absorb(new ThrottledError('planfix', 'Planfix: too many requests', 120_000))).toBe(true);
    expect(run.mayGoOn).toBe(false);
    expect(() => run.takeWrite()).toThrow(RunStopped);
    const store = memoryStore();
    const report = new RunReport();
    const now = Date.parse('2026-12-01T10:00:00Z');
    run.settle(store, report, now);
    expect(report.throttled.planfix).toEqual({ retryAfterSeconds: 120, message: 'Planfix: too many requests' });
    expect(store.meta.get(META.throttleNotBefore('planfix'))).toBe('2026-12-01T10:02:00.000Z');
    expect(store.meta.get(META.throttleSince('planfix'))).toBe('2026-12-01T10:00:00.000Z');
    expect(report.stoppedEarly).toBeUndefined();
  });

  it('a side an earlier run was told to leave alone makes this run only wait, and writes no new wait', () => {
    const store = memoryStore();
    const now = Date.now();
    store.setMeta(META.throttleNotBefore('facebook'), new Date(now + 60_000).toISOString());
    const run = outcome();
    run.waitOutEarlier(store, now);
    expect(run.mayGoOn).toBe(false);
    const report = new RunReport();
    run.settle(store, report, now);
    expect(report.throttled.facebook?.message).toMatch(/^facebook asked fbsync to wait until /);
    expect(report.waiting).toEqual({ facebook: new Date(now + 60_000).toISOString() });
    expect(store.meta.has(META.throttleSince('facebook'))).toBe(false);
    expect(throttledUntil(store, 'facebook', now + 61_000)).toBeUndefined();
  });

  it('a quiet stop (usage headers at the limit, no error) of a watched client counts as a throttle', () => {
    const run = outcome();
    const client: { throttledBy?: ThrottledError } = {};
    run.watch(client);
    expect(run.mayGoOn).toBe(true);
    client.throttledBy = new ThrottledError('facebook', 'usage at 100%', 300_000);
    expect(run.stop).toMatchObject({ kind: 'throttled', side: 'facebook' });
    const report = new RunReport();
    run.settle(memoryStore(), report);
    expect(report.throttled.facebook?.retryAfterSeconds).toBe(300);
  });

  it('an error of one item is not a stop: the part reports it and goes on', () => {
    const run = outcome();
    expect(run.absorb(new TransientError('planfix', 'HTTP 502', false))).toBe(false);
    expect(run.absorb(new Error('bug'))).toBe(false);
    expect(run.mayGoOn).toBe(true);
  });

  it('refused credentials or a configuration mismatch end the run and are kept for the command to report', () => {
    for (const error of [new AuthError('facebook', 'token expired'), new ConfigError('unknown template 7', 'planfix.taskTemplateId')]) {
      const run = outcome();
      expect(run.absorb(error)).toBe(true);
      expect(run.mayGoOn).toBe(false);
      expect(run.endedBy).toBe(error);
    }
  });
});

describe('run outcome: bounded work per run', () => {
  it('a write refused by the budget unwinds with RunStopped and the run is reported as stopped early', () => {
    const run = outcome(2);
    run.takeWrite();
    run.takeWrite();
    expect(() => run.takeWrite()).toThrow(RunStopped);
    expect(run.absorb(new RunStopped({ kind: 'budget', reason: 'effects' }))).toBe(true);
    const report = new RunReport();
    run.settle(memoryStore(), report);
    expect(report.stoppedEarly).toBe('effects');
  });

  it('a signal stops every part and is the reason the run reports, whatever else stopped it', () => {
    const run = outcome(1);
    run.takeWrite();
    expect(() => run.takeWrite()).toThrow(RunStopped);
    run.interrupt();
    expect(run.stop).toEqual({ kind: 'budget', reason: 'interrupted' });
    const report = new RunReport();
    run.settle(memoryStore(), report);
    expect(report.stoppedEarly).toBe('interrupted');
  });
});

describe('run outcome: several Pages take turns', () => {
  it('a Page’s own request limit (code 32 / 80001) stops that Page only; the next turn and the reply pass go on', () => {
    const run = outcome(0, true);
    const first = run.turn('111', 2);
    expect(first.absorb(new ThrottledError('facebook', 'Page request limit reached', 600_000, 32))).toBe(true);
    expect(first.mayGoOn).toBe(false);
    expect(first.pageLimited?.apiCode).toBe(32);
    expect(run.mayGoOn).toBe(true);
    expect(run.turn('222', 1).mayGoOn).toBe(true);
    const store = memoryStore();
    const report = new RunReport();
    run.settle(store, report, 0);
    expect(store.meta.get(META.pageThrottleNotBefore('111'))).toBe(new Date(600_000).toISOString());
    expect(report.throttled.facebook).toBeUndefined();
  });

  it('a Page-limited client whose usage headers also said stop is still that Page’s limit only', () => {
    const run = outcome(0, true);
    const client: { throttledBy?: ThrottledError } = {};
    run.watch(client, '111');
    client.throttledBy = new ThrottledError('facebook', 'usage: regain access in 5 min', 300_000);
    run.turn('111', 2).absorb(new ThrottledError('facebook', 'too many calls to this Page account', 300_000, 80001));
    expect(run.mayGoOn).toBe(true);
    const report = new RunReport();
    run.settle(memoryStore(), report);
    expect(report.throttled).toEqual({});
  });

  it('a throttle of a whole side in one turn stops every turn', () => {
    const run = outcome(0, true);
    run.turn('111', 2).absorb(new ThrottledError('facebook', 'Application request limit reached', undefined, 4));
    expect(run.mayGoOn).toBe(false);
    expect(run.turn('222', 1).stop).toMatchObject({ kind: 'throttled', side: 'facebook' });
  });

  it('with one Page, its limit is the whole side’s', () => {
    const run = outcome(0, false);
    run.absorb(new ThrottledError('facebook', 'Page request limit reached', undefined, 32));
    const report = new RunReport();
    run.settle(memoryStore(), report);
    expect(report.throttled.facebook).toBeDefined();
  });

  it('a turn that used its part of the writes stops alone, and the run says it stopped early', () => {
    const run = outcome(4, true);
    const first = run.turn('111', 2);
    first.takeWrite();
    first.takeWrite();
    expect(() => first.takeWrite()).toThrow(RunStopped);
    const second = run.turn('222', 1);
    expect(second.mayGoOn).toBe(true);
    second.takeWrite();
    const report = new RunReport();
    run.settle(memoryStore(), report);
    expect(report.stoppedEarly).toBe('effects');
  });
});
