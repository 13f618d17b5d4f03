import { Router } from 'express';
import { z } from 'zod';
import { RELEASE_TYPES, type ApiRelease, type ReleaseType } from '../contract/api';
import { coverNotFound, fail, parseInput } from '../lib/errors';
import { artistProfile, artistProfilePage } from '../services/catalog/artist-profile.service';
import { artistPage } from '../services/catalog/catalog.service';
import { browseReleases, getRelease, releaseCoverOf } from '../services/catalog/release-catalog.service';
import type { RouteDeps } from './deps';
import { listingFields, listingRequestOf, presentListing } from './pagination';
import { sendCatalogJson } from './catalog-response';
import { presentArtist, presentExtra, presentRelease } from './release.presenter';
import { idParam, idString } from './request';
import { sendImage } from './stored-file';
import { presentTrack } from './track.presenter';
import { doc } from './api-doc';

const releaseQuery = z
  .object({
    q: z.string().trim().max(100).optional(),
    tag: z.string().trim().toLowerCase().min(1).max(40).optional(),
    type: z.enum(RELEASE_TYPES).optional(),
    artist: idString.optional(),
    sort: z.enum(['newest', 'popular', 'price', 'release-date']).default('newest'),
    ...listingFields,
  })
  .strict();

/** Release grids hold a grid's worth of cards, as the track catalogue does. */
const RELEASE_PAGE = 24;

const artistPageQuery = z.object(listingFields);

const slugOrId = z.object({
  slugOrId: z
    .string()
    .min(1)
    .max(60)
    .regex(/^[a-z0-9-]+$/, 'is not an artist address'),
});

/** The store's releases and artist pages, and their images. */
export function releaseRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/releases',
    doc({ summary: 'Published releases: search, filter, sort, pages', access: 'anyone', query: releaseQuery }),
    async (req, res) => {
      const query = parseInput(releaseQuery, req.query, 'query');
      const filter = { search: query.q || undefined, tag: query.tag, type: query.type, artistUserId: query.artist, sort: query.sort };
      const request = listingRequestOf(query, RELEASE_PAGE);
      await sendCatalogJson(deps, req, res, JSON.stringify(['releases', filter, request]), async () => {
        const listing = await browseReleases(deps, filter, request);
        return { json: { releases: listing.items.map((r) => presentRelease(r)), ...presentListing(listing) } };
      });
    },
  );

  router.get('/api/releases/:id', doc({ summary: 'One published release with its tracks', access: 'anyone' }), async (req, res) => {
    const id = idParam(req);
    await sendCatalogJson(deps, req, res, `release:${id}`, async () => {
      const { release, tracks, extras, isPublic } = await getRelease(deps, req.actor, id);
      // A draft shown to its artist must not be kept by a shared cache.
      return { json: { release: { ...presentRelease(release, tracks), extras: extras.map(presentExtra) } }, isPublic };
    });
  });

  router.get(
    '/api/releases/:id/cover',
    doc({ summary: "A release's cover image", access: 'anyone', response: { status: 200, contentType: 'image/*' } }),
    async (req, res) => {
      await sendImage(deps.storage, req, res, { ...(await releaseCoverOf(deps, req.actor, idParam(req))), missing: coverNotFound });
    },
  );

  router.get(
    '/api/artists/:slugOrId',
    doc({ summary: "An artist's page: profile and releases", access: 'anyone', query: artistPageQuery }),
    async (req, res) => {
      const artist = parseInput(slugOrId, req.params, 'params').slugOrId;
      const request = listingRequestOf(parseInput(artistPageQuery, req.query, 'query'), RELEASE_PAGE);
      await sendCatalogJson(deps, req, res, JSON.stringify(['artist', artist, request]), async () => {
        const { profile, releases } = await artistProfilePage(deps, artist);
        const { tracks } = await artistPage(deps, profile.userId, request);
        const discography = Object.fromEntries(RELEASE_TYPES.map((type) => [type, [] as ApiRelease[]])) as Record<
          ReleaseType,
          ApiRelease[]
        >;
        for (const release of releases) discography[release.releaseType].push(presentRelease(release));
        return { json: { artist: presentArtist(profile), discography, tracks: tracks.items.map(presentTrack), ...presentListing(tracks) } };
      });
    },
  );

  router.get(
    '/api/artists/:id/avatar',
    doc({ summary: "An artist's avatar", access: 'anyone', response: { status: 200, contentType: 'image/*' } }),
    async (req, res) => {
      const profile = await artistProfile(deps, String(idParam(req)));
      if (!profile.avatarFilename) throw fail('cover_not_found', { message: 'This artist has no picture.' });
      await sendImage(deps.storage, req, res, {
        key: profile.avatarFilename,
        mime: profile.avatarMime,
        isPublic: true,
        missing: coverNotFound,
      });
    },
  );

  return router;
}
