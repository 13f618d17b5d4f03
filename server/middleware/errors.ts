import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, fromPgError, isDatabaseUnavailable, fail, StorageUnavailable } from '../../lib/errors';
import '../http-types';

/** Headers describing a route's own answer, dropped when an error is sent instead. */
const REPRESENTATION_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'content-disposition',
  'content-encoding',
  'etag',
  'last-modified',
  'accept-ranges',
  'cache-control',
  'x-play-token',
];

/** JSON 404 for every route nobody answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(fail('route_not_found', { message: `No route for ${req.method} ${req.path}.` }));
};

/** Errors raised by express's own body parsers, keyed by their `type`. */
function fromBodyParserError(err: { type?: unknown; limit?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return fail('invalid_json');
    case 'entity.too.large':
      return fail('payload_too_large', { message: `The request body is larger than ${String(err.limit)} bytes.` });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return fail('unsupported_encoding');
    case 'request.aborted':
    case 'request.size.invalid':
      return fail('bad_request_body');
    default:
      return undefined;
  }
}

/**
 * The one place errors become responses: `{ error: { code, message } }`.
 * Client mistakes keep their status and code; the database being down is a
 * 503; anything else is logged with the request id and answered with a
 * generic 500 that reveals nothing.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.writableEnded) {
    // Answered already (the request deadline's 503): what the handler did afterwards is moot.
    req.log.debug({ err }, 'error after the response ended');
    return;
  }
  const known = err instanceof AppError ? err : (fromBodyParserError(err as object) ?? fromPgError(err) ?? undefined);
  let appError: AppError;
  if (known) {
    appError = known;
    if (appError.status >= 500) req.log.error({ err }, 'request failed');
  } else if (err instanceof StorageUnavailable) {
    req.log.error({ err }, 'file store unavailable');
    appError = fail('storage_unavailable', { headers: { 'Retry-After': '5' } });
  } else if (isDatabaseUnavailable(err)) {
    req.log.error({ err }, 'database unavailable');
    appError = fail('service_unavailable');
  } else {
    req.log.error({ err }, 'unhandled error');
    appError = fail('internal_error', { message: `Something went wrong on our side (request ${req.id}).` });
  }
  if (res.headersSent) {
    // A stream failed mid-response: the status is gone, so just cut the connection.
    res.destroy();
    return;
  }
  // What the route had said about the answer it meant to send (an audio file's type, length, range,
  // validators, caching) is not true of this error: the error is JSON, never stored.
  for (const name of REPRESENTATION_HEADERS) res.removeHeader(name);
  for (const [name, value] of Object.entries(appError.headers ?? {})) res.setHeader(name, value);
  res.status(appError.status).json({
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.details !== undefined ? { details: appError.details } : {}),
    },
  });
};
