import fc from 'fast-check';
import type pg from 'pg';
import request from 'supertest';
import { startCacheFeed, type FeedCaches } from '../../server/cache-feed';
import { FeedCache } from '../../services/feed-cache';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildTrack } from '../support/factories';
import { testApp } from '../support/app';
import { until } from '../support/until';

/**
 * The storefront's listings as two app servers on one real PostgreSQL serve
 * them, each with its own caches fed by the database's change feed: an
 * anonymous listing is answered from memory, a change made anywhere shows in
 * the next listing (on the server that made it at once, on the other as
 * soon as PostgreSQL's notification arrives), validators give 304s, a
 * signed-in visitor never gets the anonymous copy, and keyset cursors walk
 * every row once and refuse to be forged.
 */

const db = useTestDatabase();
let feeds: FeedCaches[] = [];
let queries = 0;
let serverA: ReturnType<typeof testApp>;
let serverB: ReturnType<typeof testApp>;

beforeAll(async () => {
  feeds = [0, 1].map(() => startCacheFeed(db.url, { maxBytes: 8 * 1024 * 1024, ttlMs: 60_000 }));
  // Counts every statement server A sends, to show what its caches save.
  const counting = new Proxy(db.pool, {
    get(target, prop, receiver) {
      if (prop === 'query') return (...args: unknown[]) => (queries++, (target.query as (...a: unknown[]) => unknown)(...args));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as pg.Pool;
  const [a, b] = feeds;
  serverA = testApp(counting, { listingCounts: a!.listingCounts, listingResponses: a!.listingResponses });
  serverB = testApp(db.pool, { listingCounts: b!.listingCounts, listingResponses: b!.listingResponses });
  await until(() => feeds.every((f) => f.listingResponses!.isLive), 'both change feeds to listen');
});
afterAll(async () => {
  await Promise.all(feeds.map((f) => f.stop()));
});

const listing = (app: typeof serverA, query: string, cookie?: string) => {
  const req = request(app).get(`/api/tracks?${query}`);
  return cookie ? req.set('Cookie', cookie) : req;
};
type Listed = {
  tracks: { id: number; name: string; price: string; playCount: number }[];
  total: number;
  page: number;
  nextCursor: string | null;
};
const body = (res: request.Response) => res.body as Listed;
const names = (res: request.Response) => body(res).tracks.map((t) => t.name);

it('answers a repeated anonymous listing from memory, without a query, with a public lifetime', async () => {
  const artist = await signInAs(db.pool, 'artist');
  await buildTrack(db.pool, { artistUserId: artist.user.id, name: 'Memory One' });
  const first = await listing(serverA, `artist=${artist.user.id}`).expect(200);
  expect(first.headers['cache-control']).toBe('public, max-age=5, stale-while-revalidate=10');
  expect(first.headers['vary']).toMatch(/Cookie/);
  expect(first.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  queries = 0;
  // Answered before the routers, from the copy stored under this URL: the same bytes and headers.
  const again = await listing(serverA, `artist=${artist.user.id}`).expect(200);
  expect(queries).toBe(0);
  expect(again.text).toBe(first.text);
  const kept = ['etag', 'cache-control', 'vary', 'content-type', 'content-length', 'content-security-policy', 'x-content-type-options'];
  const pick = (res: request.Response) => Object.fromEntries(kept.map((h) => [h, res.headers[h] as unknown]));
  expect(pick(again)).toEqual(pick(first));
  expect(again.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  expect(again.headers['ratelimit-policy'] ?? again.headers['ratelimit']).toBeDefined();
  // HEAD gets the headers only.
  const head = await request(serverA).head(`/api/tracks?artist=${artist.user.id}`).expect(200);
  expect(head.headers['etag']).toBe(first.headers['etag']);
  // The same listing asked with its parameters in another order or spelling is the same entry.
  await listing(serverA, `sort=newest&limit=24&artist=${artist.user.id}`).expect(200);
  expect(queries).toBe(0);
});

it('answers 304 to a client that has the listing, and 200 again once it changed', async () => {
  const artist = await signInAs(db.pool, 'artist');
  const track = await buildTrack(db.pool, { artistUserId: artist.user.id, name: 'Validator' });
  const first = await listing(serverA, `artist=${artist.user.id}`).expect(200);
  const etag = first.headers['etag'] as string;
  const unchanged = await listing(serverA, `artist=${artist.user.id}`).set('If-None-Match', `"other", ${etag}`).expect(304);
  expect(unchanged.text).toBe('');
  expect(unchanged.headers['etag']).toBe(etag);
  await request(serverA).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ name: 'Validator II' }).expect(200);
  const changed = await listing(serverA, `artist=${artist.user.id}`).set('If-None-Match', etag).expect(200);
  expect(names(changed)).toEqual(['Validator II']);
  expect(changed.headers['etag']).not.toBe(etag);
  // A track page has its own validator.
  const page = await request(serverA).get(`/api/tracks/${track.id}`).expect(200);
  await request(serverA)
    .get(`/api/tracks/${track.id}`)
    .set('If-None-Match', page.headers['etag'] as string)
    .expect(304);
});

it('shows a publish, a price change, an unpublish and a deletion in the next listing, on this server and the other', async () => {
  const artist = await signInAs(db.pool, 'artist');
  const track = await buildTrack(db.pool, { artistUserId: artist.user.id, name: 'Fresh', isPublished: false, priceEur: '1.00' });
  const query = `artist=${artist.user.id}`;
  const both = async () => [await listing(serverA, query).expect(200), await listing(serverB, query).expect(200)];
  for (const res of await both()) expect(body(res)).toMatchObject({ tracks: [], total: 0 });

  const steps: [string, () => Promise<unknown>, (res: request.Response) => boolean][] = [
    [
      'publish',
      () => request(serverA).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200),
      (res) => body(res).total === 1 && names(res)[0] === 'Fresh' && body(res).tracks[0]!.price === '1.00',
    ],
    [
      'price change',
      () => request(serverA).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ price: '2.50' }).expect(200),
      (res) => body(res).tracks[0]?.price === '2.50',
    ],
    [
      'unpublish',
      () => request(serverA).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ isPublished: false }).expect(200),
      (res) => body(res).total === 0 && body(res).tracks.length === 0,
    ],
    [
      'publish again',
      () => request(serverA).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200),
      (res) => body(res).total === 1,
    ],
    [
      'deletion',
      () => request(serverA).delete(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).expect(204),
      (res) => body(res).total === 0 && body(res).tracks.length === 0,
    ],
  ];
  for (const [what, change, shows] of steps) {
    await both(); // both servers hold the listing as it was
    await change();
    // The server that made the change: the very next response.
    expect({ what, shows: shows(await listing(serverA, query).expect(200)) }).toEqual({ what, shows: true });
    // Every other server: as soon as PostgreSQL's notification arrives.
    await until(async () => shows(await listing(serverB, query).expect(200)), `${what} on the other server`);
  }
});

