import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { AUDIO_MIME, sniffAudio } from '../../services/audio/audio-sniff';
import { cutPreview, type CutFormat } from '../../services/audio/preview/cut-preview';
import { haveChromium, launchChromium } from '../support/browser';
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
 * What a listener's browser believes a preview lasts: Chromium loads each
 * clip in an <audio> element and reports its duration, which must be the
 * clip's own (not the full track's). The clips are served by a bare file
 * server here; the app's streaming route arrives with the streaming work.
 */
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
  const mime = new Map<string, string>();
  let server: http.Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    await Promise.all(CASES.map((c) => makeFixture(path.join(dir, c.file), 60, c.options, c.rate)));
    for (const c of CASES) {
      const audio = fs.readFileSync(path.join(dir, c.file));
      const format = (sniffAudio(audio) as { format: CutFormat }).format;
      fs.writeFileSync(path.join(dir, `clip-${c.file}`), cutPreview(format, audio, 9).data);
      mime.set(`clip-${c.file}`, AUDIO_MIME[format]);
    }
    server = http.createServer((req, res) => {
      const name = path.basename(req.url ?? '');
      if (name === '' || name === 'index.html') return res.end('<!doctype html><title>clips</title>');
      const file = path.join(dir, name);
      if (!mime.has(name) || !fs.existsSync(file)) return res.writeHead(404).end();
      // Single byte ranges, as the app's streaming route serves them: Chromium
      // finds an Ogg stream's length by reading its last page.
      const size = fs.statSync(file).size;
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range && (range[1] || range[2])) {
        const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        res.writeHead(206, {
          'Content-Type': mime.get(name)!,
          'Accept-Ranges': 'bytes',
          'Content-Range': `bytes ${start}-${end}/${size}`,
          'Content-Length': end - start + 1,
        });
        return void fs.createReadStream(file, { start, end }).pipe(res);
      }
      res.writeHead(200, { 'Content-Type': mime.get(name)!, 'Accept-Ranges': 'bytes', 'Content-Length': size });
      fs.createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES)('reports the clip’s own duration for $file (9 s of a 60 s track)', async (c) => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/index.html`);
      const duration = await page.evaluate(async (src) => {
        const audio = new Audio();
        audio.preload = 'metadata';
        const loaded = new Promise<number>((resolve, reject) => {
          audio.onloadedmetadata = () => resolve(audio.duration);
          audio.onerror = () => reject(new Error(`cannot load ${src}`));
        });
        audio.src = src;
        return loaded;
      }, `/clip-${c.file}`);
      expect(duration).toBeGreaterThanOrEqual(9 - 0.001);
      expect(duration).toBeLessThanOrEqual(9 + c.slack + 0.001);
    } finally {
      await page.close();
    }
  });
});
