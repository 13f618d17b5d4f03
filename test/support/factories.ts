import crypto from 'node:crypto';
import type { Queryable } from '../../db/pool';
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
