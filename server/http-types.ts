import type { Logger } from './logger';

// Fields the request-id middleware adds to every request.
declare module 'express-serve-static-core' {
  interface Request {
    /** The request id: the caller's X-Request-Id when well-formed, else a new UUID. */
    id: string;
    /** The process logger bound to this request's id. */
    log: Logger;
  }
}

export {};
