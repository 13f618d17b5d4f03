import { Router } from 'express';
import { z } from 'zod';
import { parseInput } from '../lib/errors';
import { singleFileInMemory } from '../server/middleware/upload';
import { addReleaseExtra, EXTRA_MAX_BYTES, listManagedExtras, removeReleaseExtra } from '../services/catalog/release-extras.service';
import type { RouteDeps } from './deps';
import { presentExtra } from './release.presenter';
import { idParam, idString } from './request';
import { doc } from './api-doc';

const extraParams = z.object({ id: idString, extraId: idString });
const extraFields = z.object({ name: z.string().trim().min(1).max(120).optional() }).strict();

/** The files an artist attaches to a release (a PDF booklet, images), which go into its ZIPs. */
export function releaseExtrasRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/artist/releases/:id/extras',
    doc({ summary: "A release's extras (PDFs, images)", access: 'artist' }),
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ extras: (await listManagedExtras(deps, req.actor, idParam(req))).map(presentExtra) });
    },
  );

  // multipart: `file`, and `name` (else the file's own name); the type comes from the bytes.
  router.post(
    '/api/artist/releases/:id/extras',
    doc({
      summary: 'Upload an extra to a release',
      access: 'artist',
      body: extraFields,
      response: { status: 201 },
      upload: { field: 'file' },
    }),
    singleFileInMemory('file', EXTRA_MAX_BYTES),
    async (req, res) => {
      const { name } = parseInput(extraFields, req.body, 'body');
      const file = req.file!;
      const extra = await addReleaseExtra(deps, req.actor, idParam(req), { bytes: file.buffer, name: name ?? file.originalname });
      res.status(201).json({ extra: presentExtra(extra) });
    },
  );

  router.delete(
    '/api/artist/releases/:id/extras/:extraId',
    doc({ summary: 'Remove an extra', access: 'artist', response: { status: 204 } }),
    async (req, res) => {
      const { id, extraId } = parseInput(extraParams, req.params, 'params');
      await removeReleaseExtra(deps, req.actor, id, extraId);
      res.status(204).end();
    },
  );

  return router;
}