it('empties its own caches as a studio write answers, before any notification could arrive', async () => {
  // Caches no feed empties: only the write itself can make the change show.
  const [counts, responses] = [new FeedCache(), new FeedCache()];
  counts.setLive(true);
  responses.setLive(true);
  const unfed = testApp(db.pool, { listingCounts: counts, listingResponses: responses });
  const artist = await signInAs(db.pool, 'artist');
  const track = await buildTrack(db.pool, { artistUserId: artist.user.id, name: 'Unfed' });
  const query = `artist=${artist.user.id}`;
  expect(names(await listing(unfed, query).expect(200))).toEqual(['Unfed']);
  await request(unfed).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ name: 'Unfed II' }).expect(200);
  expect(names(await listing(unfed, query).expect(200))).toEqual(['Unfed II']);
  // A refused write empties nothing; a script's change waits for the feed this server does not have.
  await request(unfed).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ price: 'free' }).expect(400);
  await db.pool.query(`UPDATE tracks SET name = 'Unfed III' WHERE id = $1`, [track.id]);
  expect(names(await listing(unfed, query).expect(200))).toEqual(['Unfed II']);
});

it('forgets what a script changed in the database, on every server', async () => {
  const artist = await signInAs(db.pool, 'artist');
  const track = await buildTrack(db.pool, { artistUserId: artist.user.id, genre: 'cache-script' });
  for (const app of [serverA, serverB]) expect(body(await listing(app, 'genre=cache-script').expect(200)).total).toBe(1);
  await db.pool.query(`UPDATE tracks SET price_eur = 3.33 WHERE id = $1`, [track.id]);
  for (const app of [serverA, serverB]) {
    await until(async () => body(await listing(app, 'genre=cache-script').expect(200)).tracks[0]?.price === '3.33', 'the script’s change');
  }
  await db.pool.query(`UPDATE tracks SET is_deleted = true WHERE id = $1`, [track.id]);
  for (const app of [serverA, serverB]) {
    await until(async () => body(await listing(app, 'genre=cache-script').expect(200)).total === 0, 'the script’s deletion');
  }
});

