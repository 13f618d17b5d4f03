import { EUR, formatMinor, toMinor, type Currency } from '../lib/money';
import type { Offer } from '../db/repos/offer';
import crypto from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '../db/pool';
import { findUserByEmail, insertUser, type User } from '../db/repos/users.repo';
import { ADMIN, ARTISTS, RELEASES, TRACKS, type DemoRelease } from './demo-catalog.data';

export { DEMO_ADMIN_EMAIL, DEMO_ARTIST_EMAILS, DEMO_DOMAIN } from './demo-catalog.data';
import { findTrackByOwnerAndName, insertTrack } from '../db/repos/tracks.repo';
import { encodeMp3 } from './audio/mp3-encoder';
import { AUDIO_MIME } from './audio/audio-sniff';
import { storePreview } from './catalog/track-files';
import { synthesizeSong } from './audio/synth';
import type { Storage } from './storage/storage';
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

// 24 kHz mono at 64 kbit/s (MPEG-2 Layer III): small files, and quick enough
// to encode in pure JavaScript on first start (about 15 s for the catalog).
const SAMPLE_RATE = 24_000;
const BITRATE_KBPS = 64;
const SEED_LOCK_KEY = 727_203_002;

export interface SeedOptions {
  /** Caps each track's length, in seconds (tests use a few seconds). */
  maxSeconds?: number;
  log?: (message: string) => void;
  /** The store's currency: the demo's euro prices become as many whole units where it has no decimals (0.99 → 99). */
  currency?: Currency;
}

/** A demo price (written in euros) in the store's currency. */
function demoPrice(euros: string, currency: Currency): string {
  return formatMinor(toMinor(euros, EUR), currency);
}

function demoOffer(offer: Partial<Offer> | undefined, currency: Currency): Partial<Offer> {
  const convert = (value: string | null | undefined) => (value ? demoPrice(value, currency) : value);
  return {
    ...offer,
    suggestedPrice: convert(offer?.suggestedPrice),
    commercialPrice: convert(offer?.commercialPrice),
    streamingPrice: convert(offer?.streamingPrice),
  };
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
  const currency = options.currency ?? EUR;
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
        priceEur: demoPrice(track.priceEur, currency),
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
    if (await seedRelease(db, storage, owner, release, currency)) {
      result.releasesCreated++;
      log(`demo release: ${release.artist} - ${release.title}`);
    }
  }
  return result;
}

/** Creates one demo release (cover, tracks in order, published) unless its artist has one of that title. */
async function seedRelease(db: pg.Pool, storage: Storage, owner: User, spec: DemoRelease, currency: Currency): Promise<boolean> {
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
      priceEur: demoPrice(spec.priceEur, currency),
      ...demoOffer(spec.offer, currency),
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
