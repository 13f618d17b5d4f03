import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFrames } from '../../services/audio/mp3-frames';
import { DEMO_ADMIN_EMAIL, seedDemoCatalog } from '../../services/demo-catalog.service';
import { sniffImage } from '../../services/images/image-sniff';
import { testStorage } from '../support/storage';
import { useTestDatabase } from '../support/db';

// Synthesizes and encodes 18 tracks in pure JavaScript: seconds on a quiet machine, more on a loaded CI runner.
jest.setTimeout(120_000);

const db = useTestDatabase();

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('demo catalog', () => {
  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'sn-demo-'));
  afterAll(() => fs.rmSync(uploads, { recursive: true, force: true }));

  it('creates artists, an admin, 18 published tracks with real MP3 audio and 4 releases with covers, then nothing more on a second run', async () => {
    const storage = testStorage(uploads);
    const first = await seedDemoCatalog(db.pool, storage, { maxSeconds: 2 });
    expect(first).toEqual({ usersCreated: 5, tracksCreated: 18, releasesCreated: 4 });

    const { rows: users } = await db.pool.query('SELECT email, role FROM users ORDER BY role, email');
    expect(users.filter((u) => u.role === 'artist')).toHaveLength(4);
    expect(users).toContainEqual({ email: DEMO_ADMIN_EMAIL, role: 'admin' });

    const { rows: tracks } = await db.pool.query(
      `SELECT t.name, t.genre, t.is_free, t.price_eur, t.audio_filename, t.file_size_bytes, t.duration_seconds, u.role AS owner_role,
              t.preview_filename, t.preview_seconds, t.audio_format
       FROM tracks t JOIN users u ON u.id = t.artist_user_id
       WHERE t.is_published AND NOT t.is_deleted`,
    );
    expect(tracks).toHaveLength(18);
    expect(tracks.filter((t) => t.is_free)).toHaveLength(1);
    expect(new Set(tracks.map((t) => t.genre)).size).toBeGreaterThanOrEqual(6);
    expect(tracks.every((t) => t.owner_role === 'artist')).toBe(true);
    expect(tracks.filter((t) => !t.is_free).every((t) => Number(t.price_eur) > 0)).toBe(true);
    for (const track of tracks) {
      const file = path.join(uploads, track.audio_filename);
      const audio = fs.readFileSync(file);
      expect(audio.length).toBe(track.file_size_bytes);
      expect(listFrames(audio).length).toBeGreaterThan(50);
      expect(track.duration_seconds).toBe(2);
      expect(track.audio_format).toBe('mp3');
      // A 2-second track's 40-second preview is the whole track, cut like any other.
      expect(listFrames(fs.readFileSync(path.join(uploads, track.preview_filename))).length).toBeGreaterThan(50);
    }

    const { rows: releases } = await db.pool.query(
      `SELECT r.title, r.release_type, r.is_published, r.cover_filename, ap.slug,
              (SELECT array_agg(t.name ORDER BY t.track_number) FROM tracks t WHERE t.release_id = r.id) AS tracks
       FROM releases r JOIN artist_profiles ap ON ap.user_id = r.artist_user_id ORDER BY r.id`,
    );
    expect(releases.map((r) => [r.title, r.release_type, r.is_published, r.tracks.length])).toEqual([
      ['Night Transit', 'album', true, 8],
      ['Paper Boats EP', 'ep', true, 3],
      ['Forge of Dawn', 'single', true, 1],
      ['Maré Alta', 'single', true, 1],
    ]);
    expect(releases[0].tracks.slice(0, 2)).toEqual(['Streetlight Static', 'Afterhours Transit']);
    expect(releases[0].slug).toBe('nightowl-collective');
    for (const release of releases) {
      expect(sniffImage(fs.readFileSync(path.join(uploads, release.cover_filename)))).toMatchObject({ mime: 'image/png', width: 320 });
    }

    const second = await seedDemoCatalog(db.pool, storage, { maxSeconds: 2 });
    expect(second).toEqual({ usersCreated: 0, tracksCreated: 0, releasesCreated: 0 });
    expect(filesUnder(uploads)).toHaveLength(18 * 2 + 4); // audio and preview of each track, a cover per release
  });
});
