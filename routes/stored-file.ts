import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Storage } from '../services/storage/storage';
import type { AppError } from '../lib/errors';

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT';

/**
 * Sends a stored file that is not audio (cover art, theme assets). The file
 * may vanish at any moment (its owner replaced it): until the first byte is
 * read that is `missing()` for this request; after it, the response is cut.
 * A read error ends this response, never the process, and a client that
 * hangs up closes the file at once.
 */
export async function sendStoredFile(
  storage: Storage,
  req: Request,
  res: Response,
  file: { key: string; headers: Record<string, string>; missing: () => AppError },
): Promise<void> {
  let size: number;
  try {
    size = await storage.size(file.key);
  } catch (err) {
    throw isMissing(err) ? file.missing() : err;
  }
  const stream = storage.createReadStream(file.key);
  try {
    // Opened (or its first bytes arrived): from here the file is ours even if it is replaced.
    await once(stream, 'readable');
  } catch (err) {
    stream.destroy();
    throw isMissing(err) ? file.missing() : err;
  }
  res.set({ ...file.headers, 'Content-Length': String(size) });
  if (req.method === 'HEAD') {
    stream.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(stream, res);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed) return;
    throw err;
  }
}

const IMAGE_EXT = /\.(png|jpg|webp)$/;

/**
 * Sends a stored image (cover art, an avatar) under a versioned URL (its
 * link carries ?v= of this exact file), cached publicly for a day when
 * everyone may see it, privately otherwise.
 */
export async function sendImage(
  storage: Storage,
  req: Request,
  res: Response,
  image: { key: string; mime: string | null; isPublic: boolean; missing: () => AppError },
): Promise<void> {
  if (!IMAGE_EXT.test(image.key)) throw image.missing();
  await sendStoredFile(storage, req, res, {
    key: image.key,
    headers: {
      'Content-Type': image.mime ?? 'application/octet-stream',
      'Cache-Control': image.isPublic ? 'public, max-age=86400' : 'private, no-cache',
    },
    missing: image.missing,
  });
}
