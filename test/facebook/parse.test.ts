import { describe, expect, it } from 'vitest';
import { malformedFrom } from '../malformed.js';
import { at, graphTimeToDate, parseComment, parseCreated, parseList, parsePicture, parsePost } from '../../src/facebook/parse.js';

// § Guarantees of behaviour.md, "Bad input gets a clear error … a malformed API answer — the
// message names what is wrong", for Graph answers, on plain JSON values: every shape the notes
// say Graph may send is read (api-notes-facebook.md §2: photo-only comments have no message, the
// author may be withheld, a post may lack updated_time), and every shape fbsync cannot read is a
// MalformedResponseError naming the request and the field. No process, no HTTP.

const FEED = 'GET /104/feed';
const here = at(FEED, 'data[0]');

const malformed = (read: () => unknown) => malformedFrom('facebook', read);

const post = (extra: Record<string, unknown> = {}) => ({ id: '104_555', message: 'Shop opens', created_time: '2026-01-05T08:30:00+0000', ...extra });
const comment = (extra: Record<string, unknown> = {}) => ({ id: '555_1', message: 'hi', created_time: '2026-01-05T09:00:00+0000', ...extra });

describe('bad input: a Graph post', () => {
  it('a post with every field read', () => {
    const value = post({ updated_time: '2026-01-06T10:00:00+0000', story: 'Acme updated its cover', permalink_url: 'https://www.facebook.com/104/posts/555', comments: { summary: { total_count: 7 } } });
    expect(parsePost(value, here)).toEqual({
      id: '104_555',
      message: 'Shop opens',
      createdTime: '2026-01-05T08:30:00+0000',
      updatedTime: '2026-01-06T10:00:00+0000',
      story: 'Acme updated its cover',
      permalinkUrl: 'https://www.facebook.com/104/posts/555',
      commentCount: 7,
    });
  });

  it('a post without message, updated_time, permalink or comment summary (null counts as absent): empty text, never updated, count unknown', () => {
    expect(parsePost({ id: '104_555', created_time: '2026-01-05T08:30:00+0000', message: null, comments: { data: [] } }, here)).toEqual({
      id: '104_555',
      message: '',
      createdTime: '2026-01-05T08:30:00+0000',
      updatedTime: '2026-01-05T08:30:00+0000',
    });
  });

  it('names the missing, empty or mistyped field of a post', () => {
    expect(malformed(() => parsePost({ message: 'x', created_time: '2026-01-05T08:30:00+0000' }, here)).message).toBe(`Facebook answer to ${FEED}: data[0].id is missing`);
    expect(malformed(() => parsePost(post({ id: '' }), here)).message).toContain('data[0].id is empty');
    expect(malformed(() => parsePost(post({ id: 104555 }), here)).message).toContain('data[0].id is not a string (got number)');
    expect(malformed(() => parsePost(post({ created_time: undefined }), here)).message).toContain('data[0].created_time is missing');
    expect(malformed(() => parsePost(post({ created_time: 'yesterday' }), here)).message).toContain('data[0].created_time is not a time (got "yesterday")');
    expect(malformed(() => parsePost(post({ updated_time: 'soon' }), here)).message).toContain('data[0].updated_time is not a time');
    expect(malformed(() => parsePost(post({ message: ['hi'] }), here)).message).toContain('data[0].message is not a string (got an array)');
    expect(malformed(() => parsePost(post({ comments: 'many' }), here)).message).toContain('data[0].comments is not an object (got string)');
    expect(malformed(() => parsePost(post({ comments: { summary: { total_count: '7' } } }), here)).message).toContain('data[0].comments.summary.total_count is not a number (got string)');
  });

  it('an answer that is not an object at all', () => {
    expect(malformed(() => parsePost(null, here)).message).toContain('data[0] is not an object (got null)');
    expect(malformed(() => parsePost(undefined, here)).message).toContain('data[0] is missing');
    expect(malformed(() => parsePost([post()], here)).message).toContain('data[0] is not an object (got an array)');
  });
});

describe('bad input: a Graph comment', () => {
  it('a comment with every field read: author with picture, thread parent, photo attachment, flags and counts', () => {
    const value = comment({
      from: { id: '77', name: 'Ivan Petrov', picture: { data: { url: 'https://cdn/p.jpg', is_silhouette: false } } },
      parent: { id: '555_0' },
      attachment: { type: 'photo', url: 'https://www.facebook.com/photo/1', title: 'A photo', media: { image: { src: 'https://cdn/i.jpg', width: 10 } } },
      permalink_url: 'https://www.facebook.com/104/posts/555?comment_id=1',
      is_hidden: true,
      can_comment: false,
      comment_count: 2,
    });
    expect(parseComment(value, here, '104_555')).toEqual({
      id: '555_1',
      postId: '104_555',
      message: 'hi',
      createdTime: '2026-01-05T09:00:00+0000',
      isHidden: true,
      parentId: '555_0',
      from: { id: '77', name: 'Ivan Petrov', pictureUrl: 'https://cdn/p.jpg' },
      attachment: { type: 'photo', url: 'https://www.facebook.com/photo/1', imageUrl: 'https://cdn/i.jpg', title: 'A photo' },
      permalinkUrl: 'https://www.facebook.com/104/posts/555?comment_id=1',
      canComment: false,
      commentCount: 2,
    });
  });

  it('a photo-only comment has no message, a withheld author no from: both are read, not refused', () => {
    expect(parseComment({ id: '555_2', created_time: '2026-01-05T09:00:00+0000', attachment: {} }, here, '104_555')).toEqual({
      id: '555_2',
      postId: '104_555',
      message: '',
      createdTime: '2026-01-05T09:00:00+0000',
      isHidden: false,
      attachment: { type: 'unknown' },
    });
  });

  it('an author without a name, or with the silhouette picture, has neither name nor picture', () => {
    const from = parseComment(comment({ from: { id: '77', picture: { data: { url: 'https://cdn/s.jpg', is_silhouette: true } } } }), here, 'p').from;
    expect(from).toEqual({ id: '77', name: '' });
  });

  it('names the wrong field of a comment, its author, its parent or its attachment', () => {
    expect(malformed(() => parseComment(comment({ created_time: null }), here, 'p')).message).toBe(`Facebook answer to ${FEED}: data[0].created_time is missing`);
    expect(malformed(() => parseComment(comment({ is_hidden: 'no' }), here, 'p')).message).toContain('data[0].is_hidden is not true/false (got string)');
    expect(malformed(() => parseComment(comment({ comment_count: Number.NaN }), here, 'p')).message).toContain('data[0].comment_count is not a number');
    expect(malformed(() => parseComment(comment({ from: { name: 'Ivan' } }), here, 'p')).message).toContain('data[0].from.id is missing');
    expect(malformed(() => parseComment(comment({ from: 'Ivan' }), here, 'p')).message).toContain('data[0].from is not an object (got string)');
    expect(malformed(() => parseComment(comment({ from: { id: '7', picture: { data: { url: 5 } } } }), here, 'p')).message).toContain('data[0].from.picture.data.url is not a string');
    expect(malformed(() => parseComment(comment({ parent: {} }), here, 'p')).message).toContain('data[0].parent.id is missing');
    expect(malformed(() => parseComment(comment({ attachment: { media: { image: { src: 1 } } } }), here, 'p')).message).toContain('data[0].attachment.media.image.src is not a string');
  });
});

