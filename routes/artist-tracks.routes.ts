import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { requestedPage, presentPage } from './pagination';
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
import { presentManagedTrack } from './track.presenter';

const price = z
  .string()
  .trim()
  .regex(/^\d{1,4}(\.\d{1,2})?$/, 'must be a price in euros like "1.29" (0 to 9999.99)');
const previewSeconds = z.coerce.number().int().min(0).max(600);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));

// Multipart fields arrive as strings.
const uploadFields = z.object({
  name: z.string().trim().min(1).max(100),
  genre: optionalText(50),
  description: optionalText(5000),
  priceEur: price.default('0.99'),
  isFree: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  freePreviewDuration: previewSeconds.default(40),
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
    priceEur: price,
    isFree: z.boolean(),
    isPublished: z.boolean(),
    freePreviewDuration: z.number().int().min(0).max(600),
  })
  .partial()
  .strict();

/** The artist studio's API: upload, list, edit, publish and delete one's tracks. */
export function artistTrackRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.post(
    '/api/artist/tracks',
    audioUpload(path.join(deps.config.uploadDir, 'incoming'), deps.config.maxUploadBytes),
    async (req, res) => {
      const fields = parseInput(uploadFields, req.body, 'body');
      const files = req.files as Record<string, Express.Multer.File[]>;
      const track = await createTrack(deps, req.actor, { fields, audioPath: files.audio![0]!.path, coverPath: files.cover?.[0]?.path });
      res.status(201).json({ track: presentManagedTrack(track) });
    },
  );

  router.get('/api/artist/tracks', async (req, res) => {
    const page = requestedPage(req, 50);
    const { tracks, total } = await listManagedTracks(deps, req.actor, page);
    res.set('Cache-Control', 'no-store').json({ tracks: tracks.map(presentManagedTrack), ...presentPage(page, total) });
  });

  router.patch('/api/artist/tracks/:id', async (req, res) => {
    const edit = parseInput(editBody, req.body, 'body');
    res.json({ track: presentManagedTrack(await updateManagedTrack(deps, req.actor, idParam(req), edit)) });
  });

  router.put('/api/artist/tracks/:id/cover', singleFileInMemory('cover', COVER_MAX_BYTES), async (req, res) => {
    res.json({ track: presentManagedTrack(await replaceManagedCover(deps, req.actor, idParam(req), req.file!.buffer)) });
  });

  router.delete('/api/artist/tracks/:id/cover', async (req, res) => {
    res.json({ track: presentManagedTrack(await replaceManagedCover(deps, req.actor, idParam(req), null)) });
  });

  router.delete('/api/artist/tracks/:id', async (req, res) => {
    await deleteManagedTrack(deps, req.actor, idParam(req));
    res.status(204).end();
  });

  return router;
}
