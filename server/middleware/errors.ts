import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, fromPgError, isDatabaseUnavailable, notFound } from '../../lib/errors';
import '../http-types';

/** JSON 404 for every route nobody answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound('route_not_found', `No route for ${req.method} ${req.path}.`));
};

/** Errors raised by express's own body parsers, keyed by their `type`. */
function fromBodyParserError(err: { type?: unknown; limit?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new AppError(413, 'payload_too_large', `The request body is larger than ${String(err.limit)} bytes.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'The request body encoding is not supported.');
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError(400, 'bad_request_body', 'The request body was incomplete.');
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
  } else if (isDatabaseUnavailable(err)) {
    req.log.error({ err }, 'database unavailable');
    appError = new AppError(503, 'service_unavailable', 'The service is temporarily unavailable. Try again shortly.');
  } else {
    req.log.error({ err }, 'unhandled error');
    appError = new AppError(500, 'internal_error', `Something went wrong on our side (request ${req.id}).`);
  }
  if (res.headersSent) {
    // A stream failed mid-response: the status is gone, so just cut the connection.
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(appError.headers ?? {})) res.setHeader(name, value);
  res.status(appError.status).json({
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.details !== undefined ? { details: appError.details } : {}),
    },
  });
};
