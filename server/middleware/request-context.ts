import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger';
import { redactUrl } from '../../lib/logger';
import { requestIds } from '../fatal';
import '../http-types';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Probes and scrapes, answered many times a minute: logged at debug, so they do not drown the requests. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** How a request ended, for whoever observes requests (the metrics). */
export interface RequestEnd {
  status: number;
  seconds: number;
  /** Sent on the connection for this request, headers included. */
  bytes: number;
  outcome: 'finished' | 'aborted' | 'cut';
}

/** Told of each request as it starts; the function it returns is told how it ended. */
export type RequestObserver = (req: Request) => (end: RequestEnd) => void;

/** Set once the server is stopping: a request cut then is logged as such, not as the client's doing. */
let stopping = false;
export const markStopping = () => void (stopping = true);

/**
 * Gives each request an id (echoed as X-Request-Id), a child logger bound to
 * it, and one access-log line when the request ends however it ends —
 * `finished`, `aborted` (the client went away first: a listener who skipped
 * or paused for good) or `cut` (by shutdown) — with the client's address
 * (after TRUST_PROXY), the user, the status, the bytes sent and the limit
 * that answered a 429. The logged URL has its secret query values
 * (magic-link tokens and the like) redacted.
 */
export function requestContext(logger: Logger, observe?: RequestObserver): RequestHandler {
  return (req, res, next) => {
    const ended = observe?.(req);
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
    req.log = logger.child({ reqId: req.id });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    // Bytes on this connection so far (a keep-alive connection carries many requests).
    const socket = req.socket;
    const sentBefore = socket.bytesWritten;
    res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const outcome = res.writableFinished ? 'finished' : stopping ? 'cut' : 'aborted';
      const bytes = socket.bytesWritten - sentBefore;
      ended?.({ status: res.statusCode, seconds: ms / 1000, bytes, outcome });
      const line = {
        method: req.method,
        url: redactUrl(req.originalUrl),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        bytes,
        ip: req.ip,
        user: req.actor?.userId ?? null,
        ...(res.statusCode === 429 && res.locals.limit ? { limit: res.locals.limit as string } : {}),
        ...(outcome === 'finished' ? {} : { outcome }),
      };
      if (outcome !== 'finished') req.log.warn(line, 'request');
      else if (PROBES.has(req.path)) req.log.debug(line, 'request');
      else req.log.info(line, 'request');
    });
    // Everything this request sets off runs with its id, so an unhandled error names it.
    requestIds.run(req.id, next);
  };
}
