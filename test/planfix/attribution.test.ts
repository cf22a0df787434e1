import { describe, expect, it } from 'vitest';
import { OWNER_REFUSALS } from './owner-refusals.js';
import { ConfigError } from '../../src/errors.js';
import { AuthError, MalformedResponseError, NotFoundError, PermissionError, RefusedError, ThrottledError, TransientError, writeOutcomeUnknown } from '../../src/http/errors.js';
import { afterCounterpartyFailure, afterOwnerFailure, commentOwner, counterpartyNotApplied, taskCounterparty } from '../../src/planfix/attribution.js';

// Rule 3 of behaviour.md ("attributed to the commenter's contact where Planfix allows it") and
// rule 2's counterparty, on plain data: the error the write ended with, whether the contact was
// sent, what the run already learned. No process, no HTTP (the wiring: planfix-answers.test.ts).

const refused = (code: number, text: string) => new RefusedError('planfix', `Planfix refused POST /rest/task/5/comments/ (${text}, code ${code})`, code);

describe('rule 3: a comment is attributed to the commenter’s contact where Planfix allows it', () => {
  it('rule 3: the comment is written as the commenter’s contact (owner contact:N)', () => {
    expect(commentOwner(15, false)).toBe('contact:15');
  });

  it('rule 3: once Planfix refused a contact as author this run, later comments go without owner', () => {
    expect(commentOwner(15, true)).toBeUndefined();
  });

  it('rule 3: a comment with nobody to attribute it to goes without owner', () => {
    expect(commentOwner(undefined, false)).toBeUndefined();
  });

  it.each(OWNER_REFUSALS)('rule 3: a refusal (code %i) of the comment with an owner is written once without owner', (code, text) => {
    expect(afterOwnerFailure(refused(code, text), true)).toBe('retryWithout');
  });

  it('rule 3: a missing contact as owner (code 2000) and a fail answer with a code below HTTP 500 are asked again without owner too', () => {
    expect(afterOwnerFailure(new NotFoundError('planfix', 'Planfix has no such contact', 2000), true)).toBe('retryWithout');
    expect(afterOwnerFailure(new TransientError('planfix', 'Planfix failed (Rest API error, HTTP 400)', false, 0), true)).toBe('retryWithout');
    expect(afterOwnerFailure(new PermissionError('planfix', 'Planfix denied it', 5), true)).toBe('retryWithout');
  });

  it('rule 3: only a refusal of the ownerless comment is real (code 6: no new comments in this status)', () => {
    expect(afterOwnerFailure(refused(6, 'New comments not allowed in this process'), false)).toBe('fail');
  });

  it('rule 3: an answer that may come after the write (HTTP 500, timeout) is not repeated without owner', () => {
    expect(afterOwnerFailure(new TransientError('planfix', 'Planfix failed (HTTP 500)', true, 0), true)).toBe('fail');
    expect(afterOwnerFailure(writeOutcomeUnknown('planfix', new MalformedResponseError('planfix', 'no id')), true)).toBe('fail');
    expect(afterOwnerFailure(new MalformedResponseError('planfix', 'id is missing'), true)).toBe('fail');
  });

  it('rule 3: a stopped side (throttle, refused token, configuration) or a busy task (code 3) is no reason to drop the owner', () => {
    expect(afterOwnerFailure(new ThrottledError('planfix', 'limit', 60_000, 22), true)).toBe('fail');
    expect(afterOwnerFailure(new AuthError('planfix', 'Invalid token', 1), true)).toBe('fail');
    expect(afterOwnerFailure(new ConfigError('unknown template', 'planfix.taskTemplateId'), true)).toBe('fail');
    expect(afterOwnerFailure(new TransientError('planfix', 'busy', false, 3), true)).toBe('fail');
    expect(afterOwnerFailure(new TransientError('planfix', 'connection refused', false), true)).toBe('fail');
    expect(afterOwnerFailure(new Error('a bug'), true)).toBe('fail');
  });
});

describe('rule 2: the task names the commenter’s contact as its counterparty where Planfix allows it', () => {
  it('rule 2: the task is made with the contact as counterparty, until Planfix refused one this run', () => {
    expect(taskCounterparty(15, false)).toBe('contact:15');
    expect(taskCounterparty(15, true)).toBeUndefined();
    expect(taskCounterparty(undefined, false)).toBeUndefined();
  });

  it('rule 2: a refusal whose text names the counterparty is written once without it', () => {
    expect(afterCounterpartyFailure(new RefusedError('planfix', 'Planfix refused POST /rest/task/ (Invalid parameter: counterparty, code 41)', 41), true)).toBe('retryWithout');
    expect(afterCounterpartyFailure(new RefusedError('planfix', 'Planfix refused it (COUNTERPARTY not found)', 1001), true)).toBe('retryWithout');
  });

  it('rule 2: a refusal that does not name the counterparty is real (it would be refused without it too)', () => {
    expect(afterCounterpartyFailure(new RefusedError('planfix', 'Planfix refused POST /rest/task/ (Error adding task, code 1001)', 1001), true)).toBe('fail');
  });

  it('rule 2: a refusal of the task without counterparty, or an answer that may come after the write, is never repeated', () => {
    expect(afterCounterpartyFailure(new RefusedError('planfix', 'Invalid parameter: counterparty', 41), false)).toBe('fail');
    expect(afterCounterpartyFailure(new TransientError('planfix', 'counterparty: HTTP 500', true, 0), true)).toBe('fail');
    expect(afterCounterpartyFailure(new ThrottledError('planfix', 'counterparty limit', undefined, 22), true)).toBe('fail');
  });

  it('rule 2: a task made with failures naming counterparty was made without it: the run stops sending one', () => {
    expect(counterpartyNotApplied([{ field: 'counterparty' }])).toBe(true);
    expect(counterpartyNotApplied([{ field: 'description' }, { field: 'Counterparty' }])).toBe(true);
    expect(counterpartyNotApplied([{ field: 'description' }, { field: '' }])).toBe(false);
    expect(counterpartyNotApplied([])).toBe(false);
  });
});
