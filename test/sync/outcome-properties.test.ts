import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError, ThrottledError } from '../../src/http/errors.js';
import { META } from '../../src/store/meta-keys.js';
import type { Store } from '../../src/store/store.js';
import { RunBudget } from '../../src/sync/budget.js';
import { RunOutcome, RunStopped } from '../../src/sync/outcome.js';
import { RunReport } from '../../src/sync/report.js';

// The one run outcome under random runs (behaviour.md § Guarantees: bounded work, rate limits):
// several Pages take turns; in each turn the parts write, meet throttles of a whole side or of the
// Page alone, refused credentials, a signal, or a client that stops itself. Whatever the order:
// a stop is never taken back, a Page's own limit stops no other Page, a side's throttle stops
// everything after it, no more writes start than sync.maxEffects, and settle reports exactly that.

type Event =
  | { t: 'write' }
  | { t: 'sideThrottle'; side: 'facebook' | 'planfix' }
  | { t: 'pageLimit' }
  | { t: 'quietStop' }
  | { t: 'pageAuth' }
  | { t: 'interrupt' };

const event: fc.Arbitrary<Event> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ t: 'write' } as const) },
  { weight: 1, arbitrary: fc.constantFrom('facebook', 'planfix').map((side) => ({ t: 'sideThrottle', side }) as const) },
  { weight: 2, arbitrary: fc.constant({ t: 'pageLimit' } as const) },
  { weight: 1, arbitrary: fc.constant({ t: 'quietStop' } as const) },
  { weight: 1, arbitrary: fc.constant({ t: 'pageAuth' } as const) },
  { weight: 1, arbitrary: fc.constant({ t: 'interrupt' } as const) },
);

function memoryStore(): Store & { meta: Map<string, string> } {
  const meta = new Map<string, string>();
  return { meta, getMeta: (k: string) => meta.get(k), setMeta: (k: string, v: string) => void meta.set(k, v) } as unknown as Store & { meta: Map<string, string> };
}

describe('run outcome under random runs of several Pages', () => {
  it('a stop is never taken back, a Page limit stops that Page only, a side throttle stops all after it, writes stay within maxEffects, and settle says so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 12 }), fc.array(fc.array(event, { maxLength: 10 }), { minLength: 4, maxLength: 4 }), (pages, maxEffects, turns) => {
        const run = new RunOutcome(new RunBudget(0, maxEffects), true);
        const clients = Array.from({ length: pages }, () => ({}) as { throttledBy?: ThrottledError });
        clients.forEach((c, i) => run.watch(c, `p${i}`));
        let written = 0;
        const model = { sides: new Set<string>(), limited: new Set<string>(), interrupted: false, refused: false };
        for (let i = 0; i < pages; i++) {
          const pageId = `p${i}`;
          const stoppedBefore = model.interrupted || model.sides.size > 0 || run.budget.exhausted !== undefined;
          expect(run.mayGoOn).toBe(!stoppedBefore);
          if (!run.mayGoOn) break;
          const turn = run.turn(pageId, pages - i);
          let stopped = false;
          let quiet = false;
          for (const e of turns[i % turns.length]!) {
            const before = turn.mayGoOn;
            if (stopped) expect(before).toBe(false);
            if (e.t === 'write') {
              try {
                turn.takeWrite();
                expect(before).toBe(true);
                written++;
              } catch (error) {
                expect(error).toBeInstanceOf(RunStopped);
                const stop = (error as RunStopped).stop;
                if (stop.kind === 'budget' && stop.reason === 'effects') model.refused = true;
              }
            } else if (e.t === 'sideThrottle') {
              turn.absorb(new ThrottledError(e.side, `${e.side} limit`, 60_000, e.side === 'facebook' ? 4 : undefined));
              model.sides.add(e.side);
            } else if (e.t === 'pageLimit') {
              turn.absorb(new ThrottledError('facebook', 'Page limit', 600_000, 80001));
              model.limited.add(pageId);
            } else if (e.t === 'quietStop') {
              clients[i]!.throttledBy ??= new ThrottledError('facebook', 'usage at the limit', 300_000);
              quiet = true;
            } else if (e.t === 'pageAuth') {
              turn.absorb(new AuthError('facebook', 'token expired'));
            } else {
              turn.interrupt();
              model.interrupted = true;
            }
            stopped ||= !turn.mayGoOn;
          }
          // The usage headers' stop of a client whose Page met its own limit is that Page's limit too.
          if (quiet && !model.limited.has(pageId)) model.sides.add('facebook');
          if (!model.limited.has(pageId) || model.sides.size > 0) continue;
          // A Page's own limit: the next Page goes on unless something else stopped the whole.
          expect(run.mayGoOn).toBe(!model.interrupted && run.budget.exhausted === undefined);
        }
        if (maxEffects > 0) expect(written).toBeLessThanOrEqual(maxEffects);
        const store = memoryStore();
        const report = new RunReport();
        run.settle(store, report, 0);
        expect(new Set(Object.keys(report.throttled))).toEqual(model.sides);
        for (let i = 0; i < pages; i++) expect(store.meta.has(META.pageThrottleNotBefore(`p${i}`))).toBe(model.limited.has(`p${i}`));
        if (model.interrupted) expect(report.stoppedEarly).toBe('interrupted');
        else if (model.refused || run.budget.exhausted) expect(report.stoppedEarly).toBe('effects');
        else expect(report.stoppedEarly).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
