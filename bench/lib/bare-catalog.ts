import express from 'express';
import pg from 'pg';
import { TRACK_COLUMNS } from '../../db/repos/tracks.repo';

/**
 * The catalogue benchmark's baseline, run in a process of its own: the least
 * a server could do to answer GET /api/tracks with the queries the store
 * used before keyset pages and cached counts — the first page, newest
 * first, by OFFSET, and an exact count of every public track, in parallel,
 * on a pool as large as the store's; rows sent as they come.
 * Usage: tsx bench/lib/bare-catalog.ts <database url> <port>
 */
const [url, port] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const PUBLIC = 'is_published = true AND is_deleted = false';

const app = express();
app.get('/api/tracks', async (_req, res) => {
  const [rows, count] = await Promise.all([
    pool.query(`SELECT ${TRACK_COLUMNS} FROM tracks WHERE ${PUBLIC} ORDER BY created_at DESC, id DESC LIMIT 24 OFFSET 0`),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM tracks WHERE ${PUBLIC}`),
  ]);
  res.json({ tracks: rows.rows, total: count.rows[0]!.n });
});
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => void pool.end().then(() => process.exit(0)));
