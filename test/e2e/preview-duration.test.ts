import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, pageProblems } from '../support/browser';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';

jest.setTimeout(90_000);

// The browser's Audio, as used inside page.evaluate (the project compiles without DOM types).
declare const Audio: new () => {
  preload: string;
  src: string;
  duration: number;
  onloadedmetadata: (() => void) | null;
  onerror: (() => void) | null;
};

/**
 * What a listener's browser believes a preview lasts: each format is
 * uploaded to the store, which cuts a 9-second preview of the 60-second
 * track; Chromium, as a listener who has not bought it, loads the track's
 * stream from the app's own route (the preview, by single byte ranges) in an
 * <audio> element and reports its duration — which must be the clip's own,
 * not the full track's, within one frame of the codec.
 */
const db = useTestDatabase();
const shop = useCheckoutHarness(db, { env: { APP_ORIGIN: 'port' } });

/** The type a browser would send with each file. */
const TYPES: Record<string, string> = {
  'vbr.mp3': 'audio/mpeg',
  'cbr.mp3': 'audio/mpeg',
  'a.flac': 'audio/flac',
  'a.ogg': 'audio/ogg',
  'a.opus': 'audio/ogg',
  'a.wav': 'audio/wav',
};

const CASES: { file: string; options: string[]; rate?: number; slack: number }[] = [
  { file: 'vbr.mp3', options: ['-c:a', 'libmp3lame', '-q:a', '2'], slack: 1152 / 44_100 },
  { file: 'cbr.mp3', options: ['-c:a', 'libmp3lame', '-b:a', '192k'], slack: 1152 / 44_100 },
  { file: 'a.flac', options: ['-c:a', 'flac'], slack: 4608 / 44_100 },
  { file: 'a.ogg', options: ['-c:a', 'libvorbis'], slack: 0.01 },
  { file: 'a.opus', options: ['-c:a', 'libopus'], rate: 48_000, slack: 0.03 },
  { file: 'a.wav', options: ['-c:a', 'pcm_s16le'], slack: 0.001 },
];

(haveChromium() && haveFfmpeg() ? describe : describe.skip)('preview clips in Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sn-clip-e2e-'));
  const trackIds = new Map<string, number>();
  let browser: Browser;

  beforeAll(async () => {
    await Promise.all(CASES.map((c) => makeFixture(path.join(dir, c.file), 60, c.options, c.rate)));
    const artist = await signInAs(db.pool, 'artist');
    const release = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Clips' } });
    const releaseId: number = release.body.release.id;
    for (const c of CASES) {
      const uploaded = await shop.uploadInto(releaseId, artist.cookie, path.join(dir, c.file), {
        name: c.file,
        type: TYPES[c.file],
        previewSeconds: 9,
      });
      if (uploaded.status !== 201) throw new Error(`uploading ${c.file} answered ${uploaded.status}: ${uploaded.bytes.toString()}`);
      trackIds.set(c.file, uploaded.body.track.id);
    }
    await shop.call('PATCH', `/api/artist/releases/${releaseId}`, { cookie: artist.cookie, json: { isPublished: true } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('reports the clip’s own duration for $file (9 s of a 60 s track)', async (c) => {
    const page = await browser.newPage();
    const problems = pageProblems(page);
    try {
      await page.goto(`${shop.config.appOrigin}/`);
      const duration = await page.evaluate(
        async (src) => {
          const audio = new Audio();
          audio.preload = 'metadata';
          const loaded = new Promise<number>((resolve, reject) => {
            audio.onloadedmetadata = () => resolve(audio.duration);
            audio.onerror = () => reject(new Error(`cannot load ${src}`));
          });
          audio.src = src;
          return loaded;
        },
        `/api/tracks/${trackIds.get(c.file)}/stream`,
      );
      expect(duration).toBeGreaterThanOrEqual(9 - 0.001);
      expect(duration).toBeLessThanOrEqual(9 + c.slack + 0.001);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
