import { z } from 'zod';
import type { ApiAuditEntry, ApiPasskey, ApiUser } from '../contract/api';
import { ERROR_CODES } from '../contract/errors';

/**
 * The JSON some routes answer, as zod schemas: the API description shows
 * them and test/integration/openapi.test.ts checks each route's real answer
 * against them (strict: a field the route sends that is not described fails
 * too). Each is checked against contract/api.ts's type below, so the
 * description, the contract and the presenters cannot drift apart.
 */

const instant = z.iso.datetime({ offset: true });

export const userSchema = z.strictObject({
  id: z.number().int(),
  email: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(['user', 'artist', 'admin']),
  isActive: z.boolean(),
  createdAt: instant,
  lastLogin: instant.nullable(),
  erasedAt: instant.nullable(),
});

export const passkeySchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  transports: z.array(z.string()),
  createdAt: instant,
  lastUsed: instant.nullable(),
});

export const auditEntrySchema = z.strictObject({
  id: z.number().int(),
  at: instant,
  actor: z.strictObject({ kind: z.enum(['user', 'cli', 'provider', 'system']), userId: z.number().int().nullable() }),
  action: z.string(),
  target: z.strictObject({ type: z.string(), id: z.string().nullable() }),
  changes: z.record(z.string(), z.unknown()),
});

/** What every paginated answer carries beside its rows. */
const pageEnvelope = { page: z.number().int(), pageSize: z.number().int(), limit: z.number().int(), total: z.number().int() };

export const responses = {
  health: z.strictObject({ status: z.literal('ok') }),
  version: z.strictObject({
    version: z.string(),
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .nullable(),
  }),
  session: z.strictObject({ user: userSchema.nullable() }),
  user: z.strictObject({ user: userSchema }),
  users: z.strictObject({ users: z.array(userSchema), ...pageEnvelope }),
  passkeys: z.strictObject({ passkeys: z.array(passkeySchema) }),
  passkey: z.strictObject({ passkey: passkeySchema }),
  audit: z.strictObject({ entries: z.array(auditEntrySchema), ...pageEnvelope }),
  genres: z.strictObject({ genres: z.array(z.strictObject({ genre: z.string(), tracks: z.number().int() })) }),
  emailChange: z.strictObject({ status: z.literal('confirmation_sent') }),
  emailConfirmed: z.strictObject({ userId: z.number().int(), email: z.string() }),
};

/** Every error answer: a stable code from the catalogue, a message, and sometimes details. */
export const errorSchema = z.strictObject({
  error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
});

// The schemas describe exactly the contract's types (a compile-time check; nothing runs).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const contractChecks: [
  Same<z.infer<typeof userSchema>, ApiUser>,
  Same<z.infer<typeof passkeySchema>, ApiPasskey>,
  Same<z.infer<typeof auditEntrySchema>, ApiAuditEntry>,
] = [true, true, true];
