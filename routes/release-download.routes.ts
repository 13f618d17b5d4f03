import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import { DOWNLOAD_FORMATS } from '../contract/api';
import { parseInput } from '../lib/errors';
import { releaseDownload } from '../services/renditions/release-download.service';
import { zipOf } from '../services/renditions/zip-archive';
import { sendRanged } from './audio-response';
import type { RouteDeps } from './deps';
import { idParam } from './request';
import { doc } from './api-doc';

const downloadQuery = z.object({ format: z.enum(DOWNLOAD_FORMATS).default('original') }).strict();

/** A whole release as a ZIP: the stored one when it is built, else streamed from the stored files. */
export function releaseDownloadRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get(
    '/api/releases/:id/download',
    doc({
      summary: 'Download a release as a ZIP in a format (202 while it is made)',
      access: 'owner',
      query: downloadQuery,
      response: { status: 200, contentType: 'application/zip' },
    }),
    async (req, res) => {
      const { format } = parseInput(downloadQuery, req.query, 'query');
      const result = await releaseDownload(deps, req.actor, idParam(req), format);
      if ('preparing' in result) {
        const { ready, total } = result.preparing;
        return void res
          .status(202)
          .set({ 'Retry-After': '3', 'Cache-Control': 'no-store' })
          .json({ status: 'preparing', format, ready, total });
      }
      if ('stored' in result) {
        // Built once and kept: sent like any stored file, so a broken download resumes with a range.
        const { key, sizeBytes, etag, createdAt, filename } = result.stored;
        res.set('Cache-Control', 'private, no-cache');
        return sendRanged(
          deps,
          req,
          res,
          { key, sizeBytes, mime: 'application/zip', etag, lastModified: createdAt },
          { attachment: filename },
        );
      }
      const archive = zipOf(deps.storage, result.zip.entries, result.zip.mtime);
      res.set({ 'Content-Type': 'application/zip', 'Cache-Control': 'private, no-store' }).attachment(result.zip.filename);
      try {
        await pipeline(archive.output, res);
      } finally {
        archive.close(); // a client that hung up: every file the archive had open is closed at once
      }
    },
  );

  return router;
}
