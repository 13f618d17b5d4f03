import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, badRequest } from '../errors';

/**
 * One file from a multipart form, held in memory (only for small files such
 * as images; audio is streamed to disk). Multer's limit errors become 413 /
 * 400 in the error model, and a request without the file is 400.
 */
export function singleFileInMemory(field: string, maxBytes: number): RequestHandler {
  const parse = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 10_000 } }).single(field);
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next(badRequest('multipart_required', `Send the file as multipart/form-data in "${field}".`));
    parse(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, 'file_too_large', `The file is larger than ${maxBytes} bytes.`));
        return next(badRequest('bad_multipart', `The upload was not understood (${err.code}).`));
      }
      if (err) return next(badRequest('bad_multipart', 'The multipart body is malformed.'));
      if (!req.file) return next(badRequest('file_required', `Attach the file in the "${field}" field.`));
      next();
    });
  };
}
