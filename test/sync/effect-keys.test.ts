import { describe, expect, it } from 'vitest';
import { commentKey, contactKey, editKey, noteKey, notesPrefix, parseReplyKey, replyKey, repliesPrefix, taskKey } from '../../src/sync/effect-keys.js';

// Nothing twice (behaviour.md § Guarantees): the journal finds a write again by its key, so a key
// names the thing written and nothing else.

describe('journal keys', () => {
  it('nothing twice: a reply key read back gives the answer and the Facebook comment it was made of, whatever the comment id holds', () => {
    const key = replyKey(5012, '104_777');
    expect(key.startsWith(repliesPrefix(5012))).toBe(true);
    expect(key.startsWith(repliesPrefix())).toBe(true);
    expect(parseReplyKey(key)).toEqual({ planfixCommentId: 5012, fbTargetId: '104_777' });
    expect(parseReplyKey(replyKey(7, 'a:b'))).toEqual({ planfixCommentId: 7, fbTargetId: 'a:b' });
    expect(parseReplyKey(commentKey('104_777'))).toBeUndefined();
  });

  it('nothing twice: one answer’s reply keys do not start like another answer’s (50 is no prefix of 501)', () => {
    expect(replyKey(501, 'x').startsWith(repliesPrefix(50))).toBe(false);
  });

  it('nothing twice: the n-th note of a kind about a comment is its own key, counted under one prefix per comment and kind', () => {
    expect(noteKey('hidden', '1_2', 0)).not.toBe(noteKey('hidden', '1_2', 1));
    expect(noteKey('hidden', '1_2', 3).startsWith(notesPrefix('hidden', '1_2'))).toBe(true);
    expect(noteKey('hidden', '1_20', 0).startsWith(notesPrefix('hidden', '1_2'))).toBe(false);
    expect(noteKey('unhidden', '1_2', 0).startsWith(notesPrefix('hidden', '1_2'))).toBe(false);
  });

  it('nothing twice: the keys of different things differ, and the same thing always gets the same key', () => {
    const keys = [contactKey('1'), taskKey('1', 1), commentKey('1'), editKey('1', 'h'), noteKey('deleted', '1', 0), replyKey(1, '1')];
    expect(new Set(keys).size).toBe(keys.length);
    expect(taskKey('104_555', 2)).toBe(taskKey('104_555', 2));
  });
});
