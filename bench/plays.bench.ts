import { withTransaction } from '../db/pool';
import { insertPlays, type PlayRow } from '../db/repos/play-stats.repo';
import { insertTrack } from '../db/repos/tracks.repo';
import { PlayRecorder } from '../services/plays/play-recorder';
import { createLogger } from '../lib/logger';
import { withBenchDatabase } from './lib/bench-database';
import { median } from './lib/http-load';

/**
 * Sustained play ingest: the batching PlayRecorder (multi-row statements,
 * one transaction per flush) against the naive way — one transaction per
 * event running the same statement — side by side in one run, rounds
 * alternating. Events are spread over 200 tracks and 20,000 listeners, with
 * counting rules applied as in production.
 */
const EVENTS = 20_000;
const NAIVE_EVENTS = 3_000;
const NAIVE_CONCURRENCY = 16;
const ROUNDS = 3;

export async function run(): Promise<void> {
  await withBenchDatabase(
    'plays',
    async ({ pool }) => {
      const tracks: number[] = [];
      for (let i = 0; i < 200; i++) {
        tracks.push(
          (
            await insertTrack(pool, {
              name: `T${i}`,
              artist: 'A',
              artistUserId: null,
              audioFilename: `audio/${String(i).padStart(32, '0')}.mp3`,
              priceEur: '1.00',
              durationSeconds: 200,
              isPublished: true,
            })
          ).id,
        );
      }
      let seq = 0;
      const event = (): PlayRow => {
        seq++;
        return {
          trackId: tracks[seq % tracks.length]!,
          userId: null,
          listenerKey: `s:bench-${seq % 20_000}`,
          sessionId: `bench-${seq % 20_000}`,
          deviceType: 'web',
          durationPlayedSeconds: 45,
          isPaidUser: false,
          isPreview: true,
          qualifies: true,
          playedAt: new Date(),
        };
      };

      const batchedRates: number[] = [];
      const naiveRates: number[] = [];
      const plainRates: number[] = [];
      // The plainest baseline: one autocommitted INSERT per event, no counting rules at all.
      const plainInsert = (p: PlayRow) =>
        pool.query(
          `INSERT INTO play_stats (track_id, user_id, listener_key, session_id, device_type, duration_played_seconds, is_paid_user, is_preview, played_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [p.trackId, p.userId, p.listenerKey, p.sessionId, p.deviceType, p.durationPlayedSeconds, p.isPaidUser, p.isPreview, p.playedAt],
        );
      const concurrently = async (count: number, work: () => Promise<unknown>) => {
        let next = 0;
        const started = process.hrtime.bigint();
        await Promise.all(
          Array.from({ length: NAIVE_CONCURRENCY }, async () => {
            while (next < count) {
              next++;
              await work();
            }
          }),
        );
        return count / (Number(process.hrtime.bigint() - started) / 1e9);
      };
      for (let round = 0; round < ROUNDS; round++) {
        const recorder = new PlayRecorder(pool, createLogger('silent')).start();
        const started = process.hrtime.bigint();
        for (let i = 0; i < EVENTS; i++) recorder.add(event());
        await recorder.stop();
        batchedRates.push(EVENTS / (Number(process.hrtime.bigint() - started) / 1e9));

        naiveRates.push(await concurrently(NAIVE_EVENTS, () => withTransaction(pool, (tx) => insertPlays(tx, [event()]))));
        plainRates.push(await concurrently(NAIVE_EVENTS, () => plainInsert(event())));
      }
      const b = median(batchedRates);
      const n = median(naiveRates);
      console.log(`plays: ingest of play events into PostgreSQL, ${ROUNDS} rounds (medians)`);
      console.log(`  batched (PlayRecorder)          ${b.toFixed(0)} events/s  (${EVENTS} events a round)`);
      console.log(
        `  naive (one transaction each)    ${n.toFixed(0)} events/s  (${NAIVE_EVENTS} events a round, ${NAIVE_CONCURRENCY} at a time)`,
      );
      const p = median(plainRates);
      console.log(`  plain INSERT per event          ${p.toFixed(0)} events/s  (no counting rules, ${NAIVE_CONCURRENCY} at a time)`);
      console.log(`  ratio vs one transaction each   ${(b / n).toFixed(1)}x`);
      console.log(`  ratio vs plain INSERT           ${(b / p).toFixed(1)}x`);
    },
    { poolMax: NAIVE_CONCURRENCY + 2 },
  );
}
