import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface Passkey {
  id: number;
  userId: number;
  /** base64url credential id, as the authenticator gave it. */
  credentialId: string;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  createdAt: Date;
  lastUsed: Date | null;
}

const COLUMNS = camelColumns(
  `id, user_id, credential_id, public_key, counter, COALESCE(transports, '{}') AS transports, device_type, backed_up, name, created_at, last_used`,
);

export async function listPasskeysOfUser(db: Queryable, userId: number): Promise<Passkey[]> {
  const { rows } = await db.query<Passkey>(`SELECT ${COLUMNS} FROM webauthn_credentials WHERE user_id = $1 ORDER BY created_at, id`, [
    userId,
  ]);
  return rows;
}

export async function findPasskeyByCredentialId(db: Queryable, credentialId: string): Promise<Passkey | undefined> {
  return firstRow<Passkey>(db, `SELECT ${COLUMNS} FROM webauthn_credentials WHERE credential_id = $1`, [credentialId]);
}

export async function insertPasskey(db: Queryable, p: Omit<Passkey, 'id' | 'createdAt' | 'lastUsed'>): Promise<Passkey> {
  const { rows } = await db.query<Passkey>(
    `INSERT INTO webauthn_credentials (user_id, credential_id, public_key, counter, transports, device_type, backed_up, name)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${COLUMNS}`,
    [p.userId, p.credentialId, p.publicKey, p.counter, p.transports, p.deviceType, p.backedUp, p.name],
  );
  return rows[0]!;
}

/**
 * Records a sign-in: the new counter and last use, only if the stored counter
 * is still the one the signature was checked against (a concurrent sign-in
 * with a cloned authenticator loses). Returns false when it was not.
 */
export async function recordPasskeyUse(
  db: Queryable,
  id: number,
  expectedCounter: number,
  newCounter: number,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE webauthn_credentials SET counter = $3, last_used = $4 WHERE id = $1 AND counter = $2', [
    id,
    expectedCounter,
    newCounter,
    now,
  ]);
  return rowCount === 1;
}

export async function renamePasskey(db: Queryable, id: number, userId: number, name: string): Promise<Passkey | undefined> {
  return firstRow<Passkey>(db, `UPDATE webauthn_credentials SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`, [
    id,
    userId,
    name,
  ]);
}

export async function deletePasskey(db: Queryable, id: number, userId: number): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM webauthn_credentials WHERE id = $1 AND user_id = $2', [id, userId]);
  return rowCount === 1;
}
