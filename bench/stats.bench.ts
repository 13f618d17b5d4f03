import { dailyPlays, storeTotals, trackTotals } from '../db/repos/statistics.repo';
import { withBenchDatabase } from './lib/bench-database';
import { median } from './lib/http-load';

/**
 * The statistics queries over 2,000,000 plays spread across a year, 2,000
 * tracks and 200 artists: an artist's 30-day report (per-track totals and
 * plays per day), a year-long one, and the admin's 30-day store totals.
 * Reports the median of 5 runs of each.
 */
const PLAYS = 2_000_000;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    await fn();
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(runs);
}

export async function run(): Promise<void> {
  await withBenchDatabase('stats', async ({ pool }) => {
    await pool.query(
      `INSERT INTO users (email, username, role) SELECT 'a' || i || '@b.test', 'artist_' || i, 'artist' FROM generate_series(1, 200) i`,
    );
    await pool.query(`
      INSERT INTO tracks (name, artist, artist_user_id, audio_filename, is_published, duration_seconds)
      SELECT 'T' || i, 'A', (SELECT min(id) FROM users) + i % 200, 'audio/' || md5(i::text) || '.mp3', true, 200
      FROM generate_series(1, 2000) i`);
    const started = Date.now();
    await pool.query(
      `INSERT INTO play_stats (track_id, listener_key, duration_played_seconds, is_preview, counted, played_at)
       SELECT (SELECT min(id) FROM tracks) + (i::bigint * 7919 % 2000)::int, 's:' || (i % 50000), 45, i % 3 = 0, i % 2 = 0,
              now() - ((i % 525600) || ' minutes')::interval
       FROM generate_series(1, $1) i`,
      [PLAYS],
    );
    await pool.query('VACUUM ANALYZE play_stats');
    const loadSeconds = (Date.now() - started) / 1000;
    const artist = (await pool.query<{ id: number }>('SELECT min(id) + 7 AS id FROM users')).rows[0]!.id;
    const now = new Date();
    const month = { from: new Date(now.getTime() - 30 * 86_400_000), to: now };
    const year = { from: new Date(now.getTime() - 365 * 86_400_000), to: now };
    const artistMonth = await time(() => Promise.all([trackTotals(pool, artist, month), dailyPlays(pool, artist, month)]));
    const artistYear = await time(() => Promise.all([trackTotals(pool, artist, year), dailyPlays(pool, artist, year)]));
    const storeMonth = await time(() => storeTotals(pool, month));
    console.log(
      `stats: ${PLAYS.toLocaleString('en')} plays over a year, 2,000 tracks, 200 artists (loaded in ${loadSeconds.toFixed(0)} s); medians of 5`,
    );
    console.log(`  artist report, 30 days   ${artistMonth.toFixed(1)} ms`);
    console.log(`  artist report, 365 days  ${artistYear.toFixed(1)} ms`);
    console.log(`  store totals, 30 days    ${storeMonth.toFixed(1)} ms`);
  });
}
