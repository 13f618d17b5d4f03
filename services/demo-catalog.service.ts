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
import type { ReleaseType } from '../contract/api';
import { ensureArtistProfile } from '../db/repos/artist-profiles.repo';
import { findReleaseByOwnerAndTitle, insertRelease, setReleaseCover, setReleaseTracks, updateRelease } from '../db/repos/releases.repo';
import { slugOf } from './catalog/artist-profile.service';
import { demoCover } from './images/png-encode';

/**
 * The demo store: a few artists with profiles, eighteen published tracks
 * across genres with real synthesized MP3 audio (one free), released as an
 * album of eight, an EP and two singles with covers, tags and credits, and
 * an admin. Seeding is
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
  tags?: string[];
  credits?: string;
}

interface DemoRelease {
  artist: string;
  title: string;
  type: ReleaseType;
  description: string;
  credits: string;
  releaseDate: string;
  priceEur: string;
  tags: string[];
  /** Track names, in order. */
  tracks: string[];
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
    name: 'Platform Nine',
    genre: 'electronic',
    description: 'Waiting for the last train.',
    priceEur: '0.99',
    durationSeconds: 50,
    sound: { tempo: 118, root: 55, scale: 'minor', drums: 0.9, lead: 'square' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Tunnel Lights',
    genre: 'electronic',
    description: 'Flicker and hum.',
    priceEur: '0.99',
    durationSeconds: 45,
    sound: { tempo: 128, root: 53, scale: 'dorian', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Empty Carriage',
    genre: 'ambient',
    description: 'Nobody else aboard.',
    priceEur: '0.99',
    durationSeconds: 55,
    sound: { tempo: 80, root: 58, scale: 'pentatonic', drums: 0.2, lead: 'sine' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Signal Failure',
    genre: 'electronic',
    description: 'A stop between stations.',
    priceEur: '0.99',
    durationSeconds: 48,
    sound: { tempo: 132, root: 50, scale: 'minor', drums: 1, lead: 'square' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Night Bus Home',
    genre: 'electronic',
    description: 'The long way round.',
    priceEur: '0.99',
    durationSeconds: 52,
    sound: { tempo: 104, root: 57, scale: 'major', drums: 0.7, lead: 'sine' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Terminus',
    genre: 'ambient',
    description: 'Doors open. Lights off.',
    priceEur: '0.99',
    durationSeconds: 60,
    sound: { tempo: 70, root: 52, scale: 'minor', drums: 0, lead: 'sine' },
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

const RELEASES: DemoRelease[] = [
  {
    artist: 'Nightowl Collective',
    title: 'Night Transit',
    type: 'album',
    description: 'Eight tracks for the ride home after the city goes quiet.',
    credits: 'Written and produced by Nightowl Collective. Mastered at Platform Studio.',
    releaseDate: '2025-11-07',
    priceEur: '6.00',
    tags: ['synthwave', 'night', 'instrumental'],
    tracks: [
      'Streetlight Static',
      'Afterhours Transit',
      'Platform Nine',
      'Tunnel Lights',
      'Empty Carriage',
      'Signal Failure',
      'Night Bus Home',
      'Terminus',
    ],
  },
  {
    artist: 'Marta Quell',
    title: 'Paper Boats EP',
    type: 'ep',
    description: 'Three songs recorded in one winter.',
    credits: 'Marta Quell: voice, guitar. Recorded at home.',
    releaseDate: '2025-02-14',
    priceEur: '3.00',
    tags: ['folk', 'acoustic', 'singer-songwriter'],
    tracks: ['Paper Boats', 'Winter Orchard', 'Lighthouse Keeper'],
  },
  {
    artist: 'Iron Lantern',
    title: 'Forge of Dawn',
    type: 'single',
    description: 'The first single from the forge.',
    credits: 'Iron Lantern. Produced by the band.',
    releaseDate: '2024-09-01',
    priceEur: '1.49',
    tags: ['rock', 'riffs'],
    tracks: ['Forge of Dawn'],
  },
  {
    artist: 'Sol Ferreira',
    title: 'Maré Alta',
    type: 'single',
    description: 'High tide, brushed drums.',
    credits: 'Sol Ferreira: piano. Brushes: Ana Luz.',
    releaseDate: '2025-06-21',
    priceEur: '1.29',
    tags: ['jazz', 'piano'],
    tracks: ['Maré Alta'],
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
  releasesCreated: number;
}

/** Stable per-title seed, so a track always sounds the same. */
function seedFor(title: string): number {
  return crypto.createHash('sha256').update(title).digest().readUInt32LE(0);
}

/** Creates whatever part of the demo catalog is missing. */
export async function seedDemoCatalog(db: pg.Pool, storage: Storage, options: SeedOptions = {}): Promise<SeedResult> {
  const log = options.log ?? (() => undefined);
  const result: SeedResult = { usersCreated: 0, tracksCreated: 0, releasesCreated: 0 };
  const names = new Map<string, string>();
  const owners = new Map<string, User>();
  await withTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    for (const [name, account] of [['Admin', ADMIN] as const, ...Object.entries(ARTISTS)]) {
      const existing = await findUserByEmail(tx, account.email);
      const user = existing ?? (await insertUser(tx, { ...account, displayName: account.role === 'artist' ? name : null }));
      if (!existing) result.usersCreated++;
      if (account.role === 'artist') {
        owners.set(account.username, user);
        names.set(account.username, name);
      }
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
  for (const release of RELEASES) {
    const owner = owners.get(ARTISTS[release.artist]!.username)!;
    if (await seedRelease(db, storage, owner, release)) {
      result.releasesCreated++;
      log(`demo release: ${release.artist} - ${release.title}`);
    }
  }
  return result;
}

/** Creates one demo release (cover, tracks in order, published) unless its artist has one of that title. */
async function seedRelease(db: pg.Pool, storage: Storage, owner: User, spec: DemoRelease): Promise<boolean> {
  if (await findReleaseByOwnerAndTitle(db, owner.id, spec.title)) return false;
  const cover = { key: `covers/${crypto.randomBytes(16).toString('hex')}.png`, mime: 'image/png' };
  await storage.put(cover.key, demoCover(seedFor(spec.title)));
  const created = await withTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    if (await findReleaseByOwnerAndTitle(tx, owner.id, spec.title)) return false; // another seeder won
    await ensureArtistProfile(tx, owner.id, slugOf(spec.artist));
    const release = await insertRelease(tx, owner.id, {
      title: spec.title,
      releaseType: spec.type,
      description: spec.description,
      credits: spec.credits,
      releaseDate: spec.releaseDate,
      catalogueNumber: null,
      upc: null,
      priceEur: spec.priceEur,
      tags: spec.tags,
    });
    const trackIds: number[] = [];
    for (const name of spec.tracks) {
      const track = await findTrackByOwnerAndName(tx, owner.id, name);
      if (track) trackIds.push(track.id);
    }
    await tx.query('UPDATE tracks SET tags = $2, credits = $3 WHERE id = ANY($1::int[])', [trackIds, spec.tags, spec.credits]);
    await setReleaseTracks(tx, release.id, trackIds, true);
    await setReleaseCover(tx, release.id, { filename: cover.key, mime: cover.mime });
    await updateRelease(tx, release.id, { isPublished: true, publishedAt: new Date(`${spec.releaseDate}T12:00:00Z`) });
    return true;
  });
  if (!created) await storage.remove(cover.key);
  return created;
}
