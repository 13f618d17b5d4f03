import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../lib/logger';
import { redactUrl } from '../../lib/logger';
import { requestIds } from '../fatal';
import '../http-types';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives each request an id (echoed as X-Request-Id), a child logger bound to
 * it, and one access-log line when the response is done. The logged URL has
 * its secret query values (magic-link tokens and the like) redacted.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    req.log = logger.child({ reqId: req.id });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info(
        { method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    // Everything this request sets off runs with its id, so an unhandled error names it.
    requestIds.run(req.id, next);
  };
}
