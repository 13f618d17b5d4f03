import type { Request } from 'express';
import { z } from 'zod';
import { emailAddress } from '../lib/email-address';
import { parseInput } from '../lib/errors';
import type { RequestMeta } from '../services/deps';

/** Where a request came from, for the records services keep. */
export function requestMeta(req: Request): RequestMeta {
  return { ipAddress: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
}

/** A database id written as a string (path parameter, query value): 1 to 2^31-1. */
export const idString = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a positive integer')
  .transform(Number)
  .refine((id) => id <= 2_147_483_647, 'is out of range');

/** A path parameter that is a database id. */
export const idParams = z.object({ id: idString });

/** The `:id` of a request's path, checked. */
export const idParam = (req: Request): number => parseInput(idParams, req.params, 'params').id;

/** An address as typed: trimmed, at most 254 characters, of email form (as browsers check it). */
export const emailField = emailAddress;

/** A moment as ISO 8601 with an offset (`2026-12-06T10:00:00Z`), as a Date. */
export const instantField = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
