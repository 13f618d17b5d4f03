import crypto from 'node:crypto';
import type { Queryable } from '../../db/pool';
import { serverSecret } from '../../db/repos/server-secrets.repo';

/**
 * Download and gift codes as people type them: 12 characters from an
 * alphabet without look-alikes (no 0/O, 1/I/L), in three groups of four —
 * "7KQM-4XRT-9BHW". 31 symbols ** 12 ≈ 2^59.4: enough that guessing one, at
 * the redemption rate limit, takes longer than the store will exist. Typed
 * in any case, with or without hyphens and spaces.
 *
 * Only the code's SHA-256 finds it; the code itself is kept sealed
 * (AES-256-GCM with the servers' shared key) so its artist can export the
 * batch again, and a database dump alone redeems nothing.
 */

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 12;
/** log2(31^12): the entropy of one code, in bits. */
export const CODE_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);

/** A new random code, formatted for people. */
export function newCode(): string {
  const chars = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]!);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** The code's canonical form (upper-case, no separators), or undefined when it cannot be one. */
export function normaliseCode(typed: string): string | undefined {
  const plain = typed.toUpperCase().replace(/[\s-]+/g, '');
  return plain.length === CODE_LENGTH && [...plain].every((c) => CODE_ALPHABET.includes(c)) ? plain : undefined;
}

export const codeHash = (canonical: string): Buffer => crypto.createHash('sha256').update(canonical).digest();

/** Seals and opens codes with the key in server_secrets (migration 0010). */
export class CodeSealer {
  constructor(private readonly db: Queryable) {}

  private secret(): Promise<Buffer> {
    return serverSecret(this.db, 'download_codes');
  }

  async seal(code: string): Promise<Buffer> {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', await this.secret(), iv);
    const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  async open(sealed: Buffer): Promise<string> {
    const decipher = crypto.createDecipheriv('aes-256-gcm', await this.secret(), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}

const sealers = new WeakMap<object, CodeSealer>();
/** One sealer (one key read) per database pool. */
export function sealerFor(db: Queryable): CodeSealer {
  let sealer = sealers.get(db);
  if (!sealer) sealers.set(db, (sealer = new CodeSealer(db)));
  return sealer;
}
