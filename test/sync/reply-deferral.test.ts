import { describe, expect, it } from 'vitest';
import { deferOwnWrites } from '../../src/sync/replies.js';

// Busy cycles: a task Planfix lists only because fbsync itself just wrote to it is read next
// cycle, once, instead of now and again then.

describe('the reply half reads back the tasks fbsync just wrote to one cycle later', () => {
  const startedAt = 1_000_000;
  it('a task fbsync wrote to this cycle waits; the cursor stays at fbsync’s first write to it', () => {
    const written = new Map([
      [7, startedAt - 5_000],
      [9, startedAt - 2_000],
    ]);
    expect(deferOwnWrites([3, 7, 9], written, [], startedAt)).toEqual({ scan: [3], deferred: [7, 9], cursorAt: startedAt - 5_000 });
  });
  it('a task left last cycle is read now even if fbsync wrote to it again (no task waits twice in a row)', () => {
    const written = new Map([[7, startedAt - 5_000]]);
    expect(deferOwnWrites([7], written, [7], startedAt)).toEqual({ scan: [7], deferred: [], cursorAt: startedAt });
  });
  it('outside `run` (no writes noted) every listed task is read and the cursor is the pass’s start', () => {
    expect(deferOwnWrites([1, 2], undefined, [1], startedAt)).toEqual({ scan: [1, 2], deferred: [], cursorAt: startedAt });
  });
});
