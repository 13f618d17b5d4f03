import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startCacheFeed, type FeedCaches } from '../../server/cache-feed';
import { S3Storage } from '../../services/storage/s3.storage';
import { signInAs } from '../support/auth';
import { startCheckoutHarness, type CheckoutHarness, type Sellable } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { haveNginx, siteRequest, startNginxSite, type RunningNginx } from '../support/nginx';
import { tempDir } from '../support/temp-dir';
import { writeWav } from '../support/wav';
import { until } from '../support/until';
// s3rver has no type declarations; it is an S3-compatible server run in this process.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: object) => { run(): Promise<AddressInfo>; close(): Promise<void> };

/**
 * Who sends the bytes (DELIVERY=node|nginx|s3) changes nothing about who may
 * have them. The same purchases, refunds and chargebacks are played through
 * each mode as deployed — the store with its access cache fed by the change
 * feed, PayPal's stand-in over HTTP, and in front of it Debian's nginx running
 * the shipped site (deploy/nginx), or an S3-compatible server (s3rver) that
 * answers the presigned URLs — and what a listener receives is read as they
 * receive it.
 */

const db = useTestDatabase();
const tmp = tempDir('sn-delivery-');
let feed: FeedCaches;

beforeAll(async () => {
  feed = startCacheFeed(db.url, { maxBytes: 0, ttlMs: 1_000 });
  await until(async () => feed.accessCache.get('probe', async () => true).then(() => feed.accessCache.size > 0), 'the feed to listen');
});
afterAll(() => feed.stop());

interface Reply {
  status: number;
  header(name: string): string | undefined;
  body: Buffer;
  /** The app's own answer when it redirected (s3): its headers. */
  redirect?: { location: string; header(name: string): string | undefined };
}

interface Delivery {
  shop: CheckoutHarness;
  /** A listener's GET (or HEAD), as their browser makes it: through nginx, or following the redirect to the bucket. */
  get(pathname: string, options?: { cookie?: string; headers?: Record<string, string>; method?: string }): Promise<Reply>;
  close(): Promise<void>;
}

const fromFetch = async (res: Response): Promise<Reply> => ({
  status: res.status,
  header: (name) => res.headers.get(name) ?? undefined,
  body: Buffer.from(await res.arrayBuffer()),
});

/** The app answering directly (node), or redirecting to a presigned URL that is then fetched with the same Range (s3). */
function directGet(shop: CheckoutHarness): Delivery['get'] {
  return async (pathname, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.Cookie = options.cookie;
    const first = await fetch(`${shop.base}${pathname}`, { method: options.method ?? 'GET', headers, redirect: 'manual' });
    if (first.status !== 302) return fromFetch(first);
    await first.arrayBuffer();
    const location = first.headers.get('location')!;
    // The browser follows with the same Range, and without the store's cookie (another origin).
    const range = options.headers?.Range;
    const reply = await fromFetch(await fetch(location, { headers: range ? { Range: range } : {} }));
    return { ...reply, redirect: { location, header: (name) => first.headers.get(name) ?? undefined } };
  };
}

async function nodeDelivery(): Promise<Delivery> {
  const shop = await startCheckoutHarness(db.pool, { accessCache: feed.accessCache });
  return { shop, get: directGet(shop), close: () => shop.close() };
}

async function nginxDelivery(): Promise<NginxDelivery> {
  const shop = await startCheckoutHarness(db.pool, {
    accessCache: feed.accessCache,
    env: { DELIVERY: 'nginx', TRUST_PROXY: 'loopback' },
  });
  let nginx: RunningNginx;
  try {
    nginx = await startNginxSite(tempDir('sn-nginx-'), { appPort: Number(new URL(shop.base).port), uploadDir: shop.config.uploadDir });
  } catch (err) {
    await shop.close();
    throw err;
  }
  return {
    shop,
    nginx: {
      ...nginx,
      request: (pathname: string, options: Parameters<typeof siteRequest>[1]) => siteRequest(`${nginx.base}${pathname}`, options),
    },
    async get(pathname, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.cookie) headers.Cookie = options.cookie;
      const res = await siteRequest(`${nginx.base}${pathname}`, { method: options.method, headers });
      const header = (name: string) => {
        const value = res.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      };
      return { status: res.status, header, body: res.body };
    },
    async close() {
      await nginx.stop();
      await shop.close();
    },
  } as NginxDelivery;
}

