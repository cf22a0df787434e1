// GraphClient against an msw Graph that answers the way api-notes-facebook.md describes:
// ISO `+0000` times, `paging.next` URLs carrying the token and proof, errors as `{"error":{…}}`
// with HTTP 400, usage headers as JSON strings. Any request nobody declared fails the test, and
// so does any declared handler nobody called.

import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  MalformedResponseError,
  NotFoundError,
  PermissionError,
  PostponedError,
  RefusedError,
  RemoteError,
  ThrottledError,
  TooMuchDataError,
  TransientError,
} from '../../src/http/errors.js';
import type { FbPost, PageSizeMemory, PagedEdge } from '../../src/facebook/types.js';
import {
  API,
  FAST,
  GRAPH,
  expectNoSecrets,
  failure,
  graphClient as client,
  graphError,
  graphPage,
  PAGE_ID,
  requests,
  server,
  signatureRefusal,
  TOKEN,
  useGraphMsw,
  V,
} from './msw-harness.js';

/** Where paging.next URLs point in some tests: another host and port, followed as given. */
const ELSEWHERE = 'http://127.0.0.1:4999';

useGraphMsw();

// ---- a Graph that checks signatures like Graph does -------------------------------------------

const proofsSeen: { time: string; proof: string }[] = [];

/** Graph's answer to a request without a valid token/proof, or undefined when it is signed right. */
function signed(request: Request): Response | undefined {
  return signatureRefusal(new URL(request.url).searchParams, { proofs: proofsSeen });
}

/**
 * A Graph GET of `path` (msw syntax, below `base`): a request not signed right is refused as Graph
 * does; `answer` gets the others, with their query.
 */
function signedGet(path: string, answer: (query: URLSearchParams, call: { request: Request; params: Record<string, unknown> }) => Response, base = API) {
  return http.get(`${base}/${path}`, ({ request, params }) => signed(request) ?? answer(new URL(request.url).searchParams, { request, params }));
}