it('never answers a signed-in visitor from the anonymous cache, nor fills it for them', async () => {
  const artist = await signInAs(db.pool, 'artist');
  const listener = await signInAs(db.pool, 'user');
  const track = await buildTrack(db.pool, { artistUserId: artist.user.id });
  await db.pool.query('UPDATE tracks SET play_count = 5 WHERE id = $1', [track.id]);
  const query = `artist=${artist.user.id}`;
  expect(body(await listing(serverA, query).expect(200)).tracks[0]!.playCount).toBe(5);
  // Play counts change with every play and notify nothing: the anonymous copy keeps its count for its lifetime.
  await db.pool.query('UPDATE tracks SET play_count = 77 WHERE id = $1', [track.id]);
  const signedIn = await listing(serverA, query, listener.cookie).expect(200);
  expect(body(signedIn).tracks[0]!.playCount).toBe(77);
  expect(signedIn.headers['cache-control']).toBe('private, no-cache');
  expect(signedIn.headers['vary']).toMatch(/Cookie/);
  expect(body(await listing(serverA, query).expect(200)).tracks[0]!.playCount).toBe(5);
  // A signed-in visitor's answer did not replace the anonymous one either way round.
  await db.pool.query('UPDATE tracks SET play_count = 78 WHERE id = $1', [track.id]);
  expect(body(await listing(serverA, query, listener.cookie).expect(200)).tracks[0]!.playCount).toBe(78);
  expect(body(await listing(serverA, query).expect(200)).tracks[0]!.playCount).toBe(5);
});

