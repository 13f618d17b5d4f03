import { Router } from 'express';
import type { ApiWaveform } from '../contract/api';
import { z } from 'zod';
import { listingFields, listingRequestOf, presentListing } from './pagination';
import { parseInput } from '../lib/errors';
import { sendCatalogJson } from './catalog-response';
import { browseCatalog, catalogGenres, coverOf, getCatalogTrack } from '../services/catalog/catalog.service';
import type { RouteDeps } from './deps';
import { coverNotFound } from '../lib/errors';
import { idParam, idString } from './request';
import { sendImage } from './stored-file';
import { presentTrack } from './track.presenter';
import { trackWaveform } from '../services/catalog/waveform.service';
import { doc } from './api-doc';
import { responses } from './response-schemas';

const catalogQuery = z
  .object({
    q: z.string().trim().max(100).optional(),
    genre: z.string().trim().min(1).max(50).optional(),
    artist: idString.optional(),
    sort: z.enum(['newest', 'popular', 'price']).default('newest'),
    ...listingFields,
  })
  .strict();
/** Catalogue pages hold a grid's worth of cards. */
const CATALOG_PAGE = 24;

/** The public catalog of tracks: browse, search, genres, cover art. */
export function catalogRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/tracks',
    doc({ summary: 'Published tracks: search, filter, sort, pages', access: 'anyone', query: catalogQuery }),
    async (req, res) => {
      const query = parseInput(catalogQuery, req.query, 'query');
      const filter = { search: query.q || undefined, genre: query.genre, artistUserId: query.artist, sort: query.sort };
      const request = listingRequestOf(query, CATALOG_PAGE);
      await sendCatalogJson(deps, req, res, JSON.stringify(['tracks', filter, request]), async () => {
        const listing = await browseCatalog(deps, filter, request);
        return { json: { tracks: listing.items.map(presentTrack), ...presentListing(listing) } };
      });
    },
  );

  router.get('/api/tracks/:id', doc({ summary: 'One published track', access: 'anyone' }), async (req, res) => {
    const id = idParam(req);
    await sendCatalogJson(deps, req, res, `track:${id}`, async () => ({ json: { track: presentTrack(await getCatalogTrack(deps, id)) } }));
  });

  router.get(
    '/api/genres',
    doc({ summary: 'Genres with published tracks', access: 'anyone', response: { status: 200, schema: responses.genres } }),
    async (req, res) => {
      await sendCatalogJson(deps, req, res, 'genres', async () => ({ json: { genres: await catalogGenres(deps) } }));
    },
  );

  // The peaks the player draws as its seek bar: 202 while they are computed (ask again after Retry-After).
  router.get('/api/tracks/:id/waveform', doc({ summary: "A track's waveform peaks", access: 'anyone' }), async (req, res) => {
    const waveform = await trackWaveform(deps, req.actor, idParam(req));
    if (!waveform) return void res.status(202).set({ 'Retry-After': '3', 'Cache-Control': 'no-store' }).json({ status: 'preparing' });
    res.set({ ETag: waveform.etag, 'Cache-Control': 'no-cache' });
    if (req.headers['if-none-match'] === waveform.etag) return void res.status(304).end();
    const body: ApiWaveform = { bins: waveform.peaks.length, peaks: waveform.peaks, durationSeconds: waveform.durationSeconds };
    res.json(body);
  });

  router.get(
    '/api/tracks/:id/cover',
    doc({ summary: "A track's cover image", access: 'anyone', response: { status: 200, contentType: 'image/*' } }),
    async (req, res) => {
      await sendImage(deps.storage, req, res, { ...(await coverOf(deps, req.actor, idParam(req))), missing: coverNotFound });
    },
  );

  return router;
}
