import { Router } from 'express';
import { z } from 'zod';
import { pageFields, pageOf, presentPage, requestedPage } from './pagination';
import { artistPage, browseCatalog, catalogGenres, coverOf, getCatalogTrack } from '../services/catalog/catalog.service';
import type { RouteDeps } from './deps';
import { publicName } from '../services/users.service';
import { coverNotFound, parseInput } from '../lib/errors';
import { idParam, idString } from './request';
import { sendStoredFile } from './stored-file';
import { presentTrack } from './track.presenter';

const catalogQuery = z
  .object({
    q: z.string().trim().max(100).optional(),
    genre: z.string().trim().min(1).max(50).optional(),
    artist: idString.optional(),
    sort: z.enum(['newest', 'popular', 'price']).default('newest'),
    ...pageFields,
  })
  .strict();
/** Catalogue pages hold a grid's worth of cards. */
const CATALOG_PAGE = 24;

const COVER_EXT = /\.(png|jpg|webp)$/;

/** The public catalog: browse, search, genres, artist pages, cover art. */
export function catalogRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get('/api/tracks', async (req, res) => {
    const query = parseInput(catalogQuery, req.query, 'query');
    const page = pageOf(query, CATALOG_PAGE);
    const { tracks, total } = await browseCatalog(
      deps,
      { search: query.q || undefined, genre: query.genre, artistUserId: query.artist, sort: query.sort },
      page,
    );
    res.json({ tracks: tracks.map(presentTrack), ...presentPage(page, total) });
  });

  router.get('/api/tracks/:id', async (req, res) => {
    res.json({ track: presentTrack(await getCatalogTrack(deps, idParam(req))) });
  });

  router.get('/api/genres', async (_req, res) => {
    res.json({ genres: await catalogGenres(deps) });
  });

  router.get('/api/artists/:id', async (req, res) => {
    const id = idParam(req);
    const page = requestedPage(req, CATALOG_PAGE);
    const { artist, tracks, total } = await artistPage(deps, id, page);
    res.json({
      artist: { id: artist.id, name: publicName(artist) },
      tracks: tracks.map(presentTrack),
      ...presentPage(page, total),
    });
  });

  router.get('/api/tracks/:id/cover', async (req, res) => {
    const { track, isPublic } = await coverOf(deps, req.actor, idParam(req));
    if (!COVER_EXT.test(track.coverFilename!)) throw coverNotFound();
    await sendStoredFile(deps.storage, req, res, {
      key: track.coverFilename!,
      headers: {
        'Content-Type': track.coverMime ?? 'application/octet-stream',
        // Links carry ?v= of this exact file (presentTrack), so a replaced cover is a new URL.
        'Cache-Control': isPublic ? 'public, max-age=86400' : 'private, no-cache',
      },
      missing: coverNotFound,
    });
  });

  return router;
}
