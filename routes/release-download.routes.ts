import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Router } from 'express';
import yazl from 'yazl';
import { z } from 'zod';
import { DOWNLOAD_FORMATS } from '../contract/api';
import { parseInput } from '../lib/errors';
import { releaseDownload } from '../services/renditions/release-download.service';
import type { RouteDeps } from './deps';
import { idParam } from './request';

const downloadQuery = z.object({ format: z.enum(DOWNLOAD_FORMATS).default('original') }).strict();

/** A whole release as a ZIP, streamed from the stored files (audio is compressed already: entries are stored, not deflated). */
export function releaseDownloadRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get('/api/releases/:id/download', async (req, res) => {
    const { format } = parseInput(downloadQuery, req.query, 'query');
    const result = await releaseDownload(deps, req.actor, idParam(req), format);
    if ('preparing' in result) {
      const { ready, total } = result.preparing;
      return void res
        .status(202)
        .set({ 'Retry-After': '3', 'Cache-Control': 'no-store' })
        .json({ status: 'preparing', format, ready, total });
    }
    const zip = new yazl.ZipFile();
    const streams: Readable[] = [];
    for (const entry of result.zip.entries) {
      const stream = deps.storage.createReadStream(entry.key);
      streams.push(stream);
      zip.addReadStream(stream, entry.name, { compress: false });
    }
    zip.end();
    res.set({ 'Content-Type': 'application/zip', 'Cache-Control': 'private, no-store' }).attachment(result.zip.filename);
    try {
      await pipeline(zip.outputStream, res);
    } finally {
      // A client that hung up: every file the archive had open is closed at once.
      for (const stream of streams) stream.destroy();
    }
  });

  return router;
}
