import { Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../lib/errors';
import { myArtistProfile, replaceMyAvatar, updateMyArtistProfile } from '../services/catalog/artist-profile.service';
import {
  createRelease,
  deleteManagedRelease,
  getManagedRelease,
  listManagedReleases,
  MAX_RELEASE_TRACKS,
  replaceReleaseCover,
  setManagedReleaseTracks,
  updateManagedRelease,
  type ReleaseWithTracks,
} from '../services/catalog/releases.service';
import { COVER_MAX_BYTES } from '../services/catalog/track-files';
import { singleFileInMemory } from '../server/middleware/upload';
import {
  calendarDate,
  httpsUrl,
  offerFields,
  optionalOfferFields,
  optionalText,
  releaseType,
  splitOffer,
  tags,
  upc,
} from './catalog-fields';
import type { RouteDeps } from './deps';
import { pageQuery, presentPage, requestedPage } from './pagination';
import { presentArtist, presentManagedRelease, presentRelease } from './release.presenter';
import { idParam, idString } from './request';
import { doc } from './api-doc';

const releaseFields = {
  title: z.string().trim().min(1).max(200),
  type: releaseType,
  description: optionalText(5000),
  credits: optionalText(5000),
  releaseDate: calendarDate,
  catalogueNumber: optionalText(50),
  upc,
  tags,
};

const createBody = z
  .object({
    ...releaseFields,
    type: releaseType.default('album'),
    releaseDate: calendarDate.default(null),
    upc: upc.default(null),
    tags: tags.default([]),
    ...optionalOfferFields,
  })
  .strict();

const editBody = z
  .object({
    ...releaseFields,
    ...offerFields,
    isPublished: z.boolean(),
    publishAt: z.iso
      .datetime({ offset: true })
      .transform((v) => new Date(v))
      .nullable(),
  })
  .partial()
  .strict();

const tracksBody = z
  .object({ trackIds: z.array(idString.or(z.number().int().positive().max(2_147_483_647))).max(MAX_RELEASE_TRACKS) })
  .strict();

const profileBody = z
  .object({
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .min(2)
      .max(60)
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'may hold lower-case letters, digits and single hyphens')
      .regex(/[a-z]/, 'needs a letter (an address of digits only would read as an account id)'),
    bio: optionalText(5000),
    location: optionalText(100),
    links: z.array(httpsUrl).max(10, 'at most 10 links'),
  })
  .partial()
  .strict();

/** The studio's fields take the API's names; the release's own record calls its type releaseType; the offer goes to the pricing rules. */
function toFields<T extends { type?: z.infer<typeof releaseType> } & Parameters<typeof splitOffer>[0]>(body: T) {
  const { offer, rest } = splitOffer(body);
  const { type, ...fields } = rest;
  return { ...fields, offer, ...(type !== undefined && { releaseType: type }) };
}

const managed = ({ release, tracks }: ReleaseWithTracks) => ({ release: presentManagedRelease(release, tracks) });

/** The studio's releases (create, edit, order, schedule, cover, delete) and the artist's own profile. */
export function artistReleaseRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/artist/releases',
    doc({ summary: "My releases (an admin: everyone's)", access: 'artist', query: pageQuery }),
    async (req, res) => {
      const page = requestedPage(req, 50);
      const { releases, total } = await listManagedReleases(deps, req.actor, page);
      res.set('Cache-Control', 'no-store').json({ releases: releases.map((r) => presentRelease(r)), ...presentPage(page, total) });
    },
  );

  router.post(
    '/api/artist/releases',
    doc({ summary: 'Create a release', access: 'artist', body: createBody, response: { status: 201 } }),
    async (req, res) => {
      const body = parseInput(createBody, req.body, 'body');
      const release = await createRelease(deps, req.actor, { ...toFields(body), releaseType: body.type });
      res.status(201).json(managed({ release, tracks: [] }));
    },
  );

  router.get('/api/artist/releases/:id', doc({ summary: 'One of my releases', access: 'artist' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json(managed(await getManagedRelease(deps, req.actor, idParam(req))));
  });

  router.patch(
    '/api/artist/releases/:id',
    doc({ summary: 'Change a release (publish, schedule, price, details)', access: 'artist', body: editBody }),
    async (req, res) => {
      const edit = toFields(parseInput(editBody, req.body, 'body'));
      res.json(managed(await updateManagedRelease(deps, req.actor, idParam(req), edit)));
    },
  );

  router.put(
    '/api/artist/releases/:id/tracks',
    doc({ summary: "Set a release's tracks and their order", access: 'artist', body: tracksBody }),
    async (req, res) => {
      const { trackIds } = parseInput(tracksBody, req.body, 'body');
      res.json(managed(await setManagedReleaseTracks(deps, req.actor, idParam(req), trackIds.map(Number))));
    },
  );

  router.put(
    '/api/artist/releases/:id/cover',
    doc({ summary: "Upload a release's cover", access: 'artist', upload: { field: 'file' } }),
    singleFileInMemory('cover', COVER_MAX_BYTES),
    async (req, res) => {
      res.json(managed(await replaceReleaseCover(deps, req.actor, idParam(req), req.file!.buffer)));
    },
  );

  router.delete('/api/artist/releases/:id/cover', doc({ summary: "Remove a release's cover", access: 'artist' }), async (req, res) => {
    res.json(managed(await replaceReleaseCover(deps, req.actor, idParam(req), null)));
  });

  router.delete(
    '/api/artist/releases/:id',
    doc({ summary: 'Delete a release (buyers keep it)', access: 'artist', response: { status: 204 } }),
    async (req, res) => {
      await deleteManagedRelease(deps, req.actor, idParam(req));
      res.status(204).end();
    },
  );

  router.get('/api/artist/profile', doc({ summary: 'My artist profile', access: 'artist' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ artist: presentArtist(await myArtistProfile(deps, req.actor)) });
  });

  router.patch(
    '/api/artist/profile',
    doc({ summary: 'Change my artist profile', access: 'artist', body: profileBody }),
    async (req, res) => {
      const edit = parseInput(profileBody, req.body, 'body');
      res.json({ artist: presentArtist(await updateMyArtistProfile(deps, req.actor, edit)) });
    },
  );

  router.put(
    '/api/artist/profile/avatar',
    doc({ summary: 'Upload my avatar', access: 'artist', upload: { field: 'file' } }),
    singleFileInMemory('avatar', COVER_MAX_BYTES),
    async (req, res) => {
      res.json({ artist: presentArtist(await replaceMyAvatar(deps, req.actor, req.file!.buffer)) });
    },
  );

  router.delete('/api/artist/profile/avatar', doc({ summary: 'Remove my avatar', access: 'artist' }), async (req, res) => {
    res.json({ artist: presentArtist(await replaceMyAvatar(deps, req.actor, null)) });
  });

  return router;
}
