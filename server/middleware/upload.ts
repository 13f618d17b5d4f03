import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { UPLOAD_TEMP_SUFFIX } from '../../services/storage/temp-files';
import { fail } from '../../lib/errors';

/**
 * One file from a multipart form, held in memory (only for small files such
 * as images; audio is streamed to disk). Multer's limit errors become 413 /
 * 400 in the error model, and a request without the file is 400.
 */
export function singleFileInMemory(field: string, maxBytes: number): RequestHandler {
  const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 10_000 } }).single(
    field,
  );
  return (req, res, next) => {
    if (!req.is('multipart/form-data'))
      return next(fail('multipart_required', { message: `Send the file as multipart/form-data in "${field}".` }));
    parse(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(fail('file_too_large', { message: `The file is larger than ${maxBytes} bytes.` }));
        return next(fail('bad_multipart', { message: `The upload was not understood (${err.code}).` }));
      }
      if (err) return next(fail('bad_multipart'));
      if (!req.file) return next(fail('file_required', { message: `Attach the file in the "${field}" field.` }));
      next();
    });
  };
}

/**
 * An audio upload: the `audio` file and an optional `cover`, streamed by
 * multer to random names under `dir` (never held in memory), with the size
 * limit enforced while streaming (413). The temporary files are removed when
 * the response ends, whatever happened (a client that hangs up mid-upload
 * included); a service that keeps a file moves it away first. Files left by
 * a crash are swept by the cleanup job (services/storage/temp-files.ts).
 */
export function audioUpload(dir: string, maxBytes: number): RequestHandler {
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next(fail('multipart_required', { message: 'Send the track as multipart/form-data.' }));
    // Every temporary file this request made, by the name chosen here: multer's
    // own list lacks a file still streaming when the client hangs up.
    const written = new Set<string>();
    let closed = false;
    const cleanup = () => {
      for (const file of written) fs.promises.rm(file, { force: true }).catch(() => undefined);
      written.clear();
    };
    res.once('close', () => {
      closed = true;
      cleanup();
    });
    const storage = multer.diskStorage({
      destination: (_req, _file, cb) => {
        fs.promises.mkdir(dir, { recursive: true }).then(
          () => cb(null, dir),
          (err: Error) => cb(err, dir),
        );
      },
      filename: (_req, _file, cb) => {
        // The client is gone: make no file that nobody would remove.
        if (closed) return cb(new Error('the request was closed'), '');
        const name = `${crypto.randomBytes(16).toString('hex')}${UPLOAD_TEMP_SUFFIX}`;
        written.add(path.join(dir, name));
        cb(null, name);
      },
    });
    const parse = multer({ storage, limits: { fileSize: maxBytes, files: 2, fields: 20, fieldSize: 10_000, parts: 30 } }).fields([
      { name: 'audio', maxCount: 1 },
      { name: 'cover', maxCount: 1 },
    ]);
    parse(req, res, (err: unknown) => {
      if (err) cleanup();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(fail('file_too_large', { message: `Files may be at most ${maxBytes} bytes.` }));
        return next(fail('bad_multipart', { message: `The upload was not understood (${err.code}).` }));
      }
      if (err) return next(fail('bad_multipart'));
      const files = (req.files ?? {}) as Record<string, Express.Multer.File[]>;
      if (!files.audio?.[0]) return next(fail('file_required', { message: 'Attach the audio file in the "audio" field.' }));
      next();
    });
  };
}
