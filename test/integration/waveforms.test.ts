import path from 'node:path';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { haveFfmpeg, makeSignal } from '../support/ffmpeg';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';

/**
 * Waveforms computed by the npm package's ffmpeg on the durable queue from
 * the master uploaded: queued at upload, 202 until made, then 1,000 peaks
 * that follow the music (a quiet first half, a loud second), with a strong
 * validator; visible to whoever may see the track, and to nobody else.
 */

const db = useTestDatabase();
const shop = useCheckoutHarness(db, { durableJobs: true });
const work = tempDir('sn-waveforms-');

(haveFfmpeg() ? describe : describe.skip)('waveforms', () => {
  it('are computed once from the master and served as the seek bar’s peaks', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const listener = await signInAs(db.pool, 'user');
    const flac = path.join(work, 'quiet-then-loud.flac');
    await makeSignal(flac, 'if(lt(t\\,3)\\,0.1\\,0.9)*sin(2*PI*440*t)', 6, ['-c:a', 'flac']);
    const release = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Tides' } });
    const releaseId: number = release.body.release.id;
    const uploaded = await shop.uploadInto(releaseId, artist.cookie, flac, { name: 'Swell', type: 'audio/flac' });
    expect(uploaded.status).toBe(201);
    const trackId: number = uploaded.body.track.id;

    // A draft's waveform is its artist's: nobody else learns the track exists.
    const hidden = await shop.call('GET', `/api/tracks/${trackId}/waveform`, { cookie: listener.cookie });
    expect([hidden.status, hidden.body.error?.code]).toEqual([404, 'track_not_found']);

    let reply = await shop.call('GET', `/api/tracks/${trackId}/waveform`, { cookie: artist.cookie });
    expect([200, 202]).toContain(reply.status); // queued at upload: it may be done already
    await until(
      async () => (reply = await shop.call('GET', `/api/tracks/${trackId}/waveform`, { cookie: artist.cookie })).status === 200,
      'the waveform',
      30_000,
    );
    const { bins, peaks, durationSeconds } = reply.body as { bins: number; peaks: number[]; durationSeconds: number };
    expect([bins, peaks.length, durationSeconds]).toEqual([1000, 1000, 6]);
    expect(peaks.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)).toBe(true);
    const quiet = Math.max(...peaks.slice(20, 480));
    const loud = Math.min(...peaks.slice(520, 980));
    expect(quiet).toBeGreaterThan(15); // 0.1 of full scale is 25.5
    expect(quiet).toBeLessThan(35);
    expect(loud).toBeGreaterThan(215); // 0.9 is 229.5

    const url = `${shop.base}/api/tracks/${trackId}/waveform`;
    const etag = (await fetch(url, { headers: { Cookie: artist.cookie } })).headers.get('etag');
    expect(etag).toMatch(/^"w-[0-9a-f]{32}"$/);
    const again = await fetch(url, { headers: { Cookie: artist.cookie, 'If-None-Match': etag! } });
    expect(again.status).toBe(304);

    await shop.call('PATCH', `/api/artist/releases/${releaseId}`, { cookie: artist.cookie, json: { isPublished: true } });
    const anyone = await shop.call('GET', `/api/tracks/${trackId}/waveform`);
    expect([anyone.status, anyone.body.peaks]).toEqual([200, peaks]);
    const count = await db.pool.query('SELECT count(*)::int AS n FROM waveforms WHERE track_id = $1', [trackId]);
    expect(count.rows[0].n).toBe(1);
  });
});
