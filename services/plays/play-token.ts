import crypto from 'node:crypto';
import type { Queryable } from '../../db/pool';
import { serverSecret } from '../../db/repos/server-secrets.repo';

/**
 * Play tokens: what a counted play must show. Every stream response carries
 * one (X-Play-Token), signed with the servers' shared key and bound to the
 * track, the listener (the signed-in user, else the client's address) and
 * the second it was issued. A play report is counted only with a token the
 * server itself issued to that listener for that track, and it can claim no
 * more seconds than have passed since (plus a little slack), so a client
 * can neither invent listeners nor seconds.
 */

/** How long a token is good for: a page may stay open, but not for days. */
export const PLAY_TOKEN_MAX_AGE_S = 12 * 3600;
/** Seconds a report may claim beyond the time since the token was issued (clock steps, rounding). */
export const PLAY_CLOCK_SLACK_S = 2;
export const PLAY_TOKEN_PATTERN = /^[1-9]\d{0,9}\.\d{1,12}\.[A-Za-z0-9_-]{22}$/;

export interface VerifiedPlayToken {
  /** Seconds since the token was issued: an upper bound on what can have been heard with it. */
  elapsedSeconds: number;
}

export class PlayTokens {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  /** Keys kept in the database: one shared by every app server. */
  static fromDatabase(db: Queryable): PlayTokens {
    return new PlayTokens(() => serverSecret(db, 'play_token'));
  }

  private secret(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((err: unknown) => {
      this.key = undefined; // try again next time (the database may be back)
      throw err;
    });
    return this.key;
  }

  private async mac(trackId: number, listener: string, issuedAt: number): Promise<string> {
    return crypto
      .createHmac('sha256', await this.secret())
      .update(`play:v1:${trackId}:${listener}:${issuedAt}`)
      .digest('base64url')
      .slice(0, 22);
  }

  async issue(trackId: number, listener: string, now: Date): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return `${trackId}.${issuedAt}.${await this.mac(trackId, listener, issuedAt)}`;
  }

  /** The token's age when it was issued by this store to `listener` for `trackId` and is still fresh; else undefined. */
  async verify(token: string, trackId: number, listener: string, now: Date): Promise<VerifiedPlayToken | undefined> {
    if (!PLAY_TOKEN_PATTERN.test(token)) return undefined;
    const [track, issued, mac] = token.split('.') as [string, string, string];
    if (Number(track) !== trackId) return undefined;
    const issuedAt = Number(issued);
    const elapsedSeconds = now.getTime() / 1000 - issuedAt;
    if (elapsedSeconds < -PLAY_CLOCK_SLACK_S || elapsedSeconds > PLAY_TOKEN_MAX_AGE_S) return undefined;
    const expected = Buffer.from(await this.mac(trackId, listener, issuedAt));
    const given = Buffer.from(mac);
    if (!crypto.timingSafeEqual(expected, given)) return undefined;
    return { elapsedSeconds: Math.max(0, elapsedSeconds) };
  }
}
