import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Browser, BrowserContext } from 'playwright-core';
import { testStorage } from '../support/storage';
import { signInAs } from '../support/auth';
import { haveChromium, launchChromium, pageProblems } from '../support/browser';
import { useTestDatabase } from '../support/db';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { freePort } from '../support/server-process';
import { outbox, testApp } from '../support/app';
import { buildPurchase } from '../support/factories';

jest.setTimeout(90_000);

// The browser's audio element and fetch, as used inside page.evaluate (no DOM types in this project).
declare const fetch: (url: string, init?: object) => Promise<{ status: number }>;
interface AudioElement {
  src: string;
  duration: number;
  currentTime: number;
  paused: boolean;
  play(): Promise<void>;
  addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
}
declare const Audio: new () => AudioElement;

const db = useTestDatabase();

(haveChromium() && haveFfmpeg() ? describe : describe.skip)('playback in Chromium through the streaming route', () => {
  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'sn-playback-'));
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  let trackId: number;
  let buyerEmail: string;
  const { mailer, background } = outbox();

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    const app = testApp(db.pool, {
      env: { APP_ORIGIN: origin, UPLOAD_DIR: uploads },
      storage: testStorage(uploads),
      mailer,
      background,
    });
    const fixture = path.join(uploads, 'song.mp3');
    await makeFixture(fixture, 60, ['-c:a', 'libmp3lame', '-q:a', '3']);
    const artist = await signInAs(db.pool, 'artist');
    trackId = (
      await request(app)
        .post('/api/artist/tracks')
        .set('Cookie', artist.cookie)
        .field('name', 'Playback')
        .field('freePreviewDuration', '8')
        .attach('audio', fixture)
        .expect(201)
    ).body.track.id;
    await request(app).patch(`/api/artist/tracks/${trackId}`).set('Cookie', artist.cookie).send({ isPublished: true }).expect(200);
    const buyer = await signInAs(db.pool, 'user');
    await buildPurchase(db.pool, { userId: buyer.user.id, trackId });
    buyerEmail = buyer.user.email;
    server = await new Promise((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    fs.rmSync(uploads, { recursive: true, force: true });
  });

  /** Each test's pages, checked after it: no script error, no part of the page or its audio failing. */
  const problems: string[][] = [];
  afterEach(() => expect(problems.splice(0).flat()).toEqual([]));

  async function page(context: BrowserContext) {
    const p = await context.newPage();
    problems.push(pageProblems(p));
    await p.goto(`${origin}/`);
    return p;
  }

  it('plays the preview to a listener who has not bought the track, reporting the clip’s duration', async () => {
    const context = await browser.newContext();
    const p = await page(context);
    const result = await p.evaluate(async (src) => {
      const audio = new Audio();
      audio.src = src;
      await new Promise<void>((resolve) => audio.addEventListener('loadedmetadata', () => resolve(), { once: true }));
      await audio.play();
      await new Promise<void>((resolve) => audio.addEventListener('timeupdate', () => resolve(), { once: true }));
      return { duration: audio.duration, playing: !audio.paused };
    }, `/api/tracks/${trackId}/stream`);
    expect(result.playing).toBe(true);
    expect(result.duration).toBeGreaterThanOrEqual(8);
    expect(result.duration).toBeLessThan(8.1);
    await context.close();
  });

  it('plays a bought track in full and seeks to its middle', async () => {
    const context = await browser.newContext();
    const p = await page(context);
    // The buyer signs in the way a person does: a link by mail, confirmed in the page.
    await p.evaluate(
      (email) =>
        fetch('/api/auth/magic-link', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) }),
      buyerEmail,
    );
    await background.drain();
    const link = new URL(/https?:\/\/\S+/.exec(mailer.list()[0]!.text)![0]);
    const signedIn = await p.evaluate(
      (body) =>
        fetch('/api/auth/magic-link/verify', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).then(
          (r) => r.status,
        ),
      JSON.stringify({ token: link.searchParams.get('token'), email: buyerEmail }),
    );
    expect(signedIn).toBe(200);
    const result = await p.evaluate(async (src) => {
      const audio = new Audio();
      audio.src = src;
      await new Promise<void>((resolve) => audio.addEventListener('loadedmetadata', () => resolve(), { once: true }));
      await audio.play();
      const middle = audio.duration / 2;
      audio.currentTime = middle;
      await new Promise<void>((resolve) => audio.addEventListener('seeked', () => resolve(), { once: true }));
      await new Promise<void>((resolve) => audio.addEventListener('timeupdate', () => resolve(), { once: true }));
      return { duration: audio.duration, position: audio.currentTime, middle, playing: !audio.paused };
    }, `/api/tracks/${trackId}/stream`);
    expect(result.duration).toBeGreaterThan(59);
    expect(result.playing).toBe(true);
    expect(Math.abs(result.position - result.middle)).toBeLessThan(2);
    await context.close();
  });
});
