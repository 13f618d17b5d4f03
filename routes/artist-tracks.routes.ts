import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { pageQuery, presentPage, requestedPage } from './pagination';
import { createTrack } from '../services/catalog/track-upload.service';
import { COVER_MAX_BYTES } from '../services/catalog/track-files';
import {
  deleteManagedTrack,
  listManagedTracks,
  replaceManagedCover,
  updateManagedTrack,
} from '../services/catalog/track-management.service';
import type { RouteDeps } from './deps';
import { parseInput } from '../lib/errors';
import { audioUpload, singleFileInMemory } from '../server/middleware/upload';
import { idParam } from './request';
import { isrc, license, offerFields, optionalOfferFields, optionalText, splitOffer, tags } from './catalog-fields';

const previewSeconds = z.coerce.number().int().min(0).max(600);
import { presentManagedTrack } from './track.presenter';
import { doc } from './api-doc';

// Multipart fields arrive as strings.
const uploadFields = z.object({
  name: z.string().trim().min(1).max(100),
  genre: optionalText(50),
  description: optionalText(5000),
  ...optionalOfferFields,
  isFree: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  freePreviewDuration: previewSeconds.default(40),
  lyrics: optionalText(20000),
  isrc: isrc.optional().transform((v) => v ?? null),
  credits: optionalText(5000),
  license: license.default('all-rights-reserved'),
  tags: tags.default([]),
});

const editBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    genre: z
      .string()
      .trim()
      .max(50)
      .nullable()
      .transform((v) => (v ? v : null)),
    description: z
      .string()
      .trim()
      .max(5000)
      .nullable()
      .transform((v) => (v ? v : null)),
    ...offerFields,
    isFree: z.boolean(),
    isPublished: z.boolean(),
    freePreviewDuration: z.number().int().min(0).max(600),
    lyrics: optionalText(20000),
    isrc,
    credits: optionalText(5000),
    license,
    tags,
  })
  .partial()
  .strict();

/** A title from an uploaded file's name when the form sends none: "03 - Night Drive.flac" → "03 - Night Drive". */
function titleFromFileName(name: string): string {
  return (
    name
      .replace(/\.[a-z0-9]{1,5}$/i, '')
      .replace(/_/g, ' ')
      .trim()
      .slice(0, 100) || 'Untitled'
  );
}

/** The artist studio's API: upload, list, edit, publish and delete one's tracks. */
export function artistTrackRoutes(deps: RouteDeps): Router {
  const router = Router();

  const upload = audioUpload(path.join(deps.config.uploadDir, 'incoming'), deps.config.maxUploadBytes);
  /** One audio file (and optionally a cover) becomes a draft track; into a release, it is added at its end. */
  const createFromUpload = (releaseOf: (req: Request) => number | undefined) => async (req: Request, res: Response) => {
    const files = req.files as Record<string, Express.Multer.File[]>;
    const audio = files.audio![0]!;
    const { offer, rest } = splitOffer(parseInput(uploadFields, { name: titleFromFileName(audio.originalname), ...req.body }, 'body'));
    const { isFree, ...fields } = rest;
    const track = await createTrack(deps, req.actor, {
      fields: { ...fields, offer: { ...offer, isFree } },
      audioPath: audio.path,
      coverPath: files.cover?.[0]?.path,
      releaseId: releaseOf(req),
    });
    res.status(201).json({ track: presentManagedTrack(track) });
  };
  router.post(
    '/api/artist/tracks',
    doc({
      summary: 'Upload a track (multipart: file, cover, fields)',
      access: 'artist',
      response: { status: 201 },
      upload: { field: 'file' },
    }),
    upload,
    createFromUpload(() => undefined),
  );
  router.post(
    '/api/artist/releases/:id/tracks',
    doc({ summary: 'Upload a track into a release', access: 'artist', response: { status: 201 }, upload: { field: 'file' } }),
    upload,
    createFromUpload(idParam),
  );

  router.get(
    '/api/artist/tracks',
    doc({ summary: "My tracks (an admin: everyone's)", access: 'artist', query: pageQuery }),
    async (req, res) => {
      const page = requestedPage(req, 50);
      const { tracks, total } = await listManagedTracks(deps, req.actor, page);
      res.set('Cache-Control', 'no-store').json({ tracks: tracks.map(presentManagedTrack), ...presentPage(page, total) });
    },
  );

  router.patch('/api/artist/tracks/:id', doc({ summary: 'Change a track', access: 'artist', body: editBody }), async (req, res) => {
    const { offer, rest } = splitOffer(parseInput(editBody, req.body, 'body'));
    const { isFree, ...edit } = rest;
    res.json({
      track: presentManagedTrack(await updateManagedTrack(deps, req.actor, idParam(req), { ...edit, offer: { ...offer, isFree } })),
    });
  });

  router.put(
    '/api/artist/tracks/:id/cover',
    doc({ summary: "Upload a track's cover", access: 'artist', upload: { field: 'file' } }),
    singleFileInMemory('cover', COVER_MAX_BYTES),
    async (req, res) => {
      res.json({ track: presentManagedTrack(await replaceManagedCover(deps, req.actor, idParam(req), req.file!.buffer)) });
    },
  );

  router.delete('/api/artist/tracks/:id/cover', doc({ summary: "Remove a track's cover", access: 'artist' }), async (req, res) => {
    res.json({ track: presentManagedTrack(await replaceManagedCover(deps, req.actor, idParam(req), null)) });
  });

  router.delete(
    '/api/artist/tracks/:id',
    doc({ summary: 'Delete a track (buyers keep it)', access: 'artist', response: { status: 204 } }),
    async (req, res) => {
      await deleteManagedTrack(deps, req.actor, idParam(req));
      res.status(204).end();
    },
  );

  return router;
}
