// Rule 3 ("attributed to the commenter's contact where Planfix allows it") and rule 2's
// counterparty, decided on plain data. A contact as a comment's author or a task's counterparty is
// in the spec's examples but unconfirmed (api-notes-planfix.md §4): Planfix may refuse it with any
// code (6, 0, 40, 41, 5001…), and code 6 also means "no new comments in this status". So a refusal
// of a write that named the contact is asked once more without it; only a refusal of the write
// without the contact is real. A refused write was not applied, so repeating it is safe.

import { AuthError, MalformedResponseError, RemoteError, ThrottledError, TransientError } from '../http/errors.js';

export type AfterRefusal = 'retryWithout' | 'fail';

/** The comment's owner: the commenter's contact, unless Planfix refused a contact as author earlier this run. */
export function commentOwner(contactId: number | undefined, refusedThisRun: boolean): string | undefined {
  return contactId === undefined || refusedThisRun ? undefined : `contact:${contactId}`;
}

/** The task's counterparty, on the same terms as a comment's owner. */
export function taskCounterparty(contactId: number | undefined, refusedThisRun: boolean): string | undefined {
  return commentOwner(contactId, refusedThisRun);
}

/** A comment write failed: write it once without owner, or is this the real answer? */
export function afterOwnerFailure(error: unknown, ownerSent: boolean): AfterRefusal {
  return ownerSent && refusedUnapplied(error) ? 'retryWithout' : 'fail';
}

/**
 * A task write failed. The counterparty is blamed only when Planfix's text names it: a task
 * refused for another reason (a bad template) would be refused without it too.
 */
export function afterCounterpartyFailure(error: unknown, counterpartySent: boolean): AfterRefusal {
  return counterpartySent && refusedUnapplied(error) && /counterparty/i.test(error.message) ? 'retryWithout' : 'fail';
}

/** A task was made, but `failures` says the counterparty was not set: later tasks of the run go without one. */
export function counterpartyNotApplied(failures: readonly { field: string }[]): boolean {
  return failures.some((f) => /counterparty/i.test(f.field));
}

/**
 * Planfix answered and applied nothing: a refusal, a missing object, a fail answer with a 4xx.
 * Not: a stopped side (limit, token, configuration), a busy object, an answer that may have come
 * after the write.
 */
export function refusedUnapplied(error: unknown): error is RemoteError {
  if (error instanceof ThrottledError || error instanceof AuthError) return false;
  if (error instanceof TransientError) return !error.outcomeUnknown && error.apiCode !== undefined && error.apiCode !== BUSY_CODE;
  return error instanceof RemoteError && !(error instanceof MalformedResponseError);
}

/** Planfix code 3: the object is being changed by someone else (retried by the HTTP layer). */
const BUSY_CODE = 3;
