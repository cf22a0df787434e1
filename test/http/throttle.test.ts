import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThrottledError } from '../../src/http/errors.js';
import { Throttle } from '../../src/http/throttle.js';

// The pacing at planfix.requestsPerSecond (the Planfix client gives its Throttle 1000 / rps ms),
// Facebook's slow-down as usage climbs, and the brake of "rate limits respected" (§ Guarantees):
// the Throttle's decisions on a fake clock, where they are exact. No process, no HTTP.

beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] }));
afterEach(() => void vi.useRealTimers());

/** Starts `n` admits at once; resolves with the fake time each was let through, from the start. */
async function starts(throttle: Throttle, n: number, runFor = 60_000): Promise<number[]> {
  const t0 = Date.now();
  const admitted: number[] = [];
  const all = Promise.all(Array.from({ length: n }, () => throttle.admit().then(() => void admitted.push(Date.now() - t0))));
  await vi.advanceTimersByTimeAsync(runFor);
  await all;
  return admitted;
}

/** The rejection of `promise` (the clock advanced until it settles). */
async function rejection(promise: Promise<unknown>, runFor = 60_000): Promise<any> {
  const settled = promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
  await vi.advanceTimersByTimeAsync(runFor);
  return settled;
}

describe('planfix.requestsPerSecond: request starts are spaced by 1000 / requestsPerSecond', () => {
  it('planfix.requestsPerSecond 20: requests asked for at once start 50 ms apart, the first at once', async () => {
    expect(await starts(new Throttle('planfix', 1000 / 20), 5)).toEqual([0, 50, 100, 150, 200]);
  });

  it('planfix.requestsPerSecond 1 (the documented limit): one start a second', async () => {
    expect(await starts(new Throttle('planfix', 1000), 3)).toEqual([0, 1000, 2000]);
  });

  it('planfix.requestsPerSecond: a request asked for soon after another waits for the rest of the interval', async () => {
    const throttle = new Throttle('planfix', 1000);
    expect(await starts(throttle, 1, 300)).toEqual([0]);
    expect(await starts(throttle, 1)).toEqual([700]);
  });

  it('planfix.requestsPerSecond: an idle side saves up no burst: after a long pause the next two are spaced again', async () => {
    const throttle = new Throttle('planfix', 1000);
    await starts(throttle, 1, 10_000);
    expect(await starts(throttle, 2)).toEqual([0, 1000]);
  });

  it('an unpaced side (interval 0) lets every request through at once', async () => {
    expect(await starts(new Throttle('facebook', 0), 4, 0)).toEqual([0, 0, 0, 0]);
  });
});

describe('rate limits respected: slowDown adds to the spacing', () => {
  it('rate limits: slowDown adds its delay to the interval of the requests that follow', async () => {
    const throttle = new Throttle('facebook', 50);
    throttle.slowDown(100);
    expect(await starts(throttle, 3)).toEqual([0, 150, 300]);
  });

  it('rate limits: an unpaced side slowed down is spaced by the delay alone', async () => {
    const throttle = new Throttle('facebook', 0);
    throttle.slowDown(2000);
    expect(await starts(throttle, 3)).toEqual([0, 2000, 4000]);
  });

  it('rate limits: the latest slowDown counts, not the sum; 0 (or less) is back to the plain interval', async () => {
    const throttle = new Throttle('facebook', 50);
    throttle.slowDown(500);
    throttle.slowDown(100);
    expect(await starts(throttle, 2)).toEqual([0, 150]);
    throttle.slowDown(-30);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await starts(throttle, 3)).toEqual([0, 50, 100]);
  });
});

describe('rate limits respected: a stopped side is sent nothing more this run', () => {
  const limit = () => new ThrottledError('planfix', 'Planfix says: request limit exceeded (code 22)', 600_000, 22);

  it('rate limits: a stopped throttle refuses at once with a ThrottledError naming the side and the cause, its wait and code kept', async () => {
    const throttle = new Throttle('planfix', 1000);
    throttle.stop(limit());
    const error = await rejection(throttle.admit(), 0);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.side).toBe('planfix');
    expect(error.message).toBe('planfix is throttled for the rest of this run: Planfix says: request limit exceeded (code 22)');
    expect(error.retryAfterMs).toBe(600_000);
    expect(error.apiCode).toBe(22);
  });

  it('rate limits: requests already waiting for their slot are refused when the side stops meanwhile', async () => {
    const throttle = new Throttle('planfix', 1000);
    await throttle.admit();
    const waiting = throttle.admit();
    throttle.stop(limit());
    expect(await rejection(waiting)).toBeInstanceOf(ThrottledError);
  });

  it('rate limits: the first stop is the cause; a later one does not replace it', async () => {
    const throttle = new Throttle('facebook', 0);
    throttle.stop(new ThrottledError('facebook', 'Application request limit reached', 3_600_000, 4));
    throttle.stop(new ThrottledError('facebook', 'another', 1, 17));
    expect(throttle.stopped?.apiCode).toBe(4);
    expect((await rejection(throttle.admit(), 0)).message).toContain('Application request limit reached');
  });
});