type NginxDelivery = Delivery & {
  nginx: RunningNginx & { request(pathname: string, options: Parameters<typeof siteRequest>[1]): ReturnType<typeof siteRequest> };
};

async function s3Delivery(): Promise<Delivery> {
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: fs.mkdtempSync(path.join(tmp, 's3rver-')),
    configureBuckets: [{ name: 'song-nexus-delivery' }],
  });
  const address = await server.run();
  const settings = {
    STORAGE_DRIVER: 's3',
    S3_BUCKET: 'song-nexus-delivery',
    S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    DELIVERY: 's3',
    DELIVERY_URL_TTL_S: '60',
  };
  const storage = new S3Storage({
    bucket: settings.S3_BUCKET,
    region: 'us-east-1',
    endpoint: settings.S3_ENDPOINT,
    forcePathStyle: true,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    prefix: '',
  });
  const shop = await startCheckoutHarness(db.pool, { accessCache: feed.accessCache, storage, env: settings });
  return {
    shop,
    get: directGet(shop),
    async close() {
      await shop.close();
      await storage.close();
      await server.close();
    },
  };
}

const MODES: [string, () => Promise<Delivery>][] = [
  ['node', nodeDelivery],
  ['nginx', nginxDelivery],
  ['s3', s3Delivery],
];

