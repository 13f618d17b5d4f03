import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { withBenchDatabase } from './lib/bench-database';
import { load, median } from './lib/http-load';
import { hasWrk, runWrk, type WrkResult } from './lib/wrk';
import { startProcess as start } from './lib/processes';

/**
 * The storefront's anonymous GET /api/tracks at 10,000 and at 100,000
 * published tracks (two databases in one PostgreSQL; distinct creation
 * times and play counts, 20 genres, one title in ten with "harbour"),
 * measured from outside with wrk (2 threads, 32 connections, 5 s a round,
 * 5 rounds interleaved across every target of both sizes, after a warm-up
 * round; medians of the rounds), for each size:
 *
 * - the store as `npm start` runs it (its own process, the listing cache on);
 * - the same store with the listing cache off (LISTING_CACHE_MB=0): every
 *   request runs its page query (counts stay cached: they are part of the design);
 * - the baseline: a bare Express + pg handler in its own process running the
 *   old page query and exact count (bench/lib/bare-catalog.ts).
 *
 * Each process gets the same embedded PostgreSQL. The store's API rate
 * limit is lifted (RATE_LIMIT_MAX): all load comes from one address.
 */

const ROUNDS = 5;
const SECONDS = 5;
const WRK = { threads: 2, connections: 32, seconds: SECONDS };

interface Target {
  name: string;
  port: number;
  path: string;
}

/** Tracks `from`…`to`, 10,000 a statement (each index and trigger has its work), then fresh statistics. */
async function addTracks(pool: pg.Pool, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += 10_000) await insertTracks(pool, start, Math.min(to, start + 9_999));
  await pool.query('VACUUM ANALYZE tracks');
}

async function insertTracks(pool: pg.Pool, from: number, to: number): Promise<void> {
  await pool.query(
    `INSERT INTO tracks (name, artist, artist_user_id, genre, audio_filename, price_eur, play_count, duration_seconds, is_published, created_at)
     SELECT CASE WHEN i % 10 = 0 THEN 'Harbour Lights ' ELSE 'Song ' END || i || ' ' || left(md5(i::text), 8),
            'Artist ' || (i % 200 + 1),
            (SELECT min(id) FROM users) + i % 200,
            (ARRAY['jazz','rock','pop','folk','ambient','techno','house','soul','funk','blues',
                   'metal','punk','indie','classical','hiphop','reggae','latin','country','disco','dub'])[i % 20 + 1],
            'audio/' || md5(i::text) || '.mp3',
            (i % 300) / 100.0 + 0.49,
            -- distinct: i * 7919 is a permutation modulo the prime 1,000,003
            (i::bigint * 7919 % 1000003)::int,
            180 + i % 120,
            true,
            timestamptz '2026-01-01' + (i || ' seconds')::interval
     FROM generate_series($1::int, $2::int) i`,
    [from, to],
  );
}

/** The cursor of page `page` (newest first), walked from the first page as a client would. */
async function cursorOf(port: number, page: number): Promise<string> {
  let after = '';
  for (let n = 1; n < page; n++) {
    const res = await fetch(`http://127.0.0.1:${port}/api/tracks?pageSize=24${after ? `&after=${after}` : ''}`);
    const body = (await res.json()) as { nextCursor: string | null };
    if (!body.nextCursor) throw new Error(`the catalogue ends before page ${page}`);
    after = encodeURIComponent(body.nextCursor);
  }
  return after;
}

async function measure(target: Target): Promise<WrkResult> {
  const url = `http://127.0.0.1:${target.port}${target.path}`;
  if (hasWrk()) return runWrk(url, WRK);
  const requestsPerSecond = await load(target.port, target.path, 3_000, WRK.connections);
  return { requestsPerSecond, p99Ms: NaN };
}

async function rounds(targets: Target[]): Promise<Map<string, WrkResult[]>> {
  const results = new Map<string, WrkResult[]>(targets.map((t) => [t.name, []]));
  for (const target of targets) await measure({ ...target, path: target.path }); // warm-up: plans, caches, JIT
  for (let r = 0; r < ROUNDS; r++) {
    for (const target of targets) results.get(target.name)!.push(await measure(target));
  }
  return results;
}

interface Size {
  tracks: number;
  deepPage: number;
  targets: Target[];
  stop: () => Promise<void>;
}

