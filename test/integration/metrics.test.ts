import crypto from 'node:crypto';
import http from 'node:http';
import { createLogger } from '../../lib/logger';
import { FeedCache } from '../../services/feed-cache';
import type { ShutdownStep } from '../../server/lifecycle';
import { StoreMetrics } from '../../server/metrics';
import { startMetricsListener } from '../../server/metrics-exposure';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { freePort } from '../support/server-process';
import { until } from '../support/until';

/**
 * /metrics as a Prometheus server scrapes it, after what a store does all
 * day: a purchase through the PayPal stand-in (over HTTP, webhooks and all),
 * a stream, a play report, a listener who hangs up mid-stream, and jobs on
 * the durable queue (pg-boss in this file's database).
 */

const db = useTestDatabase();
const TOKEN = 'scrape-me-0123456789abcdefXYZ';
const accessCache = new FeedCache();
accessCache.setLive(true);
const shop = useCheckoutHarness(db, { env: { METRICS_TOKEN: TOKEN }, durableJobs: true, accessCache });

const scrape = async () => {
  const res = await shop.call('GET', '/metrics', { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.bytes.toString('utf8');
};

/** The sum of a metric's samples whose labels include `labels`; undefined when it has none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => has[k] === v)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

describe('/metrics', () => {
  it('answers only a scraper with the token', async () => {
    for (const headers of [{}, { Authorization: 'Bearer wrong-token-0123456789abcdef' }, { Authorization: TOKEN }] as Record<
      string,
      string
    >[]) {
      const res = await shop.call('GET', '/metrics', { headers });
      expect([res.status, res.body.error.code]).toEqual([401, 'unauthenticated']);
    }
    const res = await fetch(`${shop.base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts a purchase, a stream, a play, an abandoned stream, jobs, the pool, the cache and the process', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable('2.50');
    const { back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    await shop.follow(back, buyer.cookie);
    await shop.paypal.standin.webhooks.settled();
    // Audio larger than the socket buffers, so that a listener who stops reading holds the stream open.
    const full = crypto.randomBytes(24 * 1024 * 1024);
    const key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
    await shop.storage.put(key, full);
    await db.pool.query('UPDATE tracks SET audio_filename = $2, file_size_bytes = $3 WHERE id = $1', [track.id, key, full.length]);

    const stream = `/api/tracks/${track.id}/stream`;
    const heard = await shop.call('GET', stream, { cookie: buyer.cookie });
    expect([heard.status, heard.bytes.equals(full)]).toEqual([200, true]);
    const again = await shop.call('GET', stream, { cookie: buyer.cookie, headers: { Range: 'bytes=0-99' } });
    expect(again.status).toBe(206);
    const playToken = (await fetch(`${shop.base}${stream}`, { method: 'HEAD', headers: { Cookie: buyer.cookie } })).headers.get(
      'x-play-token',
    );
    const play = await shop.call('POST', '/api/plays', {
      cookie: buyer.cookie,
      json: { trackId: track.id, durationPlayedSeconds: 1, playToken },
    });
    expect(play.status).toBe(202);
    expect((await shop.call('GET', '/api/nothing/here/42')).status).toBe(404);

    // A listener whose stream is in flight, then who hangs up.
    const url = new URL(`${shop.base}${stream}`);
    const hanging = http.get(url, { headers: { Cookie: buyer.cookie, Origin: shop.config.appOrigin } });
    const response = await new Promise<http.IncomingMessage>((resolve) => hanging.once('response', resolve));
    response.pause();
    expect(sample(await scrape(), 'song_nexus_active_streams')).toBe(1);
    hanging.destroy();
    await until(async () => sample(await scrape(), 'song_nexus_active_streams') === 0, 'the stream counted out');

    await until(async () => (sample(await scrape(), 'song_nexus_jobs', { state: 'completed' }) ?? 0) >= 1, 'a completed job counted');
    const text = await scrape();
    expect(sample(text, 'song_nexus_payment_outcomes_total', { outcome: 'completed' })).toBe(1);
    expect(
      sample(text, 'song_nexus_http_request_duration_seconds_count', { route: '/api/tracks/:id/stream', status: '200' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'song_nexus_http_request_duration_seconds_count', { route: '/api/tracks/:id/stream', status: '206' })).toBe(1);
    expect(sample(text, 'song_nexus_http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(1);
    // No series carries an id: routes are patterns.
    expect(text).not.toMatch(new RegExp(`route="[^"]*/${track.id}/`));
    expect(sample(text, 'song_nexus_bytes_sent_total', { kind: 'audio' })).toBeGreaterThan(full.length);
    expect(sample(text, 'song_nexus_http_requests_unfinished_total', { outcome: 'aborted' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'song_nexus_plays_total', { outcome: 'accepted' })).toBe(1);
    await until(async () => sample(await scrape(), 'song_nexus_plays_total', { outcome: 'written' }) === 1, 'the play written');
    expect(sample(text, 'song_nexus_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'song_nexus_cache_lookups_total', { cache: 'access', result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'song_nexus_cache_lookups_total', { cache: 'access', result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('can be served on a listener of its own (METRICS_PORT), without a token', async () => {
    const metrics = new StoreMetrics({ db: db.pool, plays: {}, jobs: { counts: async () => [{ queue: 'q', state: 'failed', count: 3 }] } });
    const steps: ShutdownStep[] = [];
    const port = await freePort();
    await startMetricsListener(metrics, { host: '127.0.0.1', port }, steps, createLogger('silent'));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(sample(await res.text(), 'song_nexus_jobs', { queue: 'q', state: 'failed' })).toBe(3);
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    } finally {
      for (const step of steps) await step.run();
    }
  });
});