describe.each(MODES)('DELIVERY=%s', (mode, start) => {
  // nginx must be there in CI; on a laptop without it that mode is skipped with a reason.
  const runs = mode !== 'nginx' || haveNginx();
  let delivery: Delivery;
  beforeAll(async () => {
    if (runs) delivery = await start();
  });
  afterAll(async () => {
    if (runs) await delivery.close();
  });
  const test = runs ? it : it.skip;

  /** A track the buyer has bought through the stand-in, and the order that paid for it. */
  async function bought(): Promise<Sellable & { buyer: { cookie: string }; orderId: number }> {
    const { shop } = delivery;
    const buyer = await signInAs(db.pool, 'user');
    const sellable = await shop.sellable('1.50');
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [sellable.track.id]);
    expect((await shop.follow(back, buyer.cookie)).status).toBe(303);
    return { ...sellable, buyer, orderId };
  }
  const range = (bytes: string) => ({ Range: `bytes=${bytes}` });

  test('a buyer hears and downloads the whole track; a refund counts on the very next request', async () => {
    const { shop, get } = delivery;
    const { track, full, preview, buyer, orderId } = await bought();
    const stream = `/api/tracks/${track.id}/stream`;
    const heard = await get(stream, { cookie: buyer.cookie, headers: range('100-1099') });
    expect([heard.status, heard.header('content-range')]).toEqual([206, `bytes 100-1099/${full.length}`]);
    expect(heard.body.equals(full.subarray(100, 1100))).toBe(true);
    const download = await get(`/api/tracks/${track.id}/download`, { cookie: buyer.cookie });
    expect(download.status).toBe(200);
    expect(download.body.equals(full)).toBe(true);
    expect(download.header('content-disposition')).toMatch(/^attachment; filename=".*\.mp3"/);

    const admin = await signInAs(db.pool, 'admin');
    expect((await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie })).status).toBe(200);
    const after = await get(stream, { cookie: buyer.cookie, headers: range('100-1099') });
    expect([after.status, after.body.equals(preview.subarray(100, 1100))]).toEqual([206, true]);
    expect((await get(`/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(403);
  });

  test('a chargeback delivered by webhook counts on the next request', async () => {
    const { shop, get } = delivery;
    const { track, full, preview, buyer, orderId } = await bought();
    const stream = `/api/tracks/${track.id}/stream`;
    expect((await get(stream, { cookie: buyer.cookie })).body.equals(full)).toBe(true);
    const { rows } = await db.pool.query<{ transaction_id: string }>('SELECT transaction_id FROM orders WHERE id = $1', [orderId]);
    expect((await fetch(`${shop.paypal.url}/standin/captures/${rows[0]!.transaction_id}/reverse`, { method: 'POST' })).status).toBe(200);
    await shop.paypal.standin.webhooks.settled();
    // The webhook has been answered: the revocation is committed and this server's cache emptied.
    const after = await get(stream, { cookie: buyer.cookie });
    expect([after.status, after.body.equals(preview)]).toEqual([200, true]);
    expect((await get(`/api/tracks/${track.id}/download`, { cookie: buyer.cookie })).status).toBe(403);
    const { rows: audit } = await db.pool.query(`SELECT actor_kind, action FROM audit_log WHERE target_type = 'order' AND target_id = $1`, [
      String(orderId),
    ]);
    expect(audit).toEqual([{ actor_kind: 'provider', action: 'order.reversed' }]);
  });

  test('a listener who has not bought gets the preview and never a byte past it, on every audio route', async () => {
    const { shop, get } = delivery;
    const { track, preview, full } = await shop.sellable('2.00');
    const stranger = await signInAs(db.pool, 'user');
    const release = await shop.sellableRelease(await signInAs(db.pool, 'artist'), 1);
    for (const cookie of [undefined, stranger.cookie]) {
      const whole = await get(`/api/tracks/${track.id}/stream`, { cookie });
      expect([whole.status, whole.body.equals(preview)]).toEqual([200, true]);
      const past = await get(`/api/tracks/${track.id}/stream`, { cookie, headers: range(`${preview.length}-`) });
      expect(past.status).toBe(416);
      const suffix = await get(`/api/tracks/${track.id}/stream`, { cookie, headers: range(`-${full.length}`) });
      expect(suffix.body.equals(preview)).toBe(true);
      for (const route of [
        `/api/tracks/${track.id}/download`,
        `/api/tracks/${track.id}/download?format=mp3_320`,
        `/api/releases/${release.id}/download`,
        `/api/releases/${release.id}/download?format=flac`,
      ]) {
        const refused = await get(route, { cookie });
        expect(refused.status).toBe(cookie ? 403 : 401);
        expect(refused.body.includes(full.subarray(0, 64))).toBe(false);
      }
    }
  });
});

describe('DELIVERY=nginx through the shipped site', () => {
  const runs = haveNginx();
  const test = runs ? it : it.skip;
  let delivery: NginxDelivery;
  beforeAll(async () => {
    if (runs) delivery = await nginxDelivery();
  });
  afterAll(async () => {
    if (runs) await delivery.close();
  });

  test("sends the file with the app's headers and validators, and answers ranges as the app decided", async () => {
    const { shop, get } = delivery;
    const owner = await signInAs(db.pool, 'artist');
    const { track, full } = await shop.sellable('1.00', { artistUserId: owner.user.id });
    const stream = `/api/tracks/${track.id}/stream`;
    const first = await get(stream, { cookie: owner.cookie, headers: { Range: 'bytes=0-99', 'X-Request-Id': 'smoke-test-1' } });
    expect(first.status).toBe(206);
    expect(first.header('server')).toMatch(/^nginx/);
    expect(first.header('x-accel-redirect')).toBeUndefined();
    expect(first.header('x-request-id')).toBe('smoke-test-1');
    expect(first.header('x-audio-preview')).toBe('false');
    expect(first.header('x-play-token')).toMatch(/\S{20,}/);
    expect(first.header('cache-control')).toBe('private, no-cache');
    expect(first.header('content-type')).toBe('audio/mpeg');
    expect(first.header('vary')).toMatch(/Cookie/);
    const etag = first.header('etag')!;
    expect(etag).toMatch(/^"a-/);
    // If-Range: the app's strong tag applies the range; any other gets the whole, current file.
    const resumed = await get(stream, { cookie: owner.cookie, headers: { Range: 'bytes=100-199', 'If-Range': etag } });
    expect([resumed.status, resumed.body.equals(full.subarray(100, 200))]).toEqual([206, true]);
    const stale = await get(stream, { cookie: owner.cookie, headers: { Range: 'bytes=100-199', 'If-Range': '"a-older"' } });
    expect([stale.status, stale.body.equals(full)]).toEqual([200, true]);
    const several = await get(stream, { cookie: owner.cookie, headers: { Range: 'bytes=0-9,20-29' } });
    expect([several.status, several.body.equals(full)]).toEqual([200, true]);
    const unchanged = await get(stream, { cookie: owner.cookie, headers: { 'If-None-Match': etag } });
    expect([unchanged.status, unchanged.body.length]).toEqual([304, 0]);
    const head = await get(stream, { cookie: owner.cookie, method: 'HEAD' });
    expect([head.status, head.header('content-length'), head.header('accept-ranges')]).toEqual([200, String(full.length), 'bytes']);
    expect(head.header('x-play-token')).toBeTruthy();
  });

  test('never lets a client name a file: the internal locations are not reachable, and plain http goes to https', async () => {
    const { shop, get, nginx } = delivery;
    const { track } = await shop.sellable('1.00');
    for (const pathname of [
      `/_protected/${track.audioFilename}`,
      `/_protected/whole/${track.audioFilename}`,
      `/api/../_protected/${track.audioFilename}`,
      `/_protected/%2e%2e/${track.audioFilename}`,
      `/uploads/${track.audioFilename}`,
      `/${track.audioFilename}`,
    ]) {
      const res = await get(pathname);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body.length).toBeLessThan(5_000);
    }
    const plain = await fetch(`http://127.0.0.1:${nginx.httpPort}/api/tracks`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toMatch(/^https:\/\//);
  });

  test('takes a 50 MB upload through the site, streamed to the app, and plays it back by range', async () => {
    const { shop, get } = delivery;
    const artist = await signInAs(db.pool, 'artist');
    const file = path.join(tempDir('sn-upload-'), 'master.wav');
    writeWav(file, 50 * 1024 * 1024);
    const boundary = `----upload${Date.now()}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(
        `${field('name', 'Long master')}${field('priceEur', '1.00')}--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="master.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
      ),
      fs.readFileSync(file),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await delivery.nginx.request('/api/artist/tracks', {
      method: 'POST',
      headers: { Cookie: artist.cookie, Origin: shop.config.appOrigin, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    // The app's own answer (JSON), not nginx's HTML 413.
    expect([res.status, res.headers['content-type']]).toEqual([201, expect.stringMatching(/^application\/json/)]);
    const id = (JSON.parse(res.body.toString()) as { track: { id: number } }).track.id;
    const head = await get(`/api/tracks/${id}/stream?quality=original`, { cookie: artist.cookie, headers: { Range: 'bytes=1000-1999' } });
    expect([head.status, head.body.equals(fs.readFileSync(file).subarray(1000, 2000))]).toEqual([206, true]);
  });

  test("logs each request with the client's address and the id the app saw", async () => {
    const { get, nginx } = delivery;
    const reply = await get('/api/tracks?pageSize=1');
    const id = reply.header('x-request-id')!;
    expect(id).toMatch(/^[a-f0-9]{32}$/); // nginx's own id when the client sent none
    await until(() => fs.readFileSync(nginx.accessLog, 'utf8').includes(`id=${id}`), 'the access log line');
    const line = fs
      .readFileSync(nginx.accessLog, 'utf8')
      .split('\n')
      .find((l) => l.includes(`id=${id}`))!;
    expect(line).toMatch(/^127\.0\.0\.1 .*"GET \/api\/tracks\?pageSize=1 HTTP\/1\.1" 200 /);
    // A hostile id is not passed on: nginx gives one of its own.
    const hostile = await get('/healthz', { headers: { 'X-Request-Id': 'x'.repeat(200) } });
    expect(hostile.header('x-request-id')).toMatch(/^[a-f0-9]{32}$/);
  });
});

describe('DELIVERY=s3 presigned URLs', () => {
  let delivery: Delivery;
  beforeAll(async () => {
    delivery = await s3Delivery();
  });
  afterAll(() => delivery.close());

  test('a preview listener is sent to the preview object only; the redirect is never stored; HEAD stays with the app', async () => {
    const { shop, get } = delivery;
    const { track, preview } = await shop.sellable('1.00');
    const res = await get(`/api/tracks/${track.id}/stream`);
    expect(res.body.equals(preview)).toBe(true);
    const location = new URL(res.redirect!.location);
    expect(location.pathname).toBe(`/song-nexus-delivery/${track.previewFilename}`);
    expect(res.redirect!.location).not.toContain(track.audioFilename);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(res.redirect!.header('cache-control')).toBe('private, no-store');
    expect(res.redirect!.header('x-audio-preview')).toBe('true');
    expect(res.header('content-type')).toBe('audio/mpeg');
    const head = await get(`/api/tracks/${track.id}/stream`, { method: 'HEAD' });
    expect([head.status, head.header('location'), head.header('x-audio-preview')]).toEqual([200, undefined, 'true']);
    expect(head.header('content-length')).toBe(String(preview.length));
  });

  test('an expired URL fails', async () => {
    const { shop } = delivery;
    const { track } = await shop.sellable('1.00');
    const sign = (signedAt: Date) =>
      shop.storage.presignedGet!(track.audioFilename, {
        expiresInSeconds: 60,
        signedAt,
        contentType: 'audio/mpeg',
        cacheControl: 'private, no-cache',
      });
    expect((await fetch(await sign(new Date()))).status).toBe(200);
    const expired = await fetch(await sign(new Date(Date.now() - 61_000)));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/);
  });
});
