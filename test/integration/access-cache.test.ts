import type pg from 'pg';
import request from 'supertest';
import { FeedCache } from '../../services/feed-cache';
import { testStorage } from '../support/storage';
import { startCacheFeed, type FeedCaches } from '../../server/cache-feed';
import { createApp } from '../../server/app';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildPurchase, buildStoredTrack } from '../support/factories';
import { until } from '../support/until';
import { testApp } from '../support/app';
import { tempDir } from '../support/temp-dir';

/**
 * The audio routes' access cache against a real PostgreSQL and its change
 * feed: range requests of one playback reuse the session and track, and
 * every change that matters, made by anyone (here: plain SQL on another
 * connection, as another app server or a script would), is seen on the next
 * request.
 */

const db = useTestDatabase();
const uploads = tempDir('sn-access-');
let feed: FeedCaches;
let queries = 0;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  feed = startCacheFeed(db.url, { maxBytes: 0, ttlMs: 1_000 });
  // Counts every statement the app sends, to show what the cache saves.
  const counting = new Proxy(db.pool, {
    get(target, prop, receiver) {
      if (prop === 'query') return (...args: unknown[]) => (queries++, (target.query as (...a: unknown[]) => unknown)(...args));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as pg.Pool;
  app = testApp(counting, { env: { UPLOAD_DIR: uploads }, storage: testStorage(uploads), accessCache: feed.accessCache });
  await until(async () => feed.accessCache.get('probe', async () => true).then(() => feed.accessCache.size > 0), 'the feed to listen');
});
afterAll(async () => {
  await feed.stop();
});

const sellable = (artistUserId: number) => buildStoredTrack(db.pool, testStorage(uploads), { artistUserId });

const stream = (id: number, cookie?: string, range = 'bytes=0-999') => {
  const req = request(app).get(`/api/tracks/${id}/stream`).set('Range', range);
  return (cookie ? req.set('Cookie', cookie) : req).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
};
const isFull = (res: request.Response, full: Buffer) => res.status === 206 && (res.body as Buffer).equals(full.subarray(0, 1000));

/**
 * Waits until the feed has applied every change notified so far (the test's
 * own sign-ins, tracks and purchases): a late one would empty the cache
 * while a test counts queries. Notifications arrive in commit order, so once
 * a marker entry is flushed by a change made now, all earlier ones are in.
 */
const feedCaughtUp = async () => {
  await feed.accessCache.get('marker', async () => true);
  await db.pool.query('DELETE FROM sessions WHERE false'); // a statement trigger: notifies with no row changed
  await until(async () => feed.accessCache.peek('marker') === undefined, 'the feed to catch up');
};

it('serves later range requests of a playback without asking the database', async () => {
  const owner = await signInAs(db.pool, 'artist');
  const { track, full } = await sellable(owner.user.id);
  await feedCaughtUp();
  expect(isFull(await stream(track.id, owner.cookie), full)).toBe(true);
  queries = 0;
  for (let i = 0; i < 5; i++) expect(isFull(await stream(track.id, owner.cookie), full)).toBe(true);
  expect(queries).toBe(0);
  // Other routes always read the session: the cache is for the audio routes only.
  await request(app).get('/api/auth/session').set('Cookie', owner.cookie).expect(200);
  expect(queries).toBeGreaterThan(0);
});

it('sees a session ended elsewhere, a deactivated user and a lost role within moments', async () => {
  const owner = await signInAs(db.pool, 'artist');
  const { track, full, preview } = await sellable(owner.user.id);
  const previewOf = (res: request.Response) => res.status === 206 && (res.body as Buffer).equals(preview.subarray(0, 1000));
  expect(isFull(await stream(track.id, owner.cookie), full)).toBe(true);
  await db.pool.query('DELETE FROM sessions WHERE user_id = $1', [owner.user.id]);
  await until(async () => previewOf(await stream(track.id, owner.cookie)), 'the ended session to count as signed out');

  const other = await signInAs(db.pool, 'artist');
  const second = await sellable(other.user.id);
  expect(isFull(await stream(second.track.id, other.cookie), second.full)).toBe(true);
  await db.pool.query('UPDATE users SET is_active = false WHERE id = $1', [other.user.id]);
  await until(async () => (await stream(second.track.id, other.cookie)).body.equals(second.preview.subarray(0, 1000)), 'deactivation');

  const admin = await signInAs(db.pool, 'admin');
  expect(isFull(await stream(second.track.id, admin.cookie), second.full)).toBe(true);
  await db.pool.query("UPDATE users SET role = 'user' WHERE id = $1", [admin.user.id]);
  await until(
    async () => (await stream(second.track.id, admin.cookie)).body.equals(second.preview.subarray(0, 1000)),
    'the lost admin role',
  );
});

it('sees a track unpublished or its preview removed elsewhere within moments', async () => {
  const owner = await signInAs(db.pool, 'artist');
  const { track } = await sellable(owner.user.id);
  expect((await stream(track.id)).status).toBe(206);
  await db.pool.query('UPDATE tracks SET is_published = false WHERE id = $1', [track.id]);
  await until(async () => (await stream(track.id)).status === 404, 'unpublishing');
  await db.pool.query('UPDATE tracks SET is_published = true, preview_filename = NULL WHERE id = $1', [track.id]);
  await until(async () => (await stream(track.id)).status === 403, 'the preview to be gone');
  // Made free through its price model alone (is_free follows in a trigger): everyone hears it in full at once.
  await db.pool.query(`UPDATE tracks SET price_model = 'free' WHERE id = $1`, [track.id]);
  await until(async () => (await stream(track.id)).status === 206, 'the free model');
  await db.pool.query(`UPDATE tracks SET price_model = 'fixed' WHERE id = $1`, [track.id]);
  await until(async () => (await stream(track.id)).status === 403, 'the fixed price again');
  // Play counts change all the time and do not empty the cache.
  const before = feed.accessCache.size;
  await db.pool.query('UPDATE tracks SET play_count = play_count + 1 WHERE id = $1', [track.id]);
  await new Promise((r) => setTimeout(r, 100));
  expect(feed.accessCache.size).toBe(before);
});

it('keeps a buyer’s purchase between range requests, and sees a sale or a revocation made elsewhere within moments', async () => {
  const owner = await signInAs(db.pool, 'artist');
  const buyer = await signInAs(db.pool, 'user');
  const { track, full, preview } = await sellable(owner.user.id);
  const previewed = (res: request.Response) => (res.body as Buffer).equals(preview.subarray(0, 1000));
  expect(previewed(await stream(track.id, buyer.cookie))).toBe(true);
  // Bought on another server (or by a script): the kept "no purchase" is forgotten.
  const purchase = await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
  await until(async () => isFull(await stream(track.id, buyer.cookie), full), 'the sale');
  await feedCaughtUp();
  expect(isFull(await stream(track.id, buyer.cookie), full)).toBe(true);
  queries = 0;
  for (let i = 0; i < 5; i++) expect(isFull(await stream(track.id, buyer.cookie), full)).toBe(true);
  expect(queries).toBe(0);
  await db.pool.query('UPDATE purchases SET revoked_at = now() WHERE id = $1', [purchase.id]);
  await until(async () => previewed(await stream(track.id, buyer.cookie)), 'the revocation');
});

it('checks a streaming pass’s kept expiry on every request: it ends on time with no notification', async () => {
  const owner = await signInAs(db.pool, 'artist');
  const buyer = await signInAs(db.pool, 'user');
  const { track, full, preview } = await sellable(owner.user.id);
  const expiresAt = new Date(Date.now() + 3_000);
  await buildPurchase(db.pool, {
    userId: buyer.user.id,
    trackId: track.id,
    licenseType: 'streaming',
    expiresAt,
  });
  await until(async () => isFull(await stream(track.id, buyer.cookie), full), 'the pass');
  await feedCaughtUp();
  expect(isFull(await stream(track.id, buyer.cookie), full)).toBe(true);
  queries = 0;
  expect(isFull(await stream(track.id, buyer.cookie), full)).toBe(true);
  await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 100));
  expect((await stream(track.id, buyer.cookie)).body.equals(preview.subarray(0, 1000))).toBe(true);
  expect(queries).toBe(0); // decided from the kept terms: nothing changed in the database
});

