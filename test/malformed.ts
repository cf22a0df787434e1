import { expect } from 'vitest';
import { MalformedResponseError, type Side } from '../src/http/errors.js';

/** The MalformedResponseError `read` throws for `side` (fails the test if it returns or throws anything else). */
export function malformedFrom(side: Side, read: () => unknown): MalformedResponseError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as MalformedResponseError).side).toBe(side);
    return error as MalformedResponseError;
  }
  throw new Error('expected a MalformedResponseError, got an answer');
}
