import { describe, expect, it } from 'vitest';
import {
  carriesPost,
  commentCreation,
  contactCreation,
  contactSearch,
  matchingContact,
  postTaskFilters,
  taskCreation,
} from '../../src/planfix/requests.js';

// Rule 1 (a contact that carries the commenter's Facebook id, made from the configured contact
// template) and rule 2 (the post's tasks of the task template) as the bodies Planfix is sent and
// the exact match made on what it returns, on plain data. No process, no HTTP (the wiring:
// planfix-client.test.ts). Ids as in the design's example configuration: contact template 3,
// task template 12, fields 101 (contact's Facebook id) and 202 (task's post id).

const card = (id: number, facebookId?: string, name = 'Ivan') => ({ contact: { id, name }, ...(facebookId === undefined ? {} : { facebookId }) });

describe('rule 1: look for a card carrying the commenter’s Facebook id first', () => {
  it('rule 1: the search filters contacts on the Facebook-id field (4101, equal) and reads that field back', () => {
    expect(contactSearch(101, '0123456789')).toEqual({
      offset: 0,
      pageSize: 100,
      fields: 'id,name,lastname,101',
      filters: [{ type: 4101, field: 101, operator: 'equal', value: '0123456789' }],
    });
  });

  it('rule 1: only a card carrying exactly this id is the person’s (Planfix’s filter may match loosely)', () => {
    expect(matchingContact([card(9, '01234567890'), card(10, '0123456789 '), card(11, '123456789'), card(12)], '0123456789')).toBeNull();
    expect(matchingContact([card(9, '01234567890'), card(10, '0123456789')], '0123456789')).toEqual({ id: 10, name: 'Ivan' });
  });

  it('rule 1, one person one card: of several cards with the id, the oldest (lowest id), whatever the order Planfix lists them in', () => {
    const found = [card(40, '0123456789', 'Ivan Petrov'), card(15, '0123456789', 'Ivan P.'), card(27, '0123456789')];
    expect(matchingContact(found, '0123456789')).toEqual({ id: 15, name: 'Ivan P.' });
    expect(matchingContact([...found].reverse(), '0123456789')).toEqual({ id: 15, name: 'Ivan P.' });
  });

  it('rule 1: nothing found is no card', () => {
    expect(matchingContact([], '0123456789')).toBeNull();
  });
});

describe('rule 1: none found: a card from the configured contact template', () => {
  it('rule 1: the card is made from the contact template, with the name, last name and the Facebook id in its field', () => {
    expect(contactCreation(3, 101, { name: 'Ivan', lastname: 'Petrov', facebookId: '0123456789' })).toEqual({
      template: { id: 3 },
      name: 'Ivan',
      lastname: 'Petrov',
      customFieldData: [{ field: { id: 101 }, value: '0123456789' }],
    });
  });

  it('rule 1: the uploaded profile picture is attached as a file; none uploaded, no files', () => {
    expect(contactCreation(3, 101, { name: 'Ivan', facebookId: '7', photoUrl: 'https://x/p.jpg' }, 55)).toMatchObject({ files: [{ id: 55 }] });
    expect(contactCreation(3, 101, { name: 'Ivan', facebookId: '7', photoUrl: 'https://x/p.jpg' })).not.toHaveProperty('files');
  });
});

describe('rule 2: the post’s tasks of the configured task template', () => {
  it('rule 2: the search filters tasks on the template (51) and the post-id field (101, equal)', () => {
    expect(postTaskFilters(12, 202, '104_555')).toEqual([
      { type: 51, operator: 'equal', value: 12 },
      { type: 101, field: 202, operator: 'equal', value: '104_555' },
    ]);
  });

  it('rule 2: only a task carrying exactly this post id is the post’s', () => {
    expect(carriesPost({ postId: '104_555' }, '104_555')).toBe(true);
    expect(carriesPost({ postId: '104_5555' }, '104_555')).toBe(false);
    expect(carriesPost({ postId: ' 104_555' }, '104_555')).toBe(false);
    expect(carriesPost({}, '104_555')).toBe(false);
  });

  it('rule 2: a new task comes from the task template, with the post id in its field and the commenter’s contact as counterparty', () => {
    const task = { name: 'Facebook: «hi»', description: 'Post<br>text', postId: '104_555' };
    expect(taskCreation(12, 202, task, 'contact:15')).toEqual({
      template: { id: 12 },
      name: 'Facebook: «hi»',
      description: 'Post<br>text',
      counterparty: { id: 'contact:15' },
      customFieldData: [{ field: { id: 202 }, value: '104_555' }],
    });
    expect(taskCreation(12, 202, task)).not.toHaveProperty('counterparty');
  });
});

describe('rule 3: the comment added to the task’s feed', () => {
  it('rule 3: as the contact (owner) when one is given, with no recipients (a notified contact is e-mailed) and no dateTime', () => {
    expect(commentCreation('Ivan on Facebook:<br>hi', 'contact:15')).toEqual({ description: 'Ivan on Facebook:<br>hi', owner: { id: 'contact:15' } });
    expect(commentCreation('Ivan on Facebook:<br>hi')).toEqual({ description: 'Ivan on Facebook:<br>hi' });
  });
});
