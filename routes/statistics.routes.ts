import { Router } from 'express';
import { z } from 'zod';
import { pageQuery, presentPage, requestedPage } from './pagination';
import type { ApiArtistStats } from '../contract/api';
import type { RouteDeps } from './deps';
import { adminStats, artistStats, myHistory, statsRange } from '../services/statistics.service';
import { parseInput } from '../lib/errors';
import { doc } from './api-doc';

const rangeQuery = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() }).strict();
const presentRange = (r: { from: Date; to: Date }) => ({ from: r.from.toISOString(), to: r.to.toISOString() });

/** Listening history and the statistics of artists and admins. */
export function statisticsRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get('/api/me/history', doc({ summary: 'My listening history', access: 'signed in', query: pageQuery }), async (req, res) => {
    const page = requestedPage(req, 50);
    const { entries, total } = await myHistory(deps, req.actor, page);
    res.set('Cache-Control', 'no-store').json({
      history: entries.map((e) => ({ ...e, playedAt: e.playedAt.toISOString() })),
      ...presentPage(page, total),
    });
  });

  router.get('/api/artist/stats', doc({ summary: 'My plays and sales', access: 'artist', query: rangeQuery }), async (req, res) => {
    const q = parseInput(rangeQuery, req.query, 'query');
    const stats = await artistStats(deps, req.actor, statsRange(deps, q.from, q.to));
    const body: ApiArtistStats = { ...stats, range: presentRange(stats.range) };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.get('/api/admin/stats', doc({ summary: "The store's plays and sales", access: 'admin', query: rangeQuery }), async (req, res) => {
    const q = parseInput(rangeQuery, req.query, 'query');
    const stats = await adminStats(deps, req.actor, statsRange(deps, q.from, q.to));
    res.set('Cache-Control', 'no-store').json({ ...stats, range: presentRange(stats.range) });
  });

  return router;
}
