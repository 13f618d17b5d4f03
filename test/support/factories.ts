import crypto from 'node:crypto';
import type { Queryable } from '../../db/pool';
import type { Storage } from '../../services/storage/storage';
import { insertTrack, type NewTrack, type Track } from '../../db/repos/tracks.repo';
import { insertUser, type NewUser, type User } from '../../db/repos/users.repo';

/** Unique suffixes, so factories never collide on unique columns. */
const unique = () => crypto.randomBytes(5).toString('hex');

export function buildUser(db: Queryable, overrides: Partial<NewUser> = {}): Promise<User> {
  const tag = unique();
  return insertUser(db, { email: `user-${tag}@example.test`, username: `user_${tag}`, role: 'user', ...overrides });
}

export function buildTrack(db: Queryable, overrides: Partial<NewTrack> = {}): Promise<Track> {
  const tag = unique();
  return insertTrack(db, {
    name: `Track ${tag}`,
    artist: 'Test Artist',
    artistUserId: null,
    genre: 'rock',
    audioFilename: `audio/${crypto.randomBytes(16).toString('hex')}.mp3`,
    priceEur: '0.99',
    durationSeconds: 120,
    fileSizeBytes: 1_000_000,
    isPublished: true,
    ...overrides,
  });
}

/** A completed order (or one in `status`) of `userId` for these tracks at these prices, with its items. */
export async function buildOrder(
  db: Queryable,
  order: {
    userId: number;
    /** Each line is a track or a whole release. */
    items: ({ trackId: number; price: string } | { releaseId: number; price: string })[];
    status?: 'CREATED' | 'PENDING' | 'COMPLETED' | 'FAILED' | 'REFUNDED';
  },
): Promise<{ id: number }> {
  const cents = order.items.reduce((sum, i) => sum + Math.round(Number(i.price) * 100), 0);
  const status = order.status ?? 'COMPLETED';
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO orders (user_id, paypal_order_id, amount, status, completed_at)
     VALUES ($1, $2, ($3::int / 100.0)::numeric(10,2), $4::varchar, CASE WHEN $4::varchar = 'COMPLETED' THEN now() END) RETURNING id`,
    [order.userId, `PP-${unique()}`, cents, status],
  );
  const id = rows[0]!.id;
  await db.query(
    `INSERT INTO order_items (order_id, track_id, release_id, price, minimum_price)
     SELECT $1, t, r, p, p FROM unnest($2::int[], $3::int[], $4::numeric[]) AS i(t, r, p)`,
    [
      id,
      order.items.map((i) => ('trackId' in i ? i.trackId : null)),
      order.items.map((i) => ('releaseId' in i ? i.releaseId : null)),
      order.items.map((i) => i.price),
    ],
  );
  return { id };
}

/** A purchase of a track (entitling unless revoked or expired), from an order or granted without one. */
export async function buildPurchase(
  db: Queryable,
  purchase: {
    userId: number;
    trackId: number;
    orderId?: number | null;
    revokedAt?: Date | null;
    expiresAt?: Date | null;
    licenseType?: string;
  },
): Promise<{ id: number }> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO purchases (user_id, track_id, order_id, license_type, revoked_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      purchase.userId,
      purchase.trackId,
      purchase.orderId ?? null,
      purchase.licenseType ?? 'personal',
      purchase.revokedAt ?? null,
      purchase.expiresAt ?? null,
    ],
  );
  return { id: rows[0]!.id };
}

/** A session row whose token nobody holds (for expiry and clean-up tests), valid until `expiresAt`. */
export async function buildSession(
  db: Queryable,
  session: { userId: number; expiresAt: Date; tokenHash?: string },
): Promise<{ tokenHash: string }> {
  const tokenHash = session.tokenHash ?? crypto.randomBytes(32).toString('hex');
  await db.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, [
    tokenHash,
    session.userId,
    session.expiresAt,
  ]);
  return { tokenHash };
}

/** A stored passkey of a user (a placeholder key: for listing, renaming and deleting, never for signing in). */
export async function buildPasskey(
  db: Queryable,
  passkey: { userId: number; name?: string },
): Promise<{ id: number; credentialId: string }> {
  const credentialId = `cred-${unique()}`;
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO webauthn_credentials (user_id, credential_id, public_key, name) VALUES ($1, $2, '\\x01', $3) RETURNING id`,
    [passkey.userId, credentialId, passkey.name ?? 'Passkey'],
  );
  return { id: rows[0]!.id, credentialId };
}

/** A published track whose audio and preview clip (random bytes) really are in `storage`, with those bytes. */
export async function buildStoredTrack(
  db: Queryable,
  storage: Storage,
  overrides: Partial<NewTrack> = {},
): Promise<{ track: Track; full: Buffer; preview: Buffer }> {
  const full = crypto.randomBytes(40_000);
  const preview = crypto.randomBytes(5_000);
  const key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
  const previewKey = `previews/${crypto.randomBytes(16).toString('hex')}.mp3`;
  await storage.put(key, full);
  await storage.put(previewKey, preview);
  const track = await buildTrack(db, {
    audioFilename: key,
    audioMime: 'audio/mpeg',
    fileSizeBytes: full.length,
    previewFilename: previewKey,
    previewSeconds: 10,
    previewSizeBytes: preview.length,
    ...overrides,
  });
  return { track, full, preview };
}