it('counts a purchase made through this server on the very next request, before any notification', async () => {
  // A cache no feed empties: only the write's own flush can make the purchase count.
  const unfed = new FeedCache();
  unfed.setLive(true);
  const here = testApp(db.pool, { env: { UPLOAD_DIR: uploads }, storage: testStorage(uploads), accessCache: unfed });
  const owner = await signInAs(db.pool, 'artist');
  const buyer = await signInAs(db.pool, 'user');
  const { track, full, preview } = await sellable(owner.user.id);
  await db.pool.query(`UPDATE tracks SET price_model = 'name_your_price', price_eur = 0 WHERE id = $1`, [track.id]);
  const listen = () =>
    request(here)
      .get(`/api/tracks/${track.id}/stream`)
      .set('Range', 'bytes=0-999')
      .set('Cookie', buyer.cookie)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  expect((await listen()).body.equals(preview.subarray(0, 1000))).toBe(true);
  await request(here).post('/api/library').set('Cookie', buyer.cookie).send({ kind: 'track', id: track.id }).expect(201);
  expect(isFull(await listen(), full)).toBe(true);
});

it('stops caching when its feed connection is lost, and starts again once it is back', async () => {
  const owner = await signInAs(db.pool, 'artist');
  const { track } = await sellable(owner.user.id);
  await stream(track.id);
  expect(feed.accessCache.size).toBeGreaterThan(0);
  await db.pool.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'song-nexus-feed' AND datname = current_database()",
  );
  await until(async () => feed.accessCache.size === 0, 'the feed to notice');
  await until(async () => (await stream(track.id)).status === 206 && feed.accessCache.size > 0, 'the feed to come back');
});

it('caches nothing while the change feed is down, and forgets a load that raced a change', async () => {
  const cache = new FeedCache();
  let reads = 0;
  const load = async () => ++reads;
  await cache.get('k', load);
  await cache.get('k', load);
  expect(reads).toBe(2); // not live yet
  cache.setLive(true);
  await cache.get('k', load);
  expect(await cache.get('k', load)).toBe(3);
  cache.setLive(false);
  expect(await cache.get('k', load)).toBe(4);
  cache.setLive(true);
  let release!: () => void;
  const slow = cache.get('slow', () => new Promise<string>((r) => (release = () => r('stale'))));
  cache.flush(); // a change commits while the load is in flight
  release();
  expect(await slow).toBe('stale');
  expect(await cache.get('slow', async () => 'fresh')).toBe('fresh');

  let now = 0;
  const timed = new FeedCache({ ttlMs: 1_000, now: () => now });
  timed.setLive(true);
  await timed.get('t', async () => 'first');
  now = 1_500;
  expect(await timed.get('t', async () => 'second')).toBe('second');
});
