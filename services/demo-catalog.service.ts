import crypto from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '../db/pool';
import { findUserByEmail, insertUser, type Role, type User } from '../db/repos/users.repo';
import { findTrackByOwnerAndName, insertTrack } from '../db/repos/tracks.repo';
import { encodeMp3 } from './audio/mp3-encoder';
import { AUDIO_MIME } from './audio/audio-sniff';
import { storePreview } from './catalog/track-files';
import { synthesizeSong, type SongSpec } from './audio/synth';
import type { Storage } from './storage/storage';

/**
 * The demo store: a few artists, a dozen published tracks across genres with
 * real synthesized MP3 audio, one free track, and an admin. Seeding is
 * idempotent: what exists (matched by email, and by owner and title) is kept,
 * what is missing is created.
 */

interface DemoAccount {
  email: string;
  username: string;
  role: Role;
}

interface DemoTrack {
  artist: string;
  name: string;
  genre: string;
  description: string;
  priceEur: string;
  isFree?: boolean;
  durationSeconds: number;
  sound: Omit<SongSpec, 'seed' | 'durationSeconds' | 'sampleRate'>;
}

export const DEMO_DOMAIN = 'demo.song-nexus.test';
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_DOMAIN}`;

const ARTISTS: Record<string, DemoAccount> = {
  'Nightowl Collective': { email: `nightowl@${DEMO_DOMAIN}`, username: 'nightowl', role: 'artist' },
  'Marta Quell': { email: `marta@${DEMO_DOMAIN}`, username: 'martaquell', role: 'artist' },
  'Iron Lantern': { email: `ironlantern@${DEMO_DOMAIN}`, username: 'ironlantern', role: 'artist' },
  'Sol Ferreira': { email: `sol@${DEMO_DOMAIN}`, username: 'solferreira', role: 'artist' },
};

export const DEMO_ARTIST_EMAILS = Object.values(ARTISTS).map((a) => a.email);

const ADMIN: DemoAccount = { email: DEMO_ADMIN_EMAIL, username: 'admin', role: 'admin' };

const TRACKS: DemoTrack[] = [
  {
    artist: 'Nightowl Collective',
    name: 'Streetlight Static',
    genre: 'electronic',
    description: 'Late-night synth pulse.',
    priceEur: '1.29',
    durationSeconds: 75,
    sound: { tempo: 124, root: 57, scale: 'minor', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Afterhours Transit',
    genre: 'electronic',
    description: 'A slow ride home.',
    priceEur: '0.99',
    durationSeconds: 90,
    sound: { tempo: 110, root: 52, scale: 'dorian', drums: 0.8, lead: 'square' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Neon Lullaby',
    genre: 'ambient',
    description: 'Soft pads for the last hour.',
    priceEur: '0',
    isFree: true,
    durationSeconds: 60,
    sound: { tempo: 72, root: 60, scale: 'pentatonic', drums: 0, lead: 'sine' },
  },
  {
    artist: 'Marta Quell',
    name: 'Paper Boats',
    genre: 'folk',
    description: 'A song about small brave things.',
    priceEur: '0.99',
    durationSeconds: 95,
    sound: { tempo: 96, root: 62, scale: 'major', drums: 0.3, lead: 'sine' },
  },
  {
    artist: 'Marta Quell',
    name: 'Winter Orchard',
    genre: 'folk',
    description: 'Cold air, warm strings.',
    priceEur: '1.49',
    durationSeconds: 70,
    sound: { tempo: 84, root: 55, scale: 'dorian', drums: 0.2, lead: 'sine' },
  },
  {
    artist: 'Marta Quell',
    name: 'Lighthouse Keeper',
    genre: 'pop',
    description: 'Bright chorus, long horizon.',
    priceEur: '1.29',
    durationSeconds: 110,
    sound: { tempo: 118, root: 64, scale: 'major', drums: 0.9, lead: 'square' },
  },
  {
    artist: 'Iron Lantern',
    name: 'Forge of Dawn',
    genre: 'rock',
    description: 'Driving riffs at sunrise.',
    priceEur: '1.49',
    durationSeconds: 85,
    sound: { tempo: 140, root: 52, scale: 'minor', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Iron Lantern',
    name: 'Cinder Road',
    genre: 'rock',
    description: 'Dust, tyres and a long straight.',
    priceEur: '0.99',
    durationSeconds: 100,
    sound: { tempo: 132, root: 50, scale: 'pentatonic', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Iron Lantern',
    name: 'Hollow Crown',
    genre: 'metal',
    description: 'Heavy and slow.',
    priceEur: '1.99',
    durationSeconds: 105,
    sound: { tempo: 92, root: 45, scale: 'minor', drums: 1, lead: 'square' },
  },
  {
    artist: 'Sol Ferreira',
    name: 'Maré Alta',
    genre: 'jazz',
    description: 'High tide, brushed drums.',
    priceEur: '1.29',
    durationSeconds: 80,
    sound: { tempo: 100, root: 58, scale: 'dorian', drums: 0.5, lead: 'sine' },
  },
  {
    artist: 'Sol Ferreira',
    name: 'Café às Seis',
    genre: 'jazz',
    description: 'Six o’clock coffee.',
    priceEur: '0.99',
    durationSeconds: 65,
    sound: { tempo: 88, root: 63, scale: 'major', drums: 0.4, lead: 'square' },
  },
  {
    artist: 'Sol Ferreira',
    name: 'Ponte Velha',
    genre: 'world',
    description: 'An old bridge, a new tune.',
    priceEur: '1.49',
    durationSeconds: 72,
    sound: { tempo: 104, root: 56, scale: 'pentatonic', drums: 0.7, lead: 'sine' },
  },
];

// 24 kHz mono at 64 kbit/s (MPEG-2 Layer III): small files, and quick enough
// to encode in pure JavaScript on first start (about 15 s for the catalog).
const SAMPLE_RATE = 24_000;
const BITRATE_KBPS = 64;
const SEED_LOCK_KEY = 727_203_002;

export interface SeedOptions {
  /** Caps each track's length, in seconds (tests use a few seconds). */
  maxSeconds?: number;
  log?: (message: string) => void;
}

export interface SeedResult {
  usersCreated: number;
  tracksCreated: number;
}

/** Stable per-title seed, so a track always sounds the same. */
function seedFor(title: string): number {
  return crypto.createHash('sha256').update(title).digest().readUInt32LE(0);
}

/** Creates whatever part of the demo catalog is missing. */
export async function seedDemoCatalog(db: pg.Pool, storage: Storage, options: SeedOptions = {}): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const result: SeedResult = { usersCreated: 0, tracksCreated: 0 };
  const owners = new Map<string, User>();
  await withTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    for (const account of [ADMIN, ...Object.values(ARTISTS)]) {
      const existing = await findUserByEmail(tx, account.email);
      const user = existing ?? (await insertUser(tx, account));
      if (!existing) result.usersCreated++;
      if (account.role === 'artist') owners.set(account.username, user);
    }
  });

  for (const track of TRACKS) {
    const owner = owners.get(ARTISTS[track.artist]!.username)!;
    if (await findTrackByOwnerAndName(db, owner.id, track.name)) continue;
    const seconds = Math.min(track.durationSeconds, options.maxSeconds ?? Infinity);
    const pcm = synthesizeSong({ ...track.sound, seed: seedFor(track.name), durationSeconds: seconds, sampleRate: SAMPLE_RATE });
    const audio = encodeMp3(pcm, SAMPLE_RATE, BITRATE_KBPS);
    const key = `audio/${crypto.randomBytes(16).toString('hex')}.mp3`;
    const durationSeconds = pcm.length / SAMPLE_RATE;
    const preview = await storePreview(
      { storage },
      { format: 'mp3', sizeBytes: audio.length, durationSeconds, readPrefix: async () => audio },
      40,
    );
    await storage.put(key, audio);
    const inserted = await withTransaction(db, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      if (await findTrackByOwnerAndName(tx, owner.id, track.name)) return false; // another seeder won
      await insertTrack(tx, {
        name: track.name,
        artist: track.artist,
        artistUserId: owner.id,
        genre: track.genre,
        description: track.description,
        audioFilename: key,
        priceEur: track.priceEur,
        isFree: track.isFree ?? false,
        durationSeconds: Math.round(durationSeconds),
        fileSizeBytes: audio.length,
        isPublished: true,
        audioSha256: crypto.createHash('sha256').update(audio).digest('hex'),
        audioMime: AUDIO_MIME.mp3,
        audioFormat: 'mp3',
        codec: 'MPEG 2 Layer 3',
        bitrate: BITRATE_KBPS * 1000,
        sampleRate: SAMPLE_RATE,
        channels: 1,
        previewFilename: preview?.key ?? null,
        previewSeconds: preview?.seconds ?? null,
        previewSizeBytes: preview?.sizeBytes ?? null,
      });
      return true;
    }).catch(async (err: unknown) => {
      await storage.remove(key);
      if (preview) await storage.remove(preview.key);
      throw err;
    });
    if (inserted) {
      result.tracksCreated++;
      log(`demo track ${result.tracksCreated}: ${track.artist} - ${track.name} (${seconds}s)`);
    } else {
      await storage.remove(key);
      if (preview) await storage.remove(preview.key);
    }
  }
  return result;
}
