import type { Request } from 'express';
import { z } from 'zod';
import type { RequestMeta } from '../services/deps';

/** Where a request came from, for the records services keep. */
export function requestMeta(req: Request): RequestMeta {
  return { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** A path parameter that is a database id. */
export const idParams = z.object({ id: z.string().regex(/^[1-9]\d{0,9}$/, 'must be a positive integer').transform(Number) }).refine(
  (p) => p.id <= 2_147_483_647,
  { message: 'is out of range', path: ['id'] },
);

/** An address as typed: trimmed, at most 254 characters, of email form. */
export const emailField = z.string().trim().max(254).pipe(z.email());
