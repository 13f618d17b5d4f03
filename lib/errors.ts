import { z } from 'zod';
import type { ErrorCode, TokenErrorCode } from '../contract/errors';
import { ERROR_CATALOGUE } from './error-catalogue';

/**
 * The error model. Every failure a client can cause is an AppError with an
 * HTTP status, a stable machine-readable `code` from the catalogue
 * (lib/error-catalogue.ts) and a message safe to show. Anything else is a
 * bug: logged with the request id and answered with a generic 500 by the
 * error middleware.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode | TokenErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers?: Record<string, string>,
    status?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status ?? ERROR_CATALOGUE[code as ErrorCode].status;
  }
}

export interface FailOptions {
  /** A more precise message than the catalogue's (the limit that was hit, what to do). */
  message?: string;
  details?: unknown;
  headers?: Record<string, string>;
  /** What went wrong underneath (logged with a 5xx, never sent to the client). */
  cause?: unknown;
}

/** The error a code names, with the catalogue's status and message. */
export function fail(code: ErrorCode, options: FailOptions = {}): AppError {
  const error = new AppError(code, options.message ?? ERROR_CATALOGUE[code].message, options.details, options.headers);
  if (options.cause !== undefined) error.cause = options.cause;
  return error;
}

// The errors raised in many places, each with its one message.
export const unauthorized = (message?: string) => fail('unauthenticated', { message });
export const forbidden = () => fail('forbidden');
export const trackNotFound = () => fail('track_not_found');
export const releaseNotFound = () => fail('release_not_found');
export const orderNotFound = () => fail('order_not_found');
export const userNotFound = () => fail('user_not_found');
export const coverNotFound = () => fail('cover_not_found');
export const purchaseRequired = () => fail('purchase_required');
export const previewUnavailable = () => fail('preview_unavailable');
export const alreadyOwned = (message?: string) => fail('already_owned', { message });
export const accountDisabled = () => fail('account_disabled');
export const serviceUnavailable = (message?: string) => fail('service_unavailable', { message });

export interface FieldIssue {
  path: string;
  message: string;
}

/** A 400 `validation_failed` listing each bad field. */
export function validationError(error: z.ZodError, where: string): AppError {
  const issues: FieldIssue[] = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || where,
    message: issue.message,
  }));
  const first = issues[0];
  return fail('validation_failed', {
    message: first ? `Invalid ${where}: ${first.path}: ${first.message}` : `Invalid ${where}.`,
    details: { issues },
  });
}

/**
 * Where the first NUL character sits in a request part (a string, an
 * object's key or value, at any depth), as a dotted path ("" for the part
 * itself), or undefined when there is none. No text column can store NUL,
 * so such input is refused before it reaches a service. Walked without
 * recursion: bodies may nest deeply.
 */
function pathOfNul(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return path;
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        const at = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return at;
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

/**
 * Parses a request part with a zod schema; any NUL character is refused first.
 * @throws AppError 400 validation_failed naming every bad field.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const nul = pathOfNul(value);
  if (nul !== undefined) {
    const path = nul || where;
    throw fail('validation_failed', {
      message: `Invalid ${where}: ${path}: must not contain a NUL character`,
      details: { issues: [{ path, message: 'must not contain a NUL character' }] },
    });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

interface PgLikeError {
  code?: unknown;
  constraint?: unknown;
  severity?: unknown;
}

/**
 * Translates the PostgreSQL errors that a client's input can cause into
 * AppErrors; this is the only place that knows SQLSTATE codes. Returns
 * undefined for anything else (a bug or an outage: a 500 or 503).
 */
export function fromPgError(err: unknown): AppError | undefined {
  const e = err as PgLikeError;
  if (typeof e?.code !== 'string' || typeof e.severity !== 'string') return undefined;
  const constraint = typeof e.constraint === 'string' ? e.constraint : undefined;
  const details = constraint ? { constraint } : undefined;
  switch (e.code) {
    case '23505':
      return fail('already_exists', { details });
    case '23503':
      return fail('reference_invalid', { details });
    case '23514':
      return fail('constraint_violation', { details });
    case '23502':
      return fail('value_required', { details });
    case '22001':
      return fail('value_too_long');
    case '22021': // invalid byte sequence (a NUL that reached a text column)
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
      return fail('invalid_value');
    default:
      return undefined;
  }
}

/**
 * The file store (an S3-compatible server) did not answer in time, could not
 * be reached or failed on its side: answered 503 `storage_unavailable`
 * (try again), never a 500, and nothing is half-written.
 */
export class StorageUnavailable extends Error {
  override name = 'StorageUnavailable';
}

/** Errors that mean the database cannot be reached: answered 503, not 500. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // 57014: a statement ran into statement_timeout; 57P01/57P03: the server is stopping or starting.
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === '57014' ||
    code === '57P01' ||
    code === '57P03'
  ) {
    return true;
  }
  // pg's own messages when it gives up waiting: to connect, for an answer, or on a dead socket.
  return err instanceof Error && /timeout exceeded when trying to connect|Query read timeout|Connection terminated/i.test(err.message);
}
