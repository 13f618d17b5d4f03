import type { RequestHandler } from 'express';
import type { z } from 'zod';

/**
 * What the API description says of one route, next to the route itself:
 * the same zod schemas its handler validates with, and the shape of its
 * answer where one is declared (test/integration/openapi.test.ts checks the
 * route really answers that).
 */
export interface ApiDoc {
  summary: string;
  /** Who may call it: `anyone`, `signed in`, `artist`, `admin`, `owner`, … */
  access: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** A multipart upload: its file field (and the other fields, described in the summary). */
  upload?: { field: string };
  /** The success answer: its status, and its JSON shape or content type. */
  response?: { status: number; schema?: z.ZodType; contentType?: string };
}

export type DocumentedHandler = RequestHandler & { apiDoc: ApiDoc };

/**
 * A route's description, as the first handler of the route: it passes every
 * request straight on, and the API description (routes/openapi.ts) reads it
 * from the router.
 */
export function doc(apiDoc: ApiDoc): DocumentedHandler {
  const pass: RequestHandler = (_req, _res, next) => next();
  return Object.assign(pass, { apiDoc });
}
