import { ERROR_CATALOGUE } from '../../lib/error-catalogue';
import type { RequestHandler } from 'express';

/**
 * Every request gets an answer started within `ms`: if none has begun by
 * then (the database or another dependency is stuck), it is answered 503
 * `request_timeout` and whatever the handler sends later is dropped (the
 * error handler sees the response already ended). Only the start is bounded:
 * a long download that has begun is not cut. Multipart uploads are left
 * alone — reading a large body legitimately takes longer; their waits on
 * dependencies are bounded by the pool's own timeouts.
 */
export function requestDeadline(ms: number): RequestHandler {
  return (req, res, next) => {
    if (req.is('multipart/form-data')) return next();
    const timer = setTimeout(() => {
      if (res.headersSent || res.destroyed) return;
      req.log.warn({ ms, url: req.path }, 'request deadline passed; answering 503');
      res
        .status(503)
        .set({ 'Retry-After': '5', 'Cache-Control': 'no-store' })
        .json({ error: { code: 'request_timeout', message: ERROR_CATALOGUE.request_timeout.message } });
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    res.once('finish', () => clearTimeout(timer));
    next();
  };
}
