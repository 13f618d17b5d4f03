import type { Tx } from '../pool';

export interface PlayRow {
  trackId: number;
  userId: number | null;
  listenerKey: string;
  sessionId: string | null;
  deviceType: string;
  durationPlayedSeconds: number;
  isPaidUser: boolean;
  isPreview: boolean;
  /** Whether the duration reaches the counting threshold (the 30-minute rule is applied here). */
  qualifies: boolean;
  playedAt: Date;
}

// Serialises flushes (from every app server), so the 30-minute rule sees
// every counted play committed before it.
const FLUSH_LOCK = 727_203_005;

/**
 * Stores a batch of plays in one transaction with three statements: the
 * play_stats rows (a play counts if it qualifies and its listener has no
 * counted play of the track in the 30 minutes before it, in the database or
 * earlier in this batch), the signed-in listeners' play_history rows, and
 * the play_count increments.
 * @returns how many plays were counted.
 */
export async function insertPlays(db: Tx, plays: PlayRow[]): Promise<number> {
  if (plays.length === 0) return 0;
  await db.query('SELECT pg_advisory_xact_lock($1)', [FLUSH_LOCK]);
  const col = <K extends keyof PlayRow>(k: K) => plays.map((p) => p[k]);
  const { rows } = await db.query<{ counted: number }>(
    `WITH input AS (
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bool[], $8::bool[], $9::bool[], $10::timestamptz[])
         WITH ORDINALITY AS i(track_id, user_id, listener_key, session_id, device_type, duration, paid, preview, qualifies, played_at, ord)
     ),
     ranked AS (
       SELECT i.*,
              i.qualifies
                AND NOT EXISTS (
                  SELECT 1 FROM play_stats p
                  WHERE p.counted AND p.track_id = i.track_id AND p.listener_key = i.listener_key
                    AND p.played_at > i.played_at - interval '30 minutes' AND p.played_at <= i.played_at)
                AND row_number() OVER (PARTITION BY i.track_id, i.listener_key, i.qualifies ORDER BY i.played_at, i.ord) = 1
                AS counted
       FROM input i
     ),
     stored AS (
       INSERT INTO play_stats (track_id, user_id, listener_key, session_id, device_type, duration_played_seconds, is_paid_user, is_preview, counted, played_at)
       SELECT track_id, user_id, listener_key, session_id, device_type, duration, paid, preview, counted, played_at FROM ranked ORDER BY ord
       RETURNING track_id, counted
     ),
     history AS (
       INSERT INTO play_history (user_id, track_id, played_at, duration_played_seconds)
       SELECT user_id, track_id, played_at, duration FROM input WHERE user_id IS NOT NULL
       ON CONFLICT (user_id, track_id, played_at) DO NOTHING
     ),
     bumped AS (
       UPDATE tracks t SET play_count = t.play_count + c.n
       FROM (SELECT track_id, count(*)::int AS n FROM stored WHERE counted GROUP BY track_id) c
       WHERE t.id = c.track_id
       RETURNING c.n
     )
     SELECT coalesce(sum(n), 0)::int AS counted FROM bumped`,
    [
      col('trackId'),
      col('userId'),
      col('listenerKey'),
      col('sessionId'),
      col('deviceType'),
      col('durationPlayedSeconds'),
      col('isPaidUser'),
      col('isPreview'),
      col('qualifies'),
      col('playedAt'),
    ],
  );
  return rows[0]!.counted;
}