describe('keyset pages', () => {
  let artistId: number;
  let all: string[];

  beforeAll(async () => {
    artistId = (await signInAs(db.pool, 'artist')).user.id;
    const base = Date.parse('2026-06-01T12:00:00.123Z');
    // Eleven tracks; four share one creation time to the microsecond, so the id must break the tie.
    for (let i = 0; i < 11; i++) {
      const track = await buildTrack(db.pool, { artistUserId: artistId, name: `Walk ${i}`, priceEur: (i % 3).toFixed(2) });
      const createdAt = i < 4 ? '2026-06-01 12:00:00.123456+00' : new Date(base - i * 1000).toISOString();
      await db.pool.query(`UPDATE tracks SET created_at = $2::timestamptz, play_count = $3 WHERE id = $1`, [track.id, createdAt, i % 4]);
    }
    all = names(await listing(serverB, `artist=${artistId}&pageSize=100`).expect(200));
    expect(all).toHaveLength(11);
  });

  async function walk(query: string): Promise<{ pages: string[][]; numbers: number[] }> {
    const pages: string[][] = [];
    const numbers: number[] = [];
    let after: string | null | undefined;
    do {
      const res = await listing(serverB, `${query}${after ? `&after=${encodeURIComponent(after)}` : ''}`).expect(200);
      pages.push(names(res));
      numbers.push(body(res).page);
      expect(body(res).total).toBe(11);
      after = body(res).nextCursor;
    } while (after && pages.length < 20);
    return { pages, numbers };
  }

  it.each(['newest', 'popular', 'price'])('walks every track once, in order, sorted by %s', async (sort) => {
    const full = names(await listing(serverB, `artist=${artistId}&sort=${sort}&pageSize=100`).expect(200));
    const { pages, numbers } = await walk(`artist=${artistId}&sort=${sort}&pageSize=3`);
    expect(pages.flat()).toEqual(full);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 2]);
    expect(numbers).toEqual([1, 2, 3, 4]);
    // Page numbers give the same pages as the cursors.
    for (const [i, page] of pages.entries()) {
      expect(names(await listing(serverB, `artist=${artistId}&sort=${sort}&pageSize=3&page=${i + 1}`).expect(200))).toEqual(page);
    }
    expect(new Set(full)).toEqual(new Set(all));
  });

  it('walks releases by release date, the undated last', async () => {
    const dates = ['2020-05-01', null, '2021-01-01', '2020-05-01', null];
    for (const [i, releaseDate] of dates.entries()) {
      await db.pool.query(`INSERT INTO releases (artist_user_id, title, release_date, is_published) VALUES ($1, $2, $3, true)`, [
        artistId,
        `Record ${i}`,
        releaseDate,
      ]);
    }
    const titles = (res: request.Response) => (res.body as { releases: { title: string }[] }).releases.map((r) => r.title);
    const query = `/api/releases?artist=${artistId}&sort=release-date&pageSize=2`;
    const seen: string[] = [];
    let res = await request(serverB).get(query).expect(200);
    seen.push(...titles(res));
    while ((res.body as { nextCursor: string | null }).nextCursor) {
      res = await request(serverB)
        .get(`${query}&after=${(res.body as { nextCursor: string }).nextCursor}`)
        .expect(200);
      seen.push(...titles(res));
    }
    expect(seen).toEqual(['Record 2', 'Record 3', 'Record 0', 'Record 4', 'Record 1']);
  });

  it('refuses a cursor that was altered, forged, or made for another listing: 400, never a 500', async () => {
    const cursor = body(await listing(serverB, `artist=${artistId}&pageSize=3`).expect(200)).nextCursor!;
    const [payload, mac] = cursor.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const reencoded = (fields: Record<string, unknown>) => `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${mac}`;
    const refused = [
      `${payload}.${mac.slice(0, -2)}AA`, // signature altered
      reencoded({ ...decoded, i: 1 }), // position altered, old signature
      reencoded({ ...decoded, v: "'; DROP TABLE tracks; --" }),
      'garbage',
      '..',
      `${payload}.${mac}.extra`,
    ];
    for (const after of refused) {
      const res = await listing(serverB, `artist=${artistId}&pageSize=3&after=${encodeURIComponent(after)}`);
      expect({ after, status: res.status, code: (res.body as { error?: { code: string } }).error?.code }).toEqual({
        after,
        status: 400,
        code: 'invalid_cursor',
      });
    }
    // A real cursor, carried over to another sort, filter or page size.
    for (const other of [`artist=${artistId}&pageSize=3&sort=price`, `pageSize=3`, `artist=${artistId}&pageSize=4`]) {
      const res = await listing(serverB, `${other}&after=${encodeURIComponent(cursor)}`).expect(400);
      expect((res.body as { error: { code: string } }).error.code).toBe('invalid_cursor');
    }
    // A releases cursor is not a tracks cursor.
    const releases = await request(serverB).get(`/api/releases?artist=${artistId}&pageSize=1`).expect(200);
    const releaseCursor = (releases.body as { nextCursor: string }).nextCursor;
    await request(serverB).get(`/api/tracks?artist=${artistId}&pageSize=1&after=${releaseCursor}`).expect(400);

    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (after) => {
        const res = await listing(serverB, `pageSize=3&after=${encodeURIComponent(after)}`);
        expect([400]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });

  it('sends deep pages by number to the cursor', async () => {
    const res = await listing(serverB, 'page=418&pageSize=24').expect(400);
    expect((res.body as { error: { code: string } }).error.code).toBe('page_too_deep');
    await listing(serverB, 'page=417&pageSize=24').expect(200);
  });
});
