import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RefusedError, ThrottledError, TransientError } from '../../src/http/errors.js';
import { Store } from '../../src/store/store.js';
import { RunBudget } from '../../src/sync/budget.js';
import { RunOutcome, RunStopped } from '../../src/sync/outcome.js';
import { type Effect, Executor } from '../../src/sync/executor.js';
import { RunReport } from '../../src/sync/report.js';
import { PlanningExecutor, type PlannedWrite } from '../../src/sync/dry-run.js';

describe('Executor: the journal around every remote write', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fbsync-exec-'));
    store = Store.open(path.join(dir, 'fbsync.db'));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const executor = (budget = new RunBudget(60, 0)) => new Executor(store.journal, new RunOutcome(budget), new RunReport(), 1);

  function effect(over: Partial<Effect<number>> & { writes?: number[] }): Effect<number> & { calls: string[] } {
    const calls: string[] = [];
    return {
      key: 'comment:1_2',
      kind: 'comment',
      calls,
      check: async () => {
        calls.push('check');
        return undefined;
      },
      write: async () => {
        calls.push('write');
        return 7;
      },
      remoteId: (n) => String(n),
      commit: (n) => store.setMeta('committed', String(n)),
      dryRun: { says: () => 'create comment', result: (id) => id },
      ...over,
    };
  }

  it('records the intent before the write and done with the mapping after it', async () => {
    const e = effect({
      write: async () => {
        expect(store.journal.get('comment:1_2')?.state).toBe('sending');
        return 7;
      },
    });
    await executor().perform(e);
    expect(store.journal.get('comment:1_2')).toMatchObject({ state: 'done', remoteId: '7' });
    expect(store.getMeta('committed')).toBe('7');
  });

  it('checks the remote side first when an earlier attempt was cut off, and adopts what it finds', async () => {
    store.journal.markSending('comment:1_2', 'comment');
    const e = effect({ check: async () => 9 });
    const result = await executor().perform(e);
    expect(result).toBe(9);
    expect(store.getMeta('committed')).toBe('9');
  });

  it('writes again when the check finds nothing', async () => {
    store.journal.markSending('comment:1_2', 'comment');
    const e = effect({});
    await executor().perform(e);
    expect(e.calls).toEqual(['check', 'write']);
  });

  it('after an unknown outcome, checks before each further attempt in the same run', async () => {
    let n = 0;
    const e = effect({
      write: async () => {
        e.calls.push('write');
        if (n++ === 0) throw new TransientError('planfix', 'reset', true);
        return 5;
      },
    });
    expect(await executor().perform(e)).toBe(5);
    expect(e.calls).toEqual(['write', 'check', 'write']);
  });

  it('parks a refused write and leaves a throttled one for the next run', async () => {
    await expect(executor().perform(effect({ write: async () => Promise.reject(new RefusedError('facebook', 'policy', 368)) }))).rejects.toThrow(RefusedError);
    expect(store.journal.get('comment:1_2')?.state).toBe('parked');
    await expect(executor().perform(effect({ key: 'k2', write: async () => Promise.reject(new ThrottledError('planfix', 'limit')) }))).rejects.toThrow(ThrottledError);
    expect(store.journal.get('k2')?.state).toBe('failed');
  });

  it('starts no write once the run budget is spent', async () => {
    const e = effect({});
    const budget = new RunBudget(60, 1);
    await executor(budget).perform(e);
    await expect(executor(budget).perform(effect({ key: 'k3' }))).rejects.toThrow(RunStopped);
  });

  it('backfill --dry-run: the planning executor says each write, commits it with a made-up id, and calls neither the check nor the write', async () => {
    const said: PlannedWrite[] = [];
    const planner = new PlanningExecutor(store.journal, new RunOutcome(new RunBudget(60, 0)), (w) => said.push(w));
    const first = effect({ key: 'contact:1', kind: 'contact', dryRun: { says: () => 'create contact Anna', result: (id) => id } });
    const second = effect({ key: 'task:p:1', kind: 'task', dryRun: { says: () => 'create task Facebook: «Hi»', result: (id) => id } });
    expect(await planner.perform(first)).toBe(-1);
    expect(await planner.perform(second)).toBe(-2);
    expect(said).toEqual([
      { kind: 'contact', says: 'create contact Anna' },
      { kind: 'task', says: 'create task Facebook: «Hi»' },
    ]);
    expect([...first.calls, ...second.calls]).toEqual([]);
    expect(store.getMeta('committed')).toBe('-2');
    expect(store.journal.get('contact:1')?.state).toBe('done');
  });

  it('backfill --dry-run plans within the run’s bounds like a real run', async () => {
    const planner = new PlanningExecutor(store.journal, new RunOutcome(new RunBudget(60, 1)), () => undefined);
    await planner.perform(effect({ key: 'a' }));
    await expect(planner.perform(effect({ key: 'b' }))).rejects.toThrow(RunStopped);
  });
});