describe('bad input: a Graph list', () => {
  const item = (value: unknown, where: { what: string; path: string }) => parsePost(value, where);

  it('reads data and paging.next; the last page has no next (absent, null or empty)', () => {
    expect(parseList({ data: [post()], paging: { next: 'https://graph/next' } }, FEED, item)).toEqual({ items: [parsePost(post(), here)], next: 'https://graph/next' });
    expect(parseList({ data: [] }, FEED, item)).toEqual({ items: [], next: undefined });
    expect(parseList({ data: [], paging: { cursors: {} } }, FEED, item).next).toBeUndefined();
    expect(parseList({ data: [], paging: { next: '' } }, FEED, item).next).toBeUndefined();
    expect(parseList({ data: [], paging: null }, FEED, item).next).toBeUndefined();
  });

  it('names what is wrong: no data, data not a list, the index of a bad item, a bad paging', () => {
    expect(malformed(() => parseList({}, FEED, item)).message).toBe(`Facebook answer to ${FEED}: data is missing`);
    expect(malformed(() => parseList({ data: {} }, FEED, item)).message).toContain('data is not a list (got object)');
    expect(malformed(() => parseList({ data: [post(), post({ id: undefined })] }, FEED, item)).message).toContain('data[1].id is missing');
    expect(malformed(() => parseList({ data: [], paging: { next: 3 } }, FEED, item)).message).toContain('paging.next is not a string (got number)');
    expect(malformed(() => parseList({ data: [], paging: [] }, FEED, item)).message).toContain('paging is not an object (got an array)');
    expect(malformed(() => parseList('<html>', FEED, item)).message).toBe(`Facebook answer to ${FEED}: the answer is not an object (got string)`);
  });
});

describe('bad input: a picture and a published reply', () => {
  it('a picture: its url, or none for the silhouette or no url', () => {
    expect(parsePicture({ data: { url: 'https://cdn/p.jpg', is_silhouette: false, width: 50 } }, 'GET /77/picture')).toBe('https://cdn/p.jpg');
    expect(parsePicture({ data: { url: 'https://cdn/s.jpg', is_silhouette: true } }, 'GET /77/picture')).toBeUndefined();
    expect(parsePicture({ data: {} }, 'GET /77/picture')).toBeUndefined();
  });

  it('a picture answer without data is named', () => {
    expect(malformed(() => parsePicture({}, 'GET /77/picture')).message).toBe('Facebook answer to GET /77/picture: data is missing');
    expect(malformed(() => parsePicture({ data: { url: true } }, 'GET /77/picture')).message).toContain('data.url is not a string (got boolean)');
  });

  it('a published reply: its id, with the permalink when Graph gave one', () => {
    expect(parseCreated({ id: '555_9' }, 'POST /555_1/comments')).toEqual({ id: '555_9' });
    expect(parseCreated({ id: '555_9', permalink_url: 'https://fb/c/9' }, 'POST /555_1/comments')).toEqual({ id: '555_9', permalinkUrl: 'https://fb/c/9' });
  });

  it('a published reply without an id is named', () => {
    expect(malformed(() => parseCreated({ success: true }, 'POST /555_1/comments')).message).toBe('Facebook answer to POST /555_1/comments: id is missing');
  });
});

describe('Graph times', () => {
  it('reads the +0000 offset Graph writes, a Z and a +hh:mm too; anything else is no time', () => {
    expect(graphTimeToDate('2026-01-05T08:30:00+0000')?.toISOString()).toBe('2026-01-05T08:30:00.000Z');
    expect(graphTimeToDate('2026-01-05T10:30:00+0200')?.toISOString()).toBe('2026-01-05T08:30:00.000Z');
    expect(graphTimeToDate('2026-01-05T08:30:00Z')?.toISOString()).toBe('2026-01-05T08:30:00.000Z');
    expect(graphTimeToDate('2026-01-05T10:30:00+02:00')?.toISOString()).toBe('2026-01-05T08:30:00.000Z');
    expect(graphTimeToDate('not a time')).toBeUndefined();
  });
});
