import type { Actor } from '../services/actor';
import type { Logger } from '../lib/logger';

// Fields the request-id middleware adds to every request.
declare module 'express-serve-static-core' {
  interface Request {
    /** The request id: the caller's X-Request-Id when well-formed, else a new UUID. */
    id: string;
    /** The process logger bound to this request's id. */
    log: Logger;
    /** The signed-in user, when the session cookie names a live session. */
    actor?: Actor;
    /** The raw session token from the cookie, to end that session on sign-out. */
    sessionToken?: string;
  }
}

export {};