/** A database of `tracks` tracks (its own, in the bench's PostgreSQL) and the three servers on it. */
async function prepareSize(pool: pg.Pool, url: string, tracks: number, env: Record<string, string>): Promise<Size> {
  await pool.query(
    `INSERT INTO users (email, username, role, display_name)
     SELECT 'artist' || i || '@bench.test', 'bench_artist_' || i, 'artist', 'Artist ' || i FROM generate_series(1, 200) i`,
  );
  await addTracks(pool, 1, tracks);
  const appEnv = { ...env, DATABASE_URL: url };
  const cached = await start('the store', ['server/index.ts'], appEnv, '/api/tracks?pageSize=1');
  const uncached = await start(
    'the store, listing cache off',
    ['server/index.ts'],
    { ...appEnv, LISTING_CACHE_MB: '0' },
    '/api/tracks?pageSize=1',
  );
  const bare = await start('the bare handler', ['bench/lib/bare-catalog.ts', url, '$PORT'], {}, '/api/tracks');
  const deepPage = tracks === 10_000 ? 400 : 2_000;
  const deep = await cursorOf(uncached.port, deepPage);
  const at = (name: string) => `${tracks.toLocaleString('en')}: ${name}`;
  return {
    tracks,
    deepPage,
    targets: [
      { name: at('bare express+pg, page 1 newest'), port: bare.port, path: '/api/tracks' },
      { name: at('store, page 1 newest (cache)'), port: cached.port, path: '/api/tracks' },
      { name: at('store, page 1 newest'), port: uncached.port, path: '/api/tracks' },
      { name: at('store, page 1 popular'), port: uncached.port, path: '/api/tracks?sort=popular' },
      { name: at('store, page 1 price'), port: uncached.port, path: '/api/tracks?sort=price' },
      { name: at('store, deep page (keyset)'), port: uncached.port, path: `/api/tracks?after=${deep}` },
      { name: at('store, search q=harbour'), port: uncached.port, path: '/api/tracks?q=harbour' },
      { name: at('store, genre=jazz&sort=popular'), port: uncached.port, path: '/api/tracks?genre=jazz&sort=popular' },
    ],
    stop: async () => void (await Promise.all([cached.stop(), uncached.stop(), bare.stop()])),
  };
}

export async function run(): Promise<void> {
  if (!hasWrk())
    console.log('catalog: wrk is missing (apt-get install wrk): falling back to a Node client, which tops out far below the store');
  await withBenchDatabase(
    'catalog',
    async ({ dir, pool, url }) => {
      const env = {
        NODE_ENV: 'development',
        DEMO_SEED: 'false',
        DATA_DIR: path.join(dir, 'data-app'),
        UPLOAD_DIR: path.join(dir, 'uploads'),
        RATE_LIMIT_MAX: '1000000',
        JOBS_WORKER: 'off',
      };
      fs.mkdirSync(env.UPLOAD_DIR, { recursive: true });
      // The larger catalogue in a database of its own beside the first, so both sizes are measured in the same rounds.
      await pool.query('CREATE DATABASE song_nexus_large');
      const largeUrl = url.replace(/\/song_nexus$/, '/song_nexus_large');
      const largePool = createPool({ connectionString: largeUrl, max: 4, statementTimeoutMs: 120_000 });
      const sizes: Size[] = [];
      try {
        await migrate(largePool);
        sizes.push(await prepareSize(pool, url, 10_000, env));
        sizes.push(await prepareSize(largePool, largeUrl, 100_000, env));
        const results = await rounds(sizes.flatMap((size) => size.targets));
        const rate = (name: string) => median(results.get(name)!.map((r) => r.requestsPerSecond));
        for (const size of sizes) {
          const [bare, , page1, , , deep] = size.targets.map((t) => t.name);
          console.log(
            `catalog: ${size.tracks.toLocaleString('en')} tracks (deep page: ${size.deepPage}), wrk ${WRK.threads} threads × ${WRK.connections} connections, ` +
              `${ROUNDS} rounds of ${SECONDS} s interleaved with the other size; medians`,
          );
          console.log(`  ${'target'.padEnd(48)} ${'req/s'.padStart(8)} ${'× bare'.padStart(7)} ${'p99'.padStart(9)}`);
          for (const target of size.targets) {
            const p99 = median(results.get(target.name)!.map((r) => r.p99Ms));
            console.log(
              `  ${target.name.padEnd(48)} ${rate(target.name).toFixed(0).padStart(8)} ${(rate(target.name) / rate(bare!)).toFixed(2).padStart(7)} ${`${p99.toFixed(1)} ms`.padStart(9)}`,
            );
          }
          console.log(`  deep page / page 1 (no cache): ${(rate(deep!) / rate(page1!)).toFixed(2)}`);
        }
        console.log('catalog: 100,000 tracks ÷ 10,000 tracks, req/s (same rounds)');
        for (const [i, target] of sizes[1]!.targets.entries()) {
          const small = sizes[0]!.targets[i]!.name;
          console.log(`  ${target.name.replace(/^[\d,]+: /, '').padEnd(48)} ${(rate(target.name) / rate(small)).toFixed(2).padStart(7)}`);
        }
      } finally {
        await Promise.all(sizes.map((size) => size.stop()));
        await largePool.end();
      }
    },
    { poolMax: 4 },
  );
}
