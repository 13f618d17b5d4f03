import type { Request } from 'express';
import client from 'prom-client';
import type { FeedCache } from '../services/feed-cache';
import type { ServiceMetrics } from '../services/deps';
import type { JobQueue } from '../services/jobs/job-queue';
import type { PlayRecorder } from '../services/plays/play-recorder';
import type pg from 'pg';
import type { RequestEnd } from './middleware/request-context';

/** What the metrics read at each scrape: the app's own parts (the dependencies object itself, read when scraped). */
export interface MetricSources {
  db: Pick<pg.Pool, 'totalCount' | 'idleCount' | 'waitingCount'>;
  /** The play recorder (its counts are read when it has them). */
  plays: object;
  jobs: Pick<JobQueue, 'counts'>;
  accessCache?: FeedCache;
  listingCounts?: FeedCache;
  listingResponses?: FeedCache;
}

/** The audio routes: their responses are the streams and downloads counted apart. */
const AUDIO_PATH = /^\/api\/(tracks\/\d+\/(stream|download)|releases\/\d+\/download)$/;
/** A scrape waits this long for the job counts, then reports without them. */
const JOB_COUNT_TIMEOUT_MS = 1_000;

/**
 * The store's Prometheus metrics, in a registry of its own (so two apps in
 * one process, as in tests, never share counts). Requests are observed as
 * they end; pool, caches, plays and jobs are read when scraped.
 *
 * - `song_nexus_http_request_duration_seconds{method,route,status}`: histogram;
 *   `route` is the route's pattern (`/api/tracks/:id/stream`), `static` for
 *   public files and `unmatched` for anything else, so ids never multiply series.
 * - `song_nexus_http_requests_unfinished_total{outcome}`: aborted by the client or cut by shutdown.
 * - `song_nexus_bytes_sent_total{kind}`: `audio` (streams, downloads) or `other`.
 * - `song_nexus_active_streams`: audio responses in flight.
 * - `song_nexus_plays_total{outcome}`: `accepted`, `refused` (buffer full, stopping), `written`.
 * - `song_nexus_plays_buffered`: accepted, not yet written.
 * - `song_nexus_payment_outcomes_total{outcome}`: orders settled pending, completed, failed, refunded.
 * - `song_nexus_jobs{queue,state}`: the job queue by state (created, retry, active, failed, …).
 * - `song_nexus_db_pool_connections{state}`: `total`, `idle`, `waiting` (clients queued for one).
 * - `song_nexus_cache_lookups_total{cache,result}`: `hit` or `miss`, per in-memory cache.
 * - process metrics (CPU, memory, event loop lag, handles) under their standard names.
 */
export class StoreMetrics implements ServiceMetrics {
  readonly registry = new client.Registry();
  private readonly duration = new client.Histogram({
    name: 'song_nexus_http_request_duration_seconds',
    help: 'Time from a request arriving to its response ending, by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });
  private readonly unfinished = new client.Counter({
    name: 'song_nexus_http_requests_unfinished_total',
    help: 'Requests that ended before their response did: aborted by the client, or cut by shutdown.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly bytes = new client.Counter({
    name: 'song_nexus_bytes_sent_total',
    help: 'Bytes sent on connections (headers included): audio (streams, downloads) or other.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly activeStreams = new client.Gauge({
    name: 'song_nexus_active_streams',
    help: 'Audio responses (streams, downloads) in flight.',
    registers: [this.registry],
  });
  private readonly payments = new client.Counter({
    name: 'song_nexus_payment_outcomes_total',
    help: 'Orders whose status changed after creation, by the status reached.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    const recorder = () => sources.plays as Partial<Pick<PlayRecorder, 'counts' | 'pending'>>;
    new client.Counter({
      name: 'song_nexus_plays_total',
      help: 'Play reports accepted, refused (buffer full, stopping) and written to the database.',
      labelNames: ['outcome'] as const,
      registers,
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(recorder().counts ?? {})) this.inc({ outcome }, n);
      },
    });
    new client.Gauge({
      name: 'song_nexus_plays_buffered',
      help: 'Plays accepted and not yet written.',
      registers,
      collect() {
        this.set(recorder().pending ?? 0);
      },
    });
    new client.Gauge({
      name: 'song_nexus_db_pool_connections',
      help: 'Database pool clients: total open, idle, and requests waiting for one.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.set({ state: 'total' }, sources.db.totalCount);
        this.set({ state: 'idle' }, sources.db.idleCount);
        this.set({ state: 'waiting' }, sources.db.waitingCount);
      },
    });
    new client.Counter({
      name: 'song_nexus_cache_lookups_total',
      help: 'Lookups in the in-memory caches, answered from memory (hit) or loaded (miss).',
      labelNames: ['cache', 'result'] as const,
      registers,
      collect() {
        this.reset();
        const caches = { access: sources.accessCache, listing_counts: sources.listingCounts, listing_responses: sources.listingResponses };
        for (const [cache, feed] of Object.entries(caches)) {
          if (!feed) continue;
          this.inc({ cache, result: 'hit' }, feed.hits);
          this.inc({ cache, result: 'miss' }, feed.misses);
        }
      },
    });
    new client.Gauge({
      name: 'song_nexus_jobs',
      help: 'Background jobs by queue and state.',
      labelNames: ['queue', 'state'] as const,
      registers,
      async collect() {
        this.reset();
        const counts = await Promise.race([
          sources.jobs.counts().catch(() => []),
          new Promise<[]>((resolve) => setTimeout(() => resolve([]), JOB_COUNT_TIMEOUT_MS).unref()),
        ]);
        for (const { queue, state, count } of counts) this.set({ queue, state }, count);
      },
    });
    client.collectDefaultMetrics({ register: this.registry });
  }

  /** The request observer for requestContext: counts the request in when it starts and out when it ends. */
  observe = (req: Request): ((end: RequestEnd) => void) => {
    const audio = (req.method === 'GET' || req.method === 'HEAD') && AUDIO_PATH.test(req.path);
    if (audio) this.activeStreams.inc();
    return (end) => {
      if (audio) this.activeStreams.dec();
      const route = req.route?.path ? String(req.route.path) : req.path.startsWith('/api/') ? 'unmatched' : 'static';
      this.duration.observe({ method: req.method, route, status: String(end.status) }, end.seconds);
      this.bytes.inc({ kind: audio ? 'audio' : 'other' }, end.bytes);
      if (end.outcome !== 'finished') this.unfinished.inc({ outcome: end.outcome });
    };
  };

  orderSettled(status: 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED'): void {
    this.payments.inc({ outcome: status.toLowerCase() });
  }

  /** The exposition: Prometheus's text format and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
