import type { Request, RequestHandler } from 'express';
import { resolveSession } from '../../services/auth/sessions.service';
import type { RouteDeps } from '../../routes/deps';
import { parseCookies, sessionCookieName } from '../cookies';
import '../http-types';

/**
 * Puts the session's actor (if any) on the request, for handlers to pass to
 * services. Requests for which `cacheFor` says so may use the access cache
 * (the audio routes: many range requests per playback).
 */
export function loadSession(deps: RouteDeps, options: { cacheFor?: (req: Request) => boolean } = {}): RequestHandler {
  const name = sessionCookieName(deps.config);
  return async (req, _res, next) => {
    const token = parseCookies(req.headers.cookie).get(name);
    if (token) {
      req.sessionToken = token;
      req.actor = await resolveSession(deps, token, { cached: options.cacheFor?.(req) ?? false });
    }
    next();
  };
}