function post(n: number, createdTime: string, extra: Record<string, unknown> = {}) {
  return {
    id: `${PAGE_ID}_1015840765432${n}`,
    message: `Post number ${n}`,
    created_time: createdTime,
    updated_time: createdTime,
    permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/1015840765432${n}`,
    comments: { data: [], summary: { order: 'chronological', total_count: n, can_comment: true } },
    ...extra,
  };
}

/** A paging.next URL as Graph writes it: the query of the request, token and (old) proof included, plus a cursor. */
function nextUrl(base: string, path: string, cursor: string, proof = 'ab12cd34stale'): string {
  return `${base}/${V}/${path}?fields=id%2Cmessage%2Cstory%2Ccreated_time%2Cupdated_time%2Cpermalink_url%2Ccomments.filter%28stream%29.summary%28true%29.limit%280%29&limit=2&access_token=${TOKEN}&appsecret_proof=${proof}&appsecret_time=1600000000&__paging_token=enc_AdDP9${cursor}&after=QVFIU${cursor}`;
}

async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

// ---- posts -------------------------------------------------------------------------------------

describe('listPosts', () => {
  it('follows paging.next, on whatever host it names, until it is absent, with a fresh proof each time', async () => {
    const next = nextUrl(ELSEWHERE, `${PAGE_ID}/feed`, 'page2');
    server.use(
      signedGet(':page/feed', (q, { params }) => {
        expect(params.page).toBe(PAGE_ID);
        expect(q.get('fields')).toBe('id,message,story,created_time,updated_time,permalink_url,comments.filter(stream).summary(true).limit(0)');
        expect(q.get('limit')).toBe('2');
        return graphPage([post(3, '2026-03-10T10:00:00+0000'), post(2, '2026-03-09T10:00:00+0000', { message: undefined, story: 'Acme updated their cover photo.' })], { cursors: { before: 'QVFIUbefore', after: 'QVFIUpage2' }, next });
      }),
      signedGet(':page/feed', (got, { request }) => {
        // everything but the signature is Facebook's next URL, verbatim
        const unsigned = (url: string) => url.slice(url.indexOf('?') + 1).split('&').filter((p) => !/^(access_token|appsecret_proof|appsecret_time)=/.test(p));
        expect(unsigned(request.url).sort()).toEqual(unsigned(next).sort());
        expect(got.get('appsecret_proof')).not.toBe('ab12cd34stale');
        return graphPage([post(1, '2026-03-01T08:30:00+0000')], { previous: `${ELSEWHERE}/${V}/${PAGE_ID}/feed?limit=2&access_token=${TOKEN}&before=QVFIUx&__previous=1` });
      }, `${ELSEWHERE}/${V}`),
    );
    const fb = client();
    proofsSeen.length = 0;
    const pages = await collect(fb.listPosts({ pageSize: 2 }));
    expect(pages.map((page) => page.map((p) => p.id))).toEqual([
      [`${PAGE_ID}_10158407654323`, `${PAGE_ID}_10158407654322`],
      [`${PAGE_ID}_10158407654321`],
    ]);
    const first: FbPost = pages[0][0];
    expect(first).toEqual({
      id: `${PAGE_ID}_10158407654323`,
      message: 'Post number 3',
      createdTime: '2026-03-10T10:00:00+0000',
      updatedTime: '2026-03-10T10:00:00+0000',
      permalinkUrl: `https://www.facebook.com/${PAGE_ID}/posts/10158407654323`,
      commentCount: 3,
    });
    expect(pages[0][1]).toMatchObject({ message: '', story: 'Acme updated their cover photo.', commentCount: 2 });
    expect(fb.requestCount).toBe(2);
    expect(proofsSeen).toHaveLength(2);
  });

  it('stops after two consecutive posts older than `since`, drops them, and asks for no further page', async () => {
    server.use(
      signedGet(':page/feed', (q) => {
        if (!q.get('after')) {
          expect(q.get('until')).toBe(String(Date.parse('2026-03-20T00:00:00Z') / 1000));
          return graphPage([post(9, '2026-03-12T10:00:00+0000'), post(8, '2026-03-11T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'p2') });
        }
        expect(q.get('after')).toBe('QVFIUp2');
        // Two older posts in a row, and still a next page: that one must not be asked for.
        return graphPage([post(7, '2026-03-10T10:00:00+0000'), post(6, '2026-03-04T23:59:59+0000'), post(5, '2026-03-04T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'p3') });
      }),
    );
    const fb = client();
    const lasts: boolean[] = [];
    const pages = await collect(fb.listPosts({ since: new Date('2026-03-05T00:00:00Z'), until: new Date('2026-03-20T00:00:00Z'), pageSize: 2, onPage: ({ last }) => lasts.push(last) }));
    expect(pages.map((page) => page.map((p) => p.message))).toEqual([['Post number 9', 'Post number 8'], ['Post number 7']]);
    expect(fb.requestCount).toBe(2);
    // What reached Graph: the first page, then the one after it; not the p3 page.
    expect(requests.map((r) => `${r.method} ${r.path} after=${r.query.after ?? '-'}`)).toEqual([`GET /${V}/${PAGE_ID}/feed after=-`, `GET /${V}/${PAGE_ID}/feed after=QVFIUp2`]);
    // The rotation of `run` learns from this that the window ended here, without asking for page 3.
    expect(lasts).toEqual([false, true]);
  });

  it('tells before each page whether it is the last one (no paging.next)', async () => {
    server.use(
      signedGet(':page/feed', (q) => {
        if (!q.get('after')) return graphPage([post(2, '2026-03-02T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'p2') });
        return graphPage([post(1, '2026-03-01T10:00:00+0000')]);
      }),
    );
    const lasts: boolean[] = [];
    const pages = await collect(client().listPosts({ onPage: ({ last }) => lasts.push(last) }));
    expect(pages).toHaveLength(2);
    expect(lasts).toEqual([false, true]);
  });

  it('fails instead of looping when Facebook gives the same next URL twice (proof aside)', async () => {
    server.use(
      signedGet(':page/feed', (q) => {
        const after = q.get('after');
        if (!after) return graphPage([post(2, '2026-03-02T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'AAA', 'proof1') });
        return graphPage([post(1, '2026-03-01T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'AAA', 'proof2') });
      }),
    );
    const fb = client();
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const page of fb.listPosts()) seen.push(...page.map((p) => p.id));
      })(),
    );
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toMatch(/^Facebook returned the same page of posts twice/);
    expect(error.message).toContain(`GET /${PAGE_ID}/feed`);
    expectNoSecrets(error);
    expect(seen).toHaveLength(2);
    expect(fb.requestCount).toBe(2);
  });

  it('fails when a new next URL brings only posts already seen, and drops repeats inside a new page', async () => {
    const a = post(3, '2026-03-03T10:00:00+0000');
    const b = post(2, '2026-03-02T10:00:00+0000');
    const c = post(1, '2026-03-01T10:00:00+0000');
    server.use(
      signedGet(':page/feed', (q) => {
        const after = q.get('after');
        if (!after) return graphPage([a, b], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, '2') });
        if (after === 'QVFIU2') return graphPage([b, c], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, '3') });
        return graphPage([a, c], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, '4') });
      }),
    );
    const pages: string[][] = [];
    const error = await failure(
      (async () => {
        for await (const page of client().listPosts()) pages.push(page.map((p) => p.message));
      })(),
    );
    expect(pages).toEqual([['Post number 3', 'Post number 2'], ['Post number 1']]);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toMatch(/^Facebook returned the same page of posts twice/);
  });

  it('names the field when a post lacks one', async () => {
    server.use(
      signedGet(':page/feed', () => {
        return graphPage([post(2, '2026-03-02T10:00:00+0000'), post(1, '2026-03-01T10:00:00+0000', { created_time: undefined })]);
      }),
    );
    const error = await failure(collect(client().listPosts()));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toBe(`Facebook answer to GET /${PAGE_ID}/feed: data[1].created_time is missing`);
  });
});

describe('listPosts: look-back window', () => {
  const since = new Date('2026-03-05T00:00:00Z');

  it('does not end the listing at an old pinned post that leads the feed', async () => {
    server.use(
      signedGet(':page/feed', (q) => {
        if (!q.get('after')) {
          return graphPage([post(1, '2025-01-01T10:00:00+0000'), post(9, '2026-03-12T10:00:00+0000'), post(8, '2026-03-11T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'p2') });
        }
        return graphPage([post(7, '2026-03-10T10:00:00+0000')]);
      }),
    );
    const pages = await collect(client().listPosts({ since }));
    expect(pages.map((page) => page.map((p) => p.message))).toEqual([['Post number 9', 'Post number 8'], ['Post number 7']]);
  });

  it('reads past one out-of-order old post, and counts two older posts in a row across a page boundary', async () => {
    server.use(
      signedGet(':page/feed', (q) => {
        const after = q.get('after');
        if (!after) {
          return graphPage([post(9, '2026-03-12T10:00:00+0000'), post(2, '2026-02-01T10:00:00+0000'), post(8, '2026-03-11T10:00:00+0000'), post(3, '2026-02-02T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'p2') });
        }
        expect(after).toBe('QVFIUp2');
        // The second old post in a row: the listing ends here, page p3 is never asked for.
        return graphPage([post(4, '2026-02-03T10:00:00+0000'), post(7, '2026-03-10T10:00:00+0000')], { next: nextUrl(GRAPH, `${PAGE_ID}/feed`, 'p3') });
      }),
    );
    const fb = client();
    const pages = await collect(fb.listPosts({ since }));
    expect(pages.map((page) => page.map((p) => p.message))).toEqual([['Post number 9', 'Post number 8']]);
    expect(fb.requestCount).toBe(2);
  });
});

// ---- page size --------------------------------------------------------------------------------

const TOO_MUCH = () => HttpResponse.json({ error: { code: 1, message: "Please reduce the amount of data you're asking for, then retry your request" } }, { status: 500 });

/** A PageSizeMemory over a plain object, as the store's meta table backs it. */
function memory(initial: Partial<Record<PagedEdge, number>> = {}) {
  const values: Partial<Record<PagedEdge, number>> = { ...initial };
  const writes: string[] = [];
  const mem: PageSizeMemory = {
    get: (edge) => values[edge],
    set: (edge, size) => {
      values[edge] = size;
      writes.push(`${edge}=${size}`);
    },
  };
  return { mem, values, writes };
}

/** A feed of `total` posts whose pages fail as too heavy above `maxLimit` posts; `limits` records every ask. */
function heavyFeed(total: number, maxLimit: number, limits: string[], options: { passLight?: boolean } = {}) {
  const all = Array.from({ length: total }, (_, i) => post(total - i, new Date(Date.parse('2026-03-01T00:00:00Z') + (total - i) * 60_000).toISOString().replace('.000Z', '+0000')));
  return signedGet(':page/feed', (q) => {
    const limit = Number(q.get('limit'));
    const light = !q.get('fields')!.includes('comments');
    limits.push(`${limit}${light ? ' light' : ''}`);
    if (limit > maxLimit && !(light && options.passLight)) return TOO_MUCH();
    const start = Number(q.get('after') ?? '0');
    // Graph answers the fields asked for: no comment summary in the light form.
    const data = all.slice(start, start + limit).map(({ comments, ...rest }) => (light ? rest : { ...rest, comments }));
    const next = start + limit < total ? `${API}/${PAGE_ID}/feed?${new URLSearchParams({ fields: q.get('fields')!, limit: String(limit), access_token: TOKEN, after: String(start + limit) })}` : undefined;
    return HttpResponse.json({ data, paging: { cursors: { before: 'b', after: 'a' }, ...(next ? { next } : {}) } });
  });
}

describe('page size adapts to "reduce the amount of data"', () => {
  it('halves the limit and asks the same page again at once, without the transient retries', async () => {
    const limits: string[] = [];
    server.use(heavyFeed(30, 12, limits));
    const fb = client();
    const pages = await collect(fb.listPosts());
    expect(pages.flat()).toHaveLength(30);
    expect(limits).toEqual(['100', '50', '25', '12', '12', '12']);
    expect(fb.requestCount).toBe(6);
  });

  it('rewrites the limit of a paging.next URL and keeps the rest of it', async () => {
    const seen: { limit: string | null; after: string | null; fields: string | null }[] = [];
    const next = `${ELSEWHERE}/${V}/${PAGE_ID}/feed?fields=id%2Ccreated_time&limit=100&access_token=${TOKEN}&__paging_token=enc_AdDP9&after=QVFIUpage2`;
    server.use(
      signedGet(':page/feed', () => graphPage([post(3, '2026-03-10T10:00:00+0000')], { next })),
      signedGet(':page/feed', (q) => {
        seen.push({ limit: q.get('limit'), after: q.get('after'), fields: q.get('fields') });
        if (Number(q.get('limit')) > 25) return TOO_MUCH();
        expect(q.get('__paging_token')).toBe('enc_AdDP9');
        return graphPage([post(2, '2026-03-09T10:00:00+0000')]);
      }, `${ELSEWHERE}/${V}`),
    );
    const pages = await collect(client().listPosts());
    expect(pages.flat().map((p) => p.message)).toEqual(['Post number 3', 'Post number 2']);
    expect(seen).toEqual([
      { limit: '100', after: 'QVFIUpage2', fields: 'id,created_time' },
      { limit: '50', after: 'QVFIUpage2', fields: 'id,created_time' },
      { limit: '25', after: 'QVFIUpage2', fields: 'id,created_time' },
    ]);
  });

  it('stops halving at 5 comments a page and says so', async () => {
    const limits: string[] = [];
    server.use(
      signedGet(':object/comments', (q) => {
        limits.push(q.get('limit')!);
        return TOO_MUCH();
      }),
    );
    const fb = client();
    const error = await failure(collect(fb.listComments(POST_ID)));
    expect(error).toBeInstanceOf(TooMuchDataError);
    expect(error.message).toMatch(/still too heavy at 5 items a page, the smallest fbsync asks for/);
    expect(error.message).toContain(`GET /${POST_ID}/comments`);
    expectNoSecrets(error);
    expect(limits).toEqual(['100', '50', '25', '12', '6', '5']);
  });

  it('at the floor the feed drops its comment summary (posts then come without a count), and fails only if that is still too heavy', async () => {
    const limits: string[] = [];
    server.use(heavyFeed(3, 2, limits, { passLight: true }));
    const pages = await collect(client().listPosts());
    expect(limits).toEqual(['100', '50', '25', '12', '6', '5', '5 light']);
    expect(pages.flat()).toHaveLength(3);
    expect(pages.flat().every((p) => p.commentCount === undefined)).toBe(true);

    const again: string[] = [];
    server.resetHandlers(heavyFeed(3, 2, again));
    const error = await failure(collect(client().listPosts()));
    expect(error).toBeInstanceOf(TooMuchDataError);
    expect(error.message).toMatch(/still too heavy at 5 items a page without comment counts/);
    expect(again.slice(-2)).toEqual(['5', '5 light']);
  });

  it('remembers the size that worked, and a later run starts there', async () => {
    const { mem, values } = memory();
    const limits: string[] = [];
    server.use(heavyFeed(30, 20, limits));
    await collect(client({ pageSizes: mem }).listPosts());
    expect(values).toEqual({ feed: 12 });
    limits.length = 0;
    await collect(client({ pageSizes: mem }).listPosts());
    expect(limits[0]).toBe('12');
    expect(limits.every((l) => l === '12')).toBe(true);
  });

  it('grows a remembered size back by a quarter per run that passed, once per run, up to 100', async () => {
    const { mem, values, writes } = memory({ comments: 5 });
    server.use(
      http.get(`${API}/:object/comments`, ({ request }) => signed(request) ?? graphPage([{ ...reply }])),
    );
    const sizes: number[] = [];
    for (let run = 0; run < 16; run++) {
      const fb = client({ pageSizes: mem });
      // two listings in one run (client): one growth
      await collect(fb.listComments(POST_ID));
      await collect(fb.listComments(`${POST_ID}9`));
      sizes.push(values.comments!);
    }
    expect(sizes).toEqual([7, 9, 12, 15, 19, 24, 30, 38, 48, 60, 75, 94, 100, 100, 100, 100]);
    expect(writes).toHaveLength(13);
  });

  it('keeps one memory per edge, and ignores a remembered size it cannot use', async () => {
    const { mem, values } = memory({ feed: Number.NaN, replies: 2 });
    const limits: string[] = [];
    server.use(
      heavyFeed(1, 100, limits),
      http.get(`${API}/:object/comments`, ({ request }) => {
        limits.push(`comments ${new URL(request.url).searchParams.get('limit')}`);
        return signed(request) ?? graphPage([]);
      }),
    );
    const fb = client({ pageSizes: mem });
    await collect(fb.listPosts());
    await fb.listReplies(reply.id);
    // NaN → the full size; 2 → the floor of 5, then grown
    expect(limits).toEqual(['100', 'comments 5']);
    expect(values).toEqual({ feed: Number.NaN, replies: 7 });
  });

  it('a size reduced in one listing is used by the next listing of the same run, and by its paging.next URLs', async () => {
    const { mem, values } = memory();
    const limits: string[] = [];
    server.use(
      signedGet(':object/comments', (q) => {
        limits.push(`${q.get('after') ?? 'first'} ${q.get('limit')}`);
        if (Number(q.get('limit')) > 25) return TOO_MUCH();
        return graphPage([{ ...reply, id: `${reply.id}${q.get('after') ?? ''}` }], q.get('after') ? {} : { next: `${API}/${POST_ID}/comments?limit=100&after=x` });
      }),
    );
    const fb = client({ pageSizes: mem });
    await collect(fb.listComments(POST_ID));
    await collect(fb.listComments(POST_ID));
    expect(limits).toEqual(['first 100', 'first 50', 'first 25', 'x 25', 'first 25', 'x 25']);
    expect(values).toEqual({ comments: 25 });
  });
});

// ---- comments ----------------------------------------------------------------------------------

const POST_ID = `${PAGE_ID}_2954961744718970`;

const photoOnly = {
  attachment: {
    media: { image: { height: 403, src: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/photo.jpg?oe=66B3', width: 720 } },
    target: { id: '909150133277173', url: 'https://www.facebook.com/photo.php?fbid=909150133277173' },
    type: 'photo',
    url: 'https://www.facebook.com/photo.php?fbid=909150133277173',
  },
  can_comment: true,
  comment_count: 1,
  created_time: '2026-03-01T08:35:18+0000',
  from: { name: 'Kun Liu', id: '2711636948859886' },
  id: '2954961744718970_2966313500250461',
  is_hidden: false,
  permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/2954961744718970/?comment_id=2966313500250461`,
};
const fromless = {
  can_comment: true,
  comment_count: 0,
  created_time: '2026-03-01T09:00:00+0000',
  id: '2954961744718970_2966313500250999',
  is_hidden: true,
  message: 'Who am I?',
  permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/2954961744718970/?comment_id=2966313500250999`,
};
const reply = {
  can_comment: true,
  comment_count: 0,
  created_time: '2026-03-01T10:00:00+0000',
  from: { name: 'Acme', id: PAGE_ID },
  id: '2954961744718970_2966313500251000',
  is_hidden: false,
  message: 'Thanks!',
  parent: { id: '2954961744718970_2966313500250461' },
  permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/2954961744718970/?comment_id=2966313500250461&reply_comment_id=2966313500251000`,
};

describe('listComments', () => {
  it('reads every level with filter=stream, tolerating photo-only and author-less comments', async () => {
    server.use(
      signedGet(':object/comments', (q, { params }) => {
        expect(params.object).toBe(POST_ID);
        expect(Object.fromEntries([...q].filter(([k]) => !k.startsWith('a')))).toEqual({
          filter: 'stream',
          order: 'reverse_chronological',
          limit: '100',
          fields: 'id,message,created_time,from{id,name},parent{id},attachment,permalink_url,is_hidden,can_comment,comment_count',
        });
        if (!q.get('after')) {
          return HttpResponse.json({
            data: [reply, fromless],
            paging: {
              cursors: { before: 'QVFIUb', after: 'QVFIUa' },
              next: `${ELSEWHERE}/${V}/${POST_ID}/comments?access_token=${TOKEN}&appsecret_proof=old&appsecret_time=1&fields=id%2Cmessage&filter=stream&order=reverse_chronological&limit=100&after=QVFIUa`,
            },
            summary: { order: 'reverse_chronological', total_count: 3, can_comment: true },
          });
        }
        return graphPage([], { cursors: { before: 'QVFIUc', after: 'QVFIUd' } });
      }),
      http.get(`${ELSEWHERE}/${V}/:object/comments`, ({ request }) => {
        return signed(request) ?? graphPage([photoOnly], { cursors: { before: 'x', after: 'y' } });
      }),
    );
    const pages = await collect(client().listComments(POST_ID, { newestFirst: true }));
    expect(pages).toHaveLength(2);
    const [first, second] = pages;
    expect(first[0]).toEqual({
      id: reply.id,
      postId: POST_ID,
      parentId: '2954961744718970_2966313500250461',
      from: { id: PAGE_ID, name: 'Acme' },
      message: 'Thanks!',
      createdTime: '2026-03-01T10:00:00+0000',
      permalinkUrl: reply.permalink_url,
      isHidden: false,
      canComment: true,
      commentCount: 0,
    });
    expect(first[1].from).toBeUndefined();
    expect(first[1]).toMatchObject({ message: 'Who am I?', isHidden: true, postId: POST_ID });
    expect(second[0]).toMatchObject({
      message: '',
      from: { id: '2711636948859886', name: 'Kun Liu' },
      attachment: {
        type: 'photo',
        url: 'https://www.facebook.com/photo.php?fbid=909150133277173',
        imageUrl: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/photo.jpg?oe=66B3',
      },
    });
  });

  it('asks chronological order by default and names a bad field', async () => {
    server.use(
      signedGet(':object/comments', (q) => {
        expect(q.get('order')).toBe('chronological');
        return graphPage([photoOnly, { ...fromless, from: { name: 'No id' } }]);
      }),
    );
    const error = await failure(collect(client().listComments(POST_ID)));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toBe(`Facebook answer to GET /${POST_ID}/comments: data[1].from.id is missing`);
  });

  it('fails on a repeated page of comments', async () => {
    server.use(
      signedGet(':object/comments', (q) => {
        const after = q.get('after') ?? '0';
        // The NPE bug: every page holds the same comments, under ever new cursors.
        return graphPage([photoOnly, fromless], { next: `${API}/${POST_ID}/comments?access_token=${TOKEN}&limit=100&after=${Number(after) + 1}` });
      }),
    );
    const error = await failure(collect(client().listComments(POST_ID)));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error.message).toMatch(/^Facebook returned the same page of comments twice/);
    expectNoSecrets(error);
  });
});

describe('single reads', () => {
  it('listReplies reads all pages newest first; getComment leaves postId empty', async () => {
    const parent = '2954961744718970_2966313500250461';
    server.use(
      signedGet(':object/comments', (q, { params }) => {
        expect(params.object).toBe(parent);
        expect(q.get('order')).toBe('reverse_chronological');
        expect(q.get('filter')).toBe('stream');
        if (!q.get('after')) return graphPage([reply], { next: `${API}/${parent}/comments?order=reverse_chronological&filter=stream&access_token=${TOKEN}&after=X` });
        return graphPage([{ ...reply, id: '2954961744718970_1', message: 'Earlier' }]);
      }),
      signedGet(':id', (q, { params }) => {
        expect(params.id).toBe(reply.id);
        expect(q.get('fields')).toContain('parent{id}');
        return HttpResponse.json(reply);
      }),
    );
    const fb = client();
    const replies = await fb.listReplies(parent);
    expect(replies.map((r) => r.message)).toEqual(['Thanks!', 'Earlier']);
    expect(replies.every((r) => r.parentId === parent && r.postId === '')).toBe(true);
    const one = await fb.getComment(reply.id);
    expect(one).toMatchObject({ id: reply.id, postId: '', parentId: parent });
  });

  it('getPost reads the fields of the feed', async () => {
    server.use(
      signedGet(':id', (q) => {
        expect(q.get('fields')).toContain('comments.filter(stream).summary(true).limit(0)');
        return HttpResponse.json(post(5, '2026-03-05T10:00:00+0000'));
      }),
    );
    expect(await client().getPost(`${PAGE_ID}_10158407654325`)).toMatchObject({ id: `${PAGE_ID}_10158407654325`, commentCount: 5 });
  });

  it('getPicture gives the URL, nothing for a silhouette or a refusal, and still throws for auth', async () => {
    const answers = [
      () => HttpResponse.json({ data: { height: 200, is_silhouette: false, url: 'https://scontent.xx.fbcdn.net/pic.jpg?oe=1', width: 200 } }),
      () => HttpResponse.json({ data: { height: 200, is_silhouette: true, url: 'https://static.xx.fbcdn.net/silhouette.gif', width: 200 } }),
      () => graphError(400, 100, 'Unsupported get request. Object with ID \'42\' does not exist, cannot be loaded due to missing permissions, or does not support this operation.', { error_subcode: 33 }),
      () => graphError(400, 190, 'Error validating access token: Session has expired on Friday, 06-Mar-26 10:00:00 PST.', { error_subcode: 463 }),
    ];
    let call = 0;
    server.use(
      signedGet(':user/picture', (q) => {
        expect([q.get('type'), q.get('redirect')]).toEqual(['large', 'false']);
        return answers[call++]();
      }),
    );
    const fb = client();
    expect(await fb.getPicture('2711636948859886')).toBe('https://scontent.xx.fbcdn.net/pic.jpg?oe=1');
    expect(await fb.getPicture('2711636948859886')).toBeUndefined();
    expect(await fb.getPicture('42')).toBeUndefined();
    await expect(fb.getPicture('2711636948859886')).rejects.toBeInstanceOf(AuthError);
  });
});

// ---- writing -----------------------------------------------------------------------------------

describe('reply', () => {
  it('posts the message with the token and proof in the form body, never in the URL', async () => {
    server.use(
      http.post(`${API}/:comment/comments`, async ({ request, params }) => {
        expect(params.comment).toBe(photoOnly.id);
        expect(new URL(request.url).search).toBe('');
        const form = new URLSearchParams(await request.text());
        const bad = signatureRefusal(form, { proofs: proofsSeen });
        if (bad) return bad;
        expect(form.get('message')).toBe('Dzień dobry & thanks — see https://acme.test/?a=1');
        expect(form.get('fields')).toBe('id,permalink_url');
        return HttpResponse.json({
          id: '2954961744718970_2966313500259999',
          permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/2954961744718970/?comment_id=2966313500250461&reply_comment_id=2966313500259999`,
        });
      }),
    );
    const fb = client();
    expect(await fb.reply(photoOnly.id, 'Dzień dobry & thanks — see https://acme.test/?a=1')).toEqual({
      id: '2954961744718970_2966313500259999',
      permalinkUrl: `https://www.facebook.com/${PAGE_ID}/posts/2954961744718970/?comment_id=2966313500250461&reply_comment_id=2966313500259999`,
    });
  });

  const unknownOutcomes: [string, () => Response][] = [
    ['a 5xx', () => new HttpResponse('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'content-type': 'text/html' } })],
    ['a cut-off 2xx answer', () => new HttpResponse('{"id":"2954961744718970_29663', { status: 200, headers: { 'content-type': 'application/json' } })],
  ];

  it.each(unknownOutcomes)('does not repeat a POST that got %s: the reply may have been published (outcome unknown)', async (_name, answer) => {
    server.use(http.post(`${API}/:comment/comments`, () => answer()));
    const fb = client();
    const error = await failure(fb.reply(photoOnly.id, 'Hello'));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).outcomeUnknown).toBe(true);
    expect(error.message).toContain(`POST /${photoOnly.id}/comments`);
    expect(fb.requestCount).toBe(1);
  });

  it('repeats a POST that Graph refused with an explicit temporary error (not applied)', async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/:comment/comments`, () =>
        ++calls === 1
          ? graphError(400, 2, 'An unexpected error has occurred. Please retry your request later.', { is_transient: true })
          : HttpResponse.json({ id: '2954961744718970_7' }),
      ),
    );
    const fb = client();
    expect(await fb.reply(photoOnly.id, 'Hello')).toEqual({ id: '2954961744718970_7' });
    expect(fb.requestCount).toBe(2);
  });

  const blocks: [string, () => Response][] = [
    ['368 "deemed abusive"', () => graphError(400, 368, 'The action attempted has been deemed abusive or is otherwise disallowed')],
    [
      '368/1390008 "we limit how often you can post"',
      () =>
        graphError(400, 368, 'We limit how often you can post, comment or do other things in a given amount of time in order to help protect the community from spam. You can try again later.', {
          error_subcode: 1390008,
          error_user_title: "You can't use this feature at the moment",
        }),
    ],
  ];

  it.each(blocks)('postpones a reply that Graph blocks for a while (%s): nothing published, not repeated now', async (_name, answer) => {
    server.use(http.post(`${API}/:comment/comments`, () => answer()));
    const fb = client();
    const error = await failure(fb.reply(photoOnly.id, 'Hello'));
    expect(error).toBeInstanceOf(PostponedError);
    expect(error.apiCode).toBe(368);
    expect(error.message).toContain(`POST /${photoOnly.id}/comments`);
    expect(error.message).toMatch(/temporarily blocks/);
    expectNoSecrets(error);
    expect(fb.requestCount).toBe(1);
  });

  it('refuses a reply that Graph finds too heavy (only reads are asked again smaller)', async () => {
    server.use(http.post(`${API}/:comment/comments`, () => graphError(500, 1, "Please reduce the amount of data you're asking for, then retry your request", { error_subcode: 99 })));
    const fb = client();
    const error = await failure(fb.reply(photoOnly.id, 'Hello'));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error).not.toBeInstanceOf(TooMuchDataError);
    expect(error.message).toMatch(/^Facebook refused POST \S+ as too much data at once: /);
    expect(fb.requestCount).toBe(1);
  });

});

// ---- retries -----------------------------------------------------------------------------------

describe('retries of reads', () => {
  it('retries a GET after a 500, with a valid proof on the retry', async () => {
    let calls = 0;
    server.use(
      signedGet(':id', () => {
        if (++calls === 1) return new HttpResponse('<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>', { status: 500, headers: { 'content-type': 'text/html' } });
        return HttpResponse.json(post(4, '2026-03-04T10:00:00+0000'));
      }),
    );
    const fb = client();
    proofsSeen.length = 0;
    expect((await fb.getPost(`${PAGE_ID}_10158407654324`)).commentCount).toBe(4);
    expect(fb.requestCount).toBe(2);
    expect(proofsSeen).toHaveLength(2);
  });

  it('retries a GET whose 200 answer was cut off, then gives up with a TransientError', async () => {
    server.use(http.get(`${API}/:id`, ({ request }) => signed(request) ?? new HttpResponse('{"id":"2121008874780932_1","message":"Hel', { status: 200, headers: { 'content-type': 'application/json' } })));
    const fb = client();
    const error = await failure(fb.getPost(`${PAGE_ID}_1`));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe(`Facebook answered GET /${PAGE_ID}_1 with invalid or truncated JSON (HTTP 200)`);
    expect(fb.requestCount).toBe(3);
  });
});

// ---- errors ------------------------------------------------------------------------------------

type ErrorClass = abstract new (...args: never[]) => RemoteError;

const families: [string, () => Response, ErrorClass, RegExp][] = [
  ['190 expired', () => graphError(400, 190, 'Error validating access token: Session has expired on Friday, 06-Mar-26 10:00:00 PST.', { error_subcode: 463 }), AuthError, /^Facebook refused the Page access token \(the token has expired\)\. Run `fbsync reconnect`\./],
  ['190 password changed', () => graphError(400, 190, 'Error validating access token: The session has been invalidated because the user changed their password.', { error_subcode: 460 }), AuthError, /password/],
  ['190 no role', () => graphError(400, 190, 'Error validating access token: The user does not have a role on the Page.', { error_subcode: 492 }), AuthError, /no longer has a role on the Page/],
  ['190 plain', () => graphError(401, 190, 'Invalid OAuth 2.0 Access Token'), AuthError, /Run `fbsync reconnect`/],
  ['10', () => graphError(403, 10, '(#10) Requires pages_read_engagement permission to manage the object'), PermissionError, /pages_read_engagement.*fbsync reconnect/],
  ['200', () => graphError(403, 200, '(#200) Requires pages_manage_engagement permission to manage the object'), PermissionError, /\(pages_manage_engagement\)/],
  ['298', () => graphError(400, 298, '(#298) You must be an admin of the Page'), PermissionError, /fbsync reconnect/],
  ['100 needing a permission', () => graphError(400, 100, "(#100) Object does not exist, cannot be loaded due to missing permission or reviewable feature, or does not support this operation. This endpoint requires the 'pages_read_engagement' permission or the 'Page Public Content Access' feature."), PermissionError, /pages_read_engagement/],
  ['4', () => graphError(400, 4, '(#4) Application request limit reached', { is_transient: true }), ThrottledError, /^Facebook rate limit reached on GET \S+: .*\[code 4, fbtrace_id \w+\]\. No more Facebook calls this run; the next run continues\.$/],
  ['17', () => graphError(400, 17, '(#17) User request limit reached'), ThrottledError, /^Facebook rate limit reached on GET \S+: .*\[code 17, fbtrace_id \w+\]\. No more Facebook calls this run; the next run continues\.$/],
  ['32', () => graphError(400, 32, '(#32) Page request limit reached'), ThrottledError, /^Facebook rate limit reached on GET \S+: .*\[code 32, fbtrace_id \w+\]\. No more Facebook calls this run; the next run continues\.$/],
  ['613', () => graphError(400, 613, 'Calls to this api have exceeded the rate limit.', { error_subcode: 1996 }), ThrottledError, /^Facebook rate limit reached on GET \S+: .*\[code 613\/1996, fbtrace_id \w+\]\. No more Facebook calls this run; the next run continues\.$/],
  ['80001', () => graphError(400, 80001, 'There have been too many calls to this Page account. Wait a bit and try again.', {}, { 'x-business-use-case-usage': JSON.stringify({ [PAGE_ID]: [{ type: 'pages', call_count: 101, total_cputime: 12, total_time: 15, estimated_time_to_regain_access: 17 }] }) }), ThrottledError, /17 min/],
  ['1', () => graphError(500, 1, 'An unknown error occurred'), TransientError, /^Facebook failed on GET \S+, temporarily: .* \[code 1, fbtrace_id \w+\]$/],
  ['2', () => graphError(503, 2, 'Service temporarily unavailable', { is_transient: true }), TransientError, /^Facebook failed on GET \S+, temporarily: .* \[code 2, fbtrace_id \w+\]$/],
  ['341 application limit', () => graphError(400, 341, '(#341) Application limit reached', { is_transient: true }), ThrottledError, /^Facebook rate limit reached on GET \S+: .*\[code 341, fbtrace_id \w+\]\. No more Facebook calls this run; the next run continues\.$/],
  ['is_transient, other code', () => graphError(400, 9007, 'Temporary issue', { is_transient: true }), TransientError, /^Facebook failed on GET \S+, temporarily: .* \[code 9007, fbtrace_id \w+\]$/],
  ['html 502', () => new HttpResponse('<html><head><title>502 Bad Gateway</title></head></html>', { status: 502, headers: { 'content-type': 'text/html' } }), TransientError, /an HTML page \(HTTP 502\)/],
  ['100/33', () => graphError(400, 100, "Unsupported get request. Object with ID '2954961744718970_2966313500250461' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", { error_subcode: 33, type: 'GraphMethodException' }), NotFoundError, /^Facebook says the object of GET \S+ does not exist \(deleted, or not visible to the Page access token\): .*\[code 100\/33, fbtrace_id \w+\]$/],
  ['100 other', () => graphError(400, 100, '(#100) Tried accessing nonexisting field (bogus) on node type (Comment)'), RefusedError, /nonexisting field/],
  ['1 "reduce the amount of data" (no subcode, as Graph sends it)', () => HttpResponse.json({ error: { code: 1, message: "Please reduce the amount of data you're asking for, then retry your request" } }, { status: 500 }), TooMuchDataError, /too much data/],
  ['1/99 "reduce the amount of data"', () => graphError(500, 1, "Please reduce the amount of data you're asking for, then retry your request", { error_subcode: 99 }), TooMuchDataError, /too much data/],
  ['1/99 "An unknown error occurred"', () => HttpResponse.json({ error: { code: 1, message: 'An unknown error occurred', error_subcode: 99 } }, { status: 500 }), TooMuchDataError, /^Facebook refused GET \S+ as too much data at once: An unknown error occurred \[code 1\/99\]$/],
  ['368 on a read (not a write: stays a refusal)', () => graphError(400, 368, 'The action attempted has been deemed abusive or is otherwise disallowed'), RefusedError, /policy/],
  ['506', () => graphError(400, 506, 'Duplicate status message'), RefusedError, /Duplicate status message \[code 506, fbtrace_id \w+\]\. Facebook refuses an identical message posted twice; change the text\.$/],
  ['1705', () => graphError(400, 1705, 'There was an error posting to this wall'), RefusedError, /Page access token/],
  ['102 session key', () => graphError(400, 102, 'Session key invalid or no longer valid'), AuthError, /^Facebook refused the Page access token \(invalid or expired\)\. Run `fbsync reconnect`\./],
  ['1/2853006 no task on the Page', () => graphError(400, 1, 'The user does not have sufficient administrative permission for this action on this page.', { error_subcode: 2853006 }), PermissionError, /no suitable task on the Page \(MODERATE/],
  ['80014, the end of the BUC range', () => graphError(400, 80014, 'There have been too many calls for this ad account.'), ThrottledError, /^Facebook rate limit reached on GET \S+: .*\[code 80014, fbtrace_id \w+\]\. No more Facebook calls this run/],
  ['an error object without a code, HTTP 500', () => HttpResponse.json({ error: { message: 'Service unavailable' } }, { status: 500 }), TransientError, /^Facebook failed on GET \S+, temporarily: Service unavailable$/],
  ['803', () => graphError(400, 803, '(#803) Some of the aliases you requested do not exist: 2954961744718970_2966313500250461'), NotFoundError, /does not exist \(deleted, or not visible/],
  ['100 "does not exist" without subcode 33', () => graphError(400, 100, 'Object does not exist'), NotFoundError, /does not exist \(deleted, or not visible/],
  ['an unknown code with HTTP 5xx', () => graphError(503, 9999, 'Something broke'), TransientError, /^Facebook failed on GET \S+: Something broke \[code 9999, fbtrace_id \w+\]$/],
  ['an unknown code with HTTP 4xx', () => graphError(400, 9999, 'Something refused'), RefusedError, /^Facebook refused GET \S+: Something refused \[code 9999, fbtrace_id \w+\]\.$/],
];

describe('error mapping (by body code, not HTTP status)', () => {
  it.each(families)('%s', async (_name, answer, Kind, pattern) => {
    server.use(http.get(`${API}/:id`, ({ request }) => signed(request) ?? answer()));
    const fb = client();
    const error = await failure(fb.getComment('2954961744718970_2966313500250461'));
    expect(error).toBeInstanceOf(Kind);
    expect(error.message).toContain('GET /2954961744718970_2966313500250461');
    expect(error.message).toMatch(pattern);
    expectNoSecrets(error);
    // Only transient failures are asked again (FAST allows 2 retries).
    expect(fb.requestCount).toBe(error instanceof TransientError ? 3 : 1);
    if (error instanceof ThrottledError) {
      // the side is stopped: nothing more goes out this run
      const sent = fb.requestCount;
      await expect(fb.getPost('x')).rejects.toBeInstanceOf(ThrottledError);
      expect(fb.requestCount).toBe(sent);
    }
  });

  it('takes retryAfterMs from the usage headers of the throttled answer', async () => {
    server.use(http.get(`${API}/:id`, ({ request }) => signed(request) ?? families.find(([name]) => name === '80001')![1]()));
    const error = await failure(client().getComment('1_2'));
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(17 * 60_000);
    expect(error.apiCode).toBe(80001);
  });

  it('a refused appsecret_proof, classic proof included, names facebook.appSecret (and the clock for appsecret_time)', async () => {
    server.use(http.get(`${API}/:id`, () => graphError(400, 100, 'Invalid appsecret_time provided in the API argument', { type: 'GraphMethodException' })));
    const fb = client();
    const error = await failure(fb.getComment('1_2'));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/^Facebook refused the request signature \(appsecret_proof\): check facebook\.appSecret and this machine's clock — .*GET \/1_2: /);
    // Asked once with each form of the proof.
    expect(fb.requestCount).toBe(2);
  });

  it('maps a 190 arriving with HTTP 200 (as inside batches) too', async () => {
    server.use(http.get(`${API}/:id`, ({ request }) => signed(request) ?? HttpResponse.json({ error: { message: 'Error validating access token', type: 'OAuthException', code: 190, error_subcode: 467 } })));
    await expect(client().getComment('1_2')).rejects.toBeInstanceOf(AuthError);
  });
});

// ---- secrets -----------------------------------------------------------------------------------

describe('secrets in errors', () => {
  const nextWithToken = `${ELSEWHERE}/${V}/${PAGE_ID}/feed?fields=id&limit=1&access_token=${TOKEN}&appsecret_proof=deadbeef&appsecret_time=1600000000&after=QVFIUsecret`;
  const firstPage = () => graphPage([post(2, '2026-03-02T10:00:00+0000')], { next: nextWithToken });

  const failures: [string, () => Response][] = [
    ['a Graph error that quotes the token', () => graphError(400, 190, `Malformed access token ${TOKEN}`)],
    ['an HTML 500 page', () => new HttpResponse(`<html>500 at /feed?access_token=${TOKEN}</html>`, { status: 500 })],
    ['a network failure', () => HttpResponse.error()],
    ['a malformed page quoting the token', () => graphPage([{ id: '1_2', created_time: TOKEN }])],
    ['a 404 without a Graph error', () => HttpResponse.json({ not: 'graph' }, { status: 404 })],
  ];

  it.each(failures)('a failing paging.next carrying the token: %s', async (_name, answer) => {
    server.use(
      signedGet(':page/feed', () => firstPage()),
      http.get(`${ELSEWHERE}/${V}/:page/feed`, () => answer()),
    );
    const error = await failure(collect(client().listPosts()));
    expectNoSecrets(error);
    expect(error.message).not.toContain('access_token=');
  });
});

// ---- usage headers -----------------------------------------------------------------------------

describe('usage headers', () => {
  /** Graph answers a post, with these usage headers. */
  const postWithUsage = (headers: Record<string, string>, options: { once?: boolean } = {}) =>
    http.get(`${API}/:id`, ({ request }) => signed(request) ?? HttpResponse.json(post(1, '2026-03-01T10:00:00+0000'), { headers }), options);

  it('at ≥ 90 % the answer in hand is returned and no further request goes out', async () => {
    server.use(
      postWithUsage(
        {
          'x-app-usage': '{"call_count":12,"total_time":10,"total_cputime":9}',
          'x-business-use-case-usage': JSON.stringify({ [PAGE_ID]: [{ type: 'pages', call_count: 93, total_cputime: 40, total_time: 41, estimated_time_to_regain_access: 0 }] }),
        },
        { once: true },
      ),
    );
    const fb = client();
    expect((await fb.getPost(`${PAGE_ID}_10158407654321`)).id).toBe(`${PAGE_ID}_10158407654321`);
    expect(fb.usage).toEqual({ percent: 93, regainAfterMinutes: 0 });
    const error = await failure(fb.getPost(`${PAGE_ID}_10158407654321`));
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error.message).toMatch(/93%/);
    expect(fb.requestCount).toBe(1);
    expect(fb.throttle.stopped).toBeInstanceOf(ThrottledError);
  });

  it('below 75 % nothing changes, and a malformed header is ignored', async () => {
    server.use(postWithUsage({ 'x-page-usage': '{"call_count":3,"total_cputime":1,"total_time":2}', 'x-app-usage': '{"call_count":99' }));
    const fb = client();
    await fb.getPost('a');
    await fb.getPost('b');
    expect(fb.usage).toEqual({ percent: 3, regainAfterMinutes: 0 });
    expect(fb.throttle.stopped).toBeUndefined();
    expect(fb.requestCount).toBe(2);
  });
});
