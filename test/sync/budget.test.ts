import { describe, expect, it } from 'vitest';
import { RunBudget } from '../../src/sync/budget.js';

// Bounded work per run (behaviour.md § Guarantees): sync.maxEffects and sync.maxRunSeconds, and
// RunBudget.share: the Pages of one run take turns at what is left (engine.ts runCycle).

describe('bounded work per run', () => {
  it('bounded work (sync.maxEffects): no more than maxEffects writes start; what is left waits for the next run', () => {
    const budget = new RunBudget(0, 3);
    expect([budget.take(), budget.take(), budget.take()]).toEqual([undefined, undefined, undefined]);
    expect(budget.take()).toBe('effects');
    expect(budget.exhausted).toBe('effects');
  });
  it('bounded work (sync.maxRunSeconds): no write starts once the run’s time is spent', () => {
    const late = new RunBudget(50, 0, Date.now() - 60_000);
    expect(late.exhausted).toBe('time');
    expect(late.take()).toBe('time');
    expect(new RunBudget(50, 0).take()).toBeUndefined();
  });
});

describe('RunBudget.share', () => {
  it('gives each of n turns an equal part of the writes left; what a turn leaves goes on to the next', () => {
    const whole = new RunBudget(0, 12);
    const first = whole.share(3);
    let taken = 0;
    while (!first.take()) taken++;
    expect(taken).toBe(4);
    expect(first.exhausted).toBe('effects');
    expect(whole.exhausted).toBeUndefined();
    const second = whole.share(2);
    second.take(); // uses 1 of its 4
    const third = whole.share(1);
    let rest = 0;
    while (!third.take()) rest++;
    expect(rest).toBe(7);
    expect(whole.take()).toBe('effects');
  });

  it('gives each turn a part of the time left, none once it is spent, and no limit when the whole has none', () => {
    expect(new RunBudget(3600, 0).share(3).take()).toBeUndefined();
    expect(new RunBudget(5, 0, Date.now() - 10_000).share(3).take()).toBe('time');
    const unbounded = new RunBudget(0, 0).share(4);
    for (let i = 0; i < 1000; i++) expect(unbounded.take()).toBeUndefined();
  });

  it('a stop of the whole (Planfix’s reserve) stops every turn', () => {
    const guarded = new RunBudget(0, 0);
    guarded.guard = () => 'planfixBudget';
    expect(guarded.share(2).take()).toBe('planfixBudget');
  });
});
