import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { PlayRecorder } from '../../services/plays/play-recorder';
import { createLogger } from '../../lib/logger';
import { signInAs } from '../support/auth';
import { createDatabase, dropDatabase, newDatabaseName, requireEnv, ENV_TEMPLATE } from '../support/cluster';
import { useTestDatabase } from '../support/db';
import { buildPurchase, buildTrack } from '../support/factories';
import { playTokenFor, SUPERTEST_IP, reportPlay } from '../support/plays';
import { freePort, startServer, waitForStatus } from '../support/server-process';
import { testApp } from '../support/app';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(120_000);

const db = useTestDatabase();
const MIN = 60_000;

function setup() {
  let now = new Date();
  const plays = new PlayRecorder(db.pool, createLogger('silent'));
  const app = testApp(db.pool, { env: { PLAYS_PER_MINUTE: '100000' }, plays, clock: () => now });
  /** The play token the stream route gives this listener (as the player reads it from its HEAD request). */
  const tokenOf = async (trackId: number, cookie?: string) => {
    const head = request(app).head(`/api/tracks/${trackId}/stream`);
    const res = await (cookie ? head.set('Cookie', cookie) : head);
    return res.headers['x-play-token'] as string;
  };
  return { app, plays, tokenOf, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

async function paidTrack(overrides: Parameters<typeof buildTrack>[1] = {}) {
  return buildTrack(db.pool, {
    durationSeconds: 200,
    previewFilename: `previews/${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}.mp3`,
    previewSeconds: 40,
    previewSizeBytes: 1000,
    ...overrides,
  });
}

const statsOf = async (trackId: number) =>
  (
    await db.pool.query(
      'SELECT user_id, duration_played_seconds, is_paid_user, is_preview, counted FROM play_stats WHERE track_id = $1 ORDER BY id',
      [trackId],
    )
  ).rows;
const playCount = async (trackId: number) =>
  (await db.pool.query('SELECT play_count FROM tracks WHERE id = $1', [trackId])).rows[0].play_count as number;

describe('play reports', () => {
  it('count a play from 30 seconds, or half of a track shorter than a minute', async () => {
    const { app, plays, tokenOf, advance } = setup();
    const long = await paidTrack({ isFree: true });
    const short = await paidTrack({ isFree: true, durationSeconds: 40 });
    const tokens = { [long.id]: await tokenOf(long.id), [short.id]: await tokenOf(short.id) };
    advance(5 * MIN);
    const post = (trackId: number, seconds: number) =>
      request(app).post('/api/plays').send({ trackId, durationPlayedSeconds: seconds, playToken: tokens[trackId] }).expect(202);
    await post(long.id, 29.9);
    await post(long.id, 30);
    await post(short.id, 19);
    await post(short.id, 20);
    await plays.flush();
    expect((await statsOf(long.id)).map((r) => r.counted)).toEqual([false, true]);
    expect((await statsOf(short.id)).map((r) => r.counted)).toEqual([false, true]);
    expect(await playCount(long.id)).toBe(1);
    expect(await playCount(short.id)).toBe(1);
  });

  it('clamp the duration to what the listener could hear, and decide who is a paying listener', async () => {
    const { app, plays, tokenOf, advance } = setup();
    const track = await paidTrack();
    const listener = await signInAs(db.pool, 'user');
    const buyer = await signInAs(db.pool, 'user');
    await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
    const [listenerToken, buyerToken, anonymousToken] = [
      await tokenOf(track.id, listener.cookie),
      await tokenOf(track.id, buyer.cookie),
      await tokenOf(track.id),
    ];
    advance(10 * MIN);
    await reportPlay(app, { trackId: track.id, seconds: 500, playToken: listenerToken, cookie: listener.cookie });
    await reportPlay(app, { trackId: track.id, seconds: 10_000, playToken: buyerToken, cookie: buyer.cookie });
    await reportPlay(app, { trackId: track.id, seconds: 35, playToken: anonymousToken, sessionId: 'anonymous-1' });
    await plays.flush();
    expect(await statsOf(track.id)).toEqual([
      { user_id: listener.user.id, duration_played_seconds: 40, is_paid_user: false, is_preview: true, counted: true },
      { user_id: buyer.user.id, duration_played_seconds: 200, is_paid_user: true, is_preview: false, counted: true },
      { user_id: null, duration_played_seconds: 35, is_paid_user: false, is_preview: true, counted: true },
    ]);
    const history = await db.pool.query('SELECT user_id FROM play_history WHERE track_id = $1 ORDER BY user_id', [track.id]);
    expect(history.rows.map((r) => r.user_id)).toEqual([listener.user.id, buyer.user.id].sort((a, b) => a - b));
  });

  it('claim no more seconds than have passed since the stream gave out the token', async () => {
    const { app, plays, tokenOf, advance } = setup();
    const track = await paidTrack({ isFree: true });
    const token = await tokenOf(track.id);
    advance(20_000);
    await request(app).post('/api/plays').send({ trackId: track.id, durationPlayedSeconds: 200, playToken: token }).expect(202);
    await plays.flush();
    // 20 s since the token, plus 2 s of slack: not the 30 s a play needs.
    expect(await statsOf(track.id)).toEqual([
      { user_id: null, duration_played_seconds: 22, is_paid_user: false, is_preview: false, counted: false },
    ]);
    expect(await playCount(track.id)).toBe(0);
  });

  it('count a listener at most once per track per 30 minutes', async () => {
    const { app, plays, tokenOf, advance } = setup();
    const track = await paidTrack({ isFree: true });
    const listener = await signInAs(db.pool, 'user');
    const token = await tokenOf(track.id, listener.cookie);
    advance(MIN);
    const play = () =>
      request(app)
        .post('/api/plays')
        .set('Cookie', listener.cookie)
        .send({ trackId: track.id, durationPlayedSeconds: 60, playToken: token })
        .expect(202);
    await play();
    await play(); // same batch
    await plays.flush();
    advance(10 * MIN);
    await play(); // a later batch, inside the window
    await plays.flush();
    expect(await playCount(track.id)).toBe(1);
    advance(21 * MIN);
    await play();
    await plays.flush();
    expect(await playCount(track.id)).toBe(2);
    // Another listener (an anonymous one) counts separately.
    const anonymous = await tokenOf(track.id);
    advance(MIN);
    await reportPlay(app, { trackId: track.id, seconds: 60, playToken: anonymous, sessionId: 'other-session' });
    await plays.flush();
    expect(await playCount(track.id)).toBe(3);
    expect((await statsOf(track.id)).length).toBe(5);
  });

  it('count 50 anonymous reports from one address with fresh session ids as one listener', async () => {
    const { app, plays, tokenOf, advance } = setup();
    const track = await paidTrack({ isFree: true });
    const token = await tokenOf(track.id);
    advance(5 * MIN);
    for (let i = 0; i < 50; i++) {
      const sessionId = `forged-${crypto.randomBytes(8).toString('hex')}`;
      await request(app).post('/api/plays').send({ trackId: track.id, durationPlayedSeconds: 60, sessionId, playToken: token }).expect(202);
    }
    await plays.flush();
    expect((await statsOf(track.id)).length).toBe(50);
    expect(await playCount(track.id)).toBe(1);
  });

  it('refuse reports without a token this store issued to this listener for this track, and stale ones', async () => {
    const { app, plays, tokenOf, advance } = setup();
    const track = await paidTrack({ isFree: true });
    const other = await paidTrack({ isFree: true });
    const listener = await signInAs(db.pool, 'user');
    const mine = await tokenOf(track.id);
    const forOther = await tokenOf(other.id);
    const forUser = await tokenOf(track.id, listener.cookie);
    const [id, issued, mac] = mine.split('.') as [string, string, string];
    advance(MIN);
    const cases: [string, string, number, string][] = [
      ['another track', forOther, 400, 'play_token_invalid'],
      ['another listener', forUser, 400, 'play_token_invalid'],
      ['a forged signature', `${id}.${issued}.${mac.slice(0, 21)}${mac[21] === 'A' ? 'B' : 'A'}`, 400, 'play_token_invalid'],
      ['a moved issue time', `${id}.${Number(issued) - 3600}.${mac}`, 400, 'play_token_invalid'],
      ['a made-up one', `${id}.${issued}.${'x'.repeat(22)}`, 400, 'play_token_invalid'],
      ['no token', '', 400, 'validation_failed'],
    ];
    for (const [label, playToken, status, code] of cases) {
      const res = await request(app)
        .post('/api/plays')
        .send({ trackId: track.id, durationPlayedSeconds: 60, ...(playToken ? { playToken } : {}) });
      expect({ label, status: res.status, code: res.body.error?.code }).toEqual({ label, status, code });
    }
    advance(13 * 60 * MIN);
    const stale = await request(app).post('/api/plays').send({ trackId: track.id, durationPlayedSeconds: 60, playToken: mine });
    expect([stale.status, stale.body.error.code]).toEqual([400, 'play_token_invalid']);
    await plays.flush();
    expect(await statsOf(track.id)).toEqual([]);
  });

  it('refuse malformed reports and tracks the listener cannot hear, storing nothing', async () => {
    const { app, plays } = setup();
    const track = await paidTrack();
    const hidden = await paidTrack({ isPublished: false });
    const silent = await paidTrack({ previewFilename: null, previewSeconds: null });
    const token = (trackId: number) => playTokenFor(db.pool, trackId, { ip: SUPERTEST_IP });
    const playToken = await token(track.id);
    for (const body of [
      {},
      { trackId: track.id, playToken },
      { trackId: 'one', durationPlayedSeconds: 10, playToken },
      { trackId: track.id, durationPlayedSeconds: -1, playToken },
      { trackId: track.id, durationPlayedSeconds: 1e9, playToken },
      { trackId: track.id, durationPlayedSeconds: 10, sessionId: 'bad id!', playToken },
      { trackId: track.id, durationPlayedSeconds: 10, deviceType: 'toaster', playToken },
      { trackId: track.id, durationPlayedSeconds: 10, isPaidUser: true, playToken },
      { trackId: track.id, durationPlayedSeconds: 10, playToken: 'not a token' },
    ]) {
      const res = await request(app).post('/api/plays').send(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: 'validation_failed' });
    }
    await request(app).post('/api/plays').set('Content-Type', 'application/json').send('{"trackId":').expect(400);
    await request(app)
      .post('/api/plays')
      .send({ trackId: 999_999, durationPlayedSeconds: 10, playToken: await token(999_999) })
      .expect(404);
    await request(app)
      .post('/api/plays')
      .send({ trackId: hidden.id, durationPlayedSeconds: 10, playToken: await token(hidden.id) })
      .expect(404);
    const res = await request(app)
      .post('/api/plays')
      .send({ trackId: silent.id, durationPlayedSeconds: 10, playToken: await token(silent.id) })
      .expect(403);
    expect(res.body.error.code).toBe('preview_unavailable');
    await plays.flush();
    for (const t of [track, hidden, silent]) expect(await statsOf(t.id)).toEqual([]);
  });

  it('write 1,000 concurrent reports in a few batched transactions', async () => {
    const plays = new PlayRecorder(db.pool, createLogger('silent')).start();
    const app = testApp(db.pool, { env: { PLAYS_PER_MINUTE: '100000', RATE_LIMIT_MAX: '100000' }, plays });
    const track = await paidTrack({ isFree: true });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/plays`;
    const listeners = await Promise.all(Array.from({ length: 10 }, () => signInAs(db.pool, 'user')));
    const tokens = await Promise.all(listeners.map((l) => playTokenFor(db.pool, track.id, { userId: l.user.id })));
    try {
      const statuses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Cookie: listeners[i % 10]!.cookie },
            body: JSON.stringify({
              trackId: track.id,
              durationPlayedSeconds: 45,
              sessionId: `burst-session-${i}`,
              playToken: tokens[i % 10],
            }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.every((s) => s === 202)).toBe(true);
      await plays.stop();
      expect((await statsOf(track.id)).length).toBe(1000);
      expect(await playCount(track.id)).toBe(10); // ten listeners, each counted once in 30 minutes
      expect(plays.batchesWritten).toBeLessThan(50);
    } finally {
      server.close();
    }
  });

  it('store every accepted report when the server gets SIGTERM in the middle of a burst', async () => {
    const name = newDatabaseName('plays');
    const url = await createDatabase(name, requireEnv(ENV_TEMPLATE));
    try {
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(
        `INSERT INTO tracks (name, artist, audio_filename, is_published, is_free, duration_seconds) VALUES ('Burst', 'X', 'audio/${'e'.repeat(32)}.mp3', true, true, 120) RETURNING id`,
      );
      const trackId = rows[0].id as number;
      // The server listens on loopback: every report comes from 127.0.0.1.
      const playToken = await playTokenFor(client, trackId, { ip: '127.0.0.1' });
      const port = await freePort();
      const server = startServer({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATABASE_URL: url,
        APP_ORIGIN: `http://127.0.0.1:${port}`,
        UPLOAD_DIR: path.join(tempDir('sn-burst-'), 'uploads'),
        PLAYS_PER_MINUTE: '100000',
        RATE_LIMIT_MAX: '100000',
      });
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, server);
      // SIGTERM once the 100th report is taken, so it lands with most of the burst still to come.
      let accepted = 0;
      let answered = 0;
      let answeredAtSignal: number | undefined;
      const unexpected: string[] = [];
      /** How a request may fail once the server stops: it no longer listens, or closes the connection. */
      const STOPPED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
      const posts = Array.from({ length: 1000 }, (_, i) =>
        fetch(`http://127.0.0.1:${port}/api/plays`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ trackId, durationPlayedSeconds: 40, sessionId: `sigterm-session-${i}`, playToken }),
        }).then(
          (r) => {
            answered++;
            if (r.status === 202) accepted++;
            else if (r.status !== 503) unexpected.push(`answered ${r.status}`); // 503: shutting down
            if (accepted === 100 && answeredAtSignal === undefined) {
              answeredAtSignal = answered;
              server.child.kill('SIGTERM');
            }
          },
          (err: { cause?: { code?: string } }) => {
            answered++;
            if (!STOPPED.has(err.cause?.code ?? '')) unexpected.push(`failed: ${err.cause?.code ?? String(err)}`);
          },
        ),
      );
      await Promise.all(posts);
      expect(unexpected).toEqual([]);
      expect(answeredAtSignal).toBeLessThan(1000); // the signal landed mid-burst
      expect(await server.exited).toBe(0);
      const stored = await client.query('SELECT count(*)::int AS n FROM play_stats WHERE track_id = $1', [trackId]);
      await client.end();
      expect(accepted).toBeGreaterThan(0);
      expect(stored.rows[0].n).toBe(accepted);
    } finally {
      await dropDatabase(name);
    }
  });
});
