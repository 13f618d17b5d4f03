import { camelColumns } from '../columns';
import type { ApiReleaseStats, ApiTrackStats } from '../../contract/api';
import type { Page } from '../../lib/page';
import { selectPage, type PagedQuery, type Queryable } from '../pool';

/**
 * Read-only aggregations over plays, purchases and orders for listeners,
 * artists and admins. Every query is bounded by a time range and (for
 * artists) by their own tracks, and walks the (track_id, played_at) and
 * played_at indexes of play_stats.
 */

export interface HistoryEntry {
  trackId: number;
  name: string;
  artist: string;
  playedAt: Date;
  durationPlayedSeconds: number | null;
}

/** A listener's plays, newest first: $1 is the listener. */
const HISTORY: PagedQuery = {
  select: camelColumns('h.track_id, t.name, t.artist, h.played_at, h.duration_played_seconds'),
  from: 'play_history h JOIN tracks t ON t.id = h.track_id',
  where: 'h.user_id = $1',
  orderBy: 'h.played_at DESC, h.id DESC',
};

export async function listHistory(db: Queryable, userId: number, page: Page): Promise<{ entries: HistoryEntry[]; total: number }> {
  const { rows, total } = await selectPage<HistoryEntry>(db, { ...HISTORY, values: [userId] }, page);
  return { entries: rows, total };
}

export interface Range {
  from: Date;
  to: Date;
}

/** One track's totals: exactly the row the API sends (revenue an exact decimal string). */
export type TrackTotals = ApiTrackStats;

/** Per-track totals for the tracks of one artist (or of everyone when `ownerId` is null); a track's revenue is its own lines (a release bought whole is in releaseTotals). */
export async function trackTotals(db: Queryable, ownerId: number | null, range: Range): Promise<TrackTotals[]> {
  const { rows } = await db.query<{
    id: number;
    name: string;
    plays: number;
    counted: number;
    listeners: number;
    preview: number;
    full_plays: number;
    purchases: number;
    revenue: string;
  }>(
    `SELECT t.id, t.name,
            coalesce(p.plays, 0)::int AS plays, coalesce(p.counted, 0)::int AS counted,
            coalesce(p.listeners, 0)::int AS listeners, coalesce(p.preview, 0)::int AS preview,
            coalesce(p.plays - p.preview, 0)::int AS full_plays,
            coalesce(b.purchases, 0)::int AS purchases, coalesce(r.revenue, 0)::numeric(12,2)::text AS revenue
     FROM tracks t
     LEFT JOIN LATERAL (
       SELECT count(*) AS plays, count(*) FILTER (WHERE counted) AS counted,
              count(DISTINCT listener_key) AS listeners, count(*) FILTER (WHERE is_preview) AS preview
       FROM play_stats s WHERE s.track_id = t.id AND s.played_at >= $2 AND s.played_at < $3
     ) p ON true
     LEFT JOIN LATERAL (
       SELECT count(*) AS purchases FROM purchases pu
       WHERE pu.track_id = t.id AND pu.purchased_at >= $2 AND pu.purchased_at < $3
     ) b ON true
     LEFT JOIN LATERAL (
       SELECT sum(oi.price) AS revenue FROM order_items oi JOIN orders o ON o.id = oi.order_id
       WHERE oi.track_id = t.id AND o.status = 'COMPLETED' AND o.completed_at >= $2 AND o.completed_at < $3
     ) r ON true
     WHERE ($1::int IS NULL OR t.artist_user_id = $1)
     ORDER BY plays DESC, t.id`,
    [ownerId, range.from, range.to],
  );
  return rows.map((r) => ({
    trackId: r.id,
    name: r.name,
    plays: r.plays,
    countedPlays: r.counted,
    uniqueListeners: r.listeners,
    previewPlays: r.preview,
    fullPlays: r.full_plays,
    purchases: r.purchases,
    revenueEur: r.revenue,
  }));
}

/** Sales of whole releases (one artist's, or everyone's) in the range: buyers of completed orders and what they paid. */
export async function releaseTotals(db: Queryable, ownerId: number | null, range: Range): Promise<ApiReleaseStats[]> {
  const { rows } = await db.query<ApiReleaseStats>(
    `SELECT r.id AS "releaseId", r.title, count(*)::int AS purchases, sum(oi.price)::numeric(12,2)::text AS "revenueEur"
     FROM order_items oi JOIN orders o ON o.id = oi.order_id JOIN releases r ON r.id = oi.release_id
     WHERE o.status = 'COMPLETED' AND o.completed_at >= $2 AND o.completed_at < $3 AND ($1::int IS NULL OR r.artist_user_id = $1)
     GROUP BY r.id ORDER BY sum(oi.price) DESC, r.id`,
    [ownerId, range.from, range.to],
  );
  return rows;
}

export interface DailyPlays {
  day: string;
  trackId: number;
  plays: number;
}

/** Plays per UTC day per track (an artist's tracks, or all). */
export async function dailyPlays(db: Queryable, ownerId: number | null, range: Range): Promise<DailyPlays[]> {
  const { rows } = await db.query<{ day: string; track_id: number; plays: number }>(
    `SELECT to_char(date_trunc('day', s.played_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, s.track_id, count(*)::int AS plays
     FROM play_stats s JOIN tracks t ON t.id = s.track_id
     WHERE s.played_at >= $2 AND s.played_at < $3 AND ($1::int IS NULL OR t.artist_user_id = $1)
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [ownerId, range.from, range.to],
  );
  return rows.map((r) => ({ day: r.day, trackId: r.track_id, plays: r.plays }));
}

/** Store-wide totals for a range. */
export async function storeTotals(
  db: Queryable,
  range: Range,
): Promise<{ plays: number; uniqueListeners: number; purchases: number; orders: number; revenueEur: string; newUsers: number }> {
  const { rows } = await db.query(
    `SELECT
       (SELECT count(*)::int FROM play_stats WHERE played_at >= $1 AND played_at < $2) AS plays,
       (SELECT count(DISTINCT listener_key)::int FROM play_stats WHERE played_at >= $1 AND played_at < $2) AS listeners,
       (SELECT count(*)::int FROM purchases WHERE purchased_at >= $1 AND purchased_at < $2) AS purchases,
       (SELECT count(*)::int FROM orders WHERE status = 'COMPLETED' AND completed_at >= $1 AND completed_at < $2) AS orders,
       (SELECT coalesce(sum(amount), 0)::numeric(12,2)::text FROM orders WHERE status = 'COMPLETED' AND completed_at >= $1 AND completed_at < $2) AS revenue,
       (SELECT count(*)::int FROM users WHERE created_at >= $1 AND created_at < $2) AS new_users`,
    [range.from, range.to],
  );
  const r = rows[0];
  return {
    plays: r.plays,
    uniqueListeners: r.listeners,
    purchases: r.purchases,
    orders: r.orders,
    revenueEur: r.revenue,
    newUsers: r.new_users,
  };
}
