import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildPurchase, buildTrack } from '../support/factories';
import { decodedSeconds, haveFfmpeg, makeFixture, streamCodec } from '../support/ffmpeg';
import { freePort, startServer, waitForStatus, type ServerProcess } from '../support/server-process';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

/**
 * The real server, killed with SIGKILL while ffmpeg makes a rendition: no
 * rendition is recorded or stored, a download meanwhile says "preparing"
 * (never a partial file), and a server started after takes the job up
 * again within seconds — its lease stopped beating — and finishes it.
 */

jest.setTimeout(180_000);
const db = useTestDatabase();
const uploads = tempDir('sn-transcode-crash-');
const SECONDS = 150;

async function start(port: number): Promise<ServerProcess> {
  const server = startServer({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: db.url,
    APP_ORIGIN: `http://127.0.0.1:${port}`,
    UPLOAD_DIR: uploads,
    FFMPEG_CONCURRENCY: '1',
    JOB_HEARTBEAT_S: '1',
    DEMO_SEED: 'false',
  });
  await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, server);
  return server;
}

/** Work files ffmpeg is writing a rendition into (under incoming/, as the job names them). */
const transcoding = () =>
  fs.existsSync(path.join(uploads, 'incoming'))
    ? fs
        .readdirSync(path.join(uploads, 'incoming'))
        .filter((f) => /-out\.upload\.tmp$/.test(f) && fs.statSync(path.join(uploads, 'incoming', f)).size > 0)
    : [];

(haveFfmpeg() ? describe : describe.skip)('a server killed mid-transcode', () => {
  it('serves no partial file, and the job finishes after a restart', async () => {
    const flac = path.join(uploads, 'master.flac');
    await makeFixture(flac, SECONDS, ['-c:a', 'flac']);
    const key = `audio/${crypto.randomBytes(16).toString('hex')}.flac`;
    fs.mkdirSync(path.join(uploads, 'audio'), { recursive: true });
    fs.copyFileSync(flac, path.join(uploads, key));
    const bytes = fs.readFileSync(flac);
    const track = await buildTrack(db.pool, {
      audioFilename: key,
      audioFormat: 'flac',
      audioMime: 'audio/flac',
      audioSha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      fileSizeBytes: bytes.length,
      durationSeconds: SECONDS,
      isPublished: true,
    });
    const buyer = await signInAs(db.pool, 'user');
    await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
    const recorded = async () =>
      (await db.pool.query(`SELECT count(*)::int AS n FROM renditions WHERE track_id = $1 AND format = 'mp3_320'`, [track.id])).rows[0]
        .n as number;

    const port = await freePort();
    const download = () =>
      fetch(`http://127.0.0.1:${port}/api/tracks/${track.id}/download?format=mp3_320`, { headers: { Cookie: buyer.cookie } });
    const first = await start(port);
    try {
      expect((await download()).status).toBe(202);
      await until(() => transcoding().length > 0, 'ffmpeg to be writing the rendition', 60_000);
      const asked = await download(); // mid-transcode: still preparing, never a partial file
      expect(asked.status).toBe(202);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    expect(await recorded()).toBe(0);
    const stored = fs.existsSync(path.join(uploads, 'renditions')) ? fs.readdirSync(path.join(uploads, 'renditions')) : [];
    expect(stored.filter((f) => f.endsWith('.mp3'))).toEqual([]);

    const second = await start(port);
    try {
      let reply = await download();
      await until(async () => (reply = await download()).status === 200, 'the rendition after the restart', 90_000);
      const out = path.join(uploads, 'out.mp3');
      fs.writeFileSync(out, Buffer.from(await reply.arrayBuffer()));
      expect(await streamCodec(out)).toBe('mp3');
      expect(Math.abs((await decodedSeconds(out)) - SECONDS)).toBeLessThan(0.1); // the whole track, not a part
      expect(await recorded()).toBe(1);
      expect(second.output()).toMatch(/a job whose worker stopped runs again/);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
