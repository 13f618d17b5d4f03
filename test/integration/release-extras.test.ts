import fs from 'node:fs';
import path from 'node:path';
import { signInAs } from '../support/auth';
import { useCheckoutHarness, type Reply } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { buildPurchase } from '../support/factories';
import { haveFfmpeg, makeFixture } from '../support/ffmpeg';
import { png } from '../support/images';
import { tempDir } from '../support/temp-dir';
import { until } from '../support/until';
import { zipEntries } from '../support/zip';

/**
 * Release extras (a PDF booklet, images) and stored release ZIPs, through
 * the HTTP API on the durable queue: extras are checked by their bytes,
 * bounded and the artist's alone; a first download streams the ZIP with
 * them, a job stores the same bytes, later downloads get the stored ZIP
 * with ranges — and a change to the release makes a new one.
 */

const db = useTestDatabase();
const shop = useCheckoutHarness(db, { durableJobs: true });
const work = tempDir('sn-extras-');

const pdf = (body = 'booklet') => Buffer.from(`%PDF-1.4\n1 0 obj << /Title (${body}) >> endobj\ntrailer << >>\n%%EOF\n`);

async function attach(releaseId: number, cookie: string, bytes: Buffer, filename: string, name?: string): Promise<Reply> {
  const form = new FormData();
  if (name) form.set('name', name);
  form.set('file', new Blob([new Uint8Array(bytes)]), filename);
  const res = await fetch(`${shop.base}/api/artist/releases/${releaseId}/extras`, {
    method: 'POST',
    headers: { Cookie: cookie, Origin: shop.config.appOrigin },
    body: form,
  });
  const raw = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body: JSON.parse(raw.toString()), location: null, bytes: raw };
}

const storedFiles = (folder: string) =>
  fs
    .readdirSync(path.join(shop.config.uploadDir, folder), { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();

(haveFfmpeg() ? describe : describe.skip)('release extras and stored ZIPs', () => {
  let releaseId: number;
  let artist: Awaited<ReturnType<typeof signInAs>>;

  beforeAll(async () => {
    artist = await signInAs(db.pool, 'artist', { displayName: 'Salt Marsh' });
    const release = await shop.call('POST', '/api/artist/releases', { cookie: artist.cookie, json: { title: 'Estuary' } });
    releaseId = release.body.release.id;
    for (const name of ['Inlet', 'Mudflat']) {
      const mp3 = path.join(work, `${name}.mp3`);
      await makeFixture(mp3, 2, ['-c:a', 'libmp3lame', '-b:a', '96k']);
      expect((await shop.uploadInto(releaseId, artist.cookie, mp3, { name })).status).toBe(201);
    }
  });

  it('are checked by their bytes, bounded, and the artist’s alone, leaving nothing behind when refused', async () => {
    const booklet = await attach(releaseId, artist.cookie, pdf(), 'Booklet.PDF');
    expect([booklet.status, booklet.body.extra]).toEqual([
      201,
      { id: expect.any(Number), name: 'Booklet.pdf', mime: 'application/pdf', sizeBytes: pdf().length },
    ]);
    const art = await attach(releaseId, artist.cookie, png(40, 40), 'scan.jpg', '../../Inside sleeve');
    expect([art.status, art.body.extra.name, art.body.extra.mime]).toEqual([201, 'Inside sleeve.png', 'image/png']);
    const before = storedFiles('extras');

    const other = await signInAs(db.pool, 'artist');
    const listener = await signInAs(db.pool, 'user');
    const refusals: [string, Promise<Reply>, number, string][] = [
      [
        'an SVG',
        attach(releaseId, artist.cookie, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.svg'),
        415,
        'unsupported_extra',
      ],
      ['a PDF cut short', attach(releaseId, artist.cookie, pdf().subarray(0, 30), 'cut.pdf'), 422, 'file_truncated'],
      [
        'over 20 MiB',
        attach(releaseId, artist.cookie, Buffer.concat([pdf(), Buffer.alloc(20 * 1024 * 1024)]), 'big.pdf'),
        413,
        'file_too_large',
      ],
      ['the same name again', attach(releaseId, artist.cookie, pdf('again'), 'Booklet.pdf'), 409, 'already_exists'],
      ['another artist', attach(releaseId, other.cookie, pdf(), 'mine.pdf'), 404, 'release_not_found'],
      ['a listener', attach(releaseId, listener.cookie, pdf(), 'mine.pdf'), 403, 'forbidden'],
    ];
    for (const [label, reply, status, code] of refusals) {
      const r = await reply;
      expect({ label, status: r.status, code: r.body.error?.code }).toEqual({ label, status, code });
    }
    for (let i = 0; i < 8; i++) expect((await attach(releaseId, artist.cookie, pdf(`${i}`), `notes ${i}.pdf`)).status).toBe(201);
    const eleventh = await attach(releaseId, artist.cookie, pdf('11'), 'one too many.pdf');
    expect([eleventh.status, eleventh.body.error.code]).toEqual([409, 'too_many_extras']);
    const listed = (await shop.call('GET', `/api/artist/releases/${releaseId}/extras`, { cookie: artist.cookie })).body.extras;
    expect(listed).toHaveLength(10);
    for (const extra of listed.slice(2)) {
      expect((await shop.call('DELETE', `/api/artist/releases/${releaseId}/extras/${extra.id}`, { cookie: artist.cookie })).status).toBe(
        204,
      );
    }
    const gone = await shop.call('DELETE', `/api/artist/releases/${releaseId}/extras/${listed[2].id}`, { cookie: artist.cookie });
    expect([gone.status, gone.body.error.code]).toEqual([404, 'extra_not_found']);
    const stranger = await shop.call('DELETE', `/api/artist/releases/${releaseId}/extras/${listed[0].id}`, { cookie: other.cookie });
    expect(stranger.status).toBe(404);
    expect(storedFiles('extras')).toEqual(before);
  });

  it('go into the ZIP, which is stored after the first download and served with ranges until the release changes', async () => {
    await shop.call('PATCH', `/api/artist/releases/${releaseId}`, { cookie: artist.cookie, json: { isPublished: true } });
    const page = await shop.call('GET', `/api/releases/${releaseId}`);
    expect(page.body.release.extras.map((e: { name: string }) => e.name)).toEqual(['Booklet.pdf', 'Inside sleeve.png']);
    const buyer = await signInAs(db.pool, 'user');
    for (const track of page.body.release.tracks) await buildPurchase(db.pool, { userId: buyer.user.id, trackId: track.id });
    const url = `${shop.base}/api/releases/${releaseId}/download`;

    const first = await fetch(url, { headers: { Cookie: buyer.cookie } });
    expect([first.status, first.headers.get('content-length'), first.headers.get('accept-ranges')]).toEqual([200, null, null]);
    const streamed = Buffer.from(await first.arrayBuffer());
    expect((await zipEntries(streamed)).map((e) => e.name)).toEqual([
      '01 Salt Marsh - Inlet.mp3',
      '02 Salt Marsh - Mudflat.mp3',
      'Booklet.pdf',
      'Inside sleeve.png',
    ]);

    let stored: Response | undefined;
    await until(
      async () => (stored = await fetch(url, { headers: { Cookie: buyer.cookie } })).headers.get('accept-ranges') === 'bytes',
      'the stored ZIP',
      30_000,
    );
    const kept = Buffer.from(await stored!.arrayBuffer());
    expect(kept.equals(streamed)).toBe(true); // the same entries, the same bytes
    expect(stored!.headers.get('etag')).toMatch(/^"z-[0-9a-f]{32}"$/);
    const resumed = await fetch(url, { headers: { Cookie: buyer.cookie, Range: `bytes=${kept.length - 100}-` } });
    expect(resumed.status).toBe(206);
    expect(Buffer.from(await resumed.arrayBuffer()).equals(kept.subarray(kept.length - 100))).toBe(true);
    expect(storedFiles('zips')).toHaveLength(1);

    // A new extra changes what the ZIP holds: streamed again, then stored anew, the old one removed.
    expect((await attach(releaseId, artist.cookie, pdf('lyrics'), 'Lyrics.pdf')).status).toBe(201);
    const changed = await fetch(url, { headers: { Cookie: buyer.cookie } });
    expect(changed.headers.get('accept-ranges')).toBeNull();
    expect((await zipEntries(Buffer.from(await changed.arrayBuffer()))).map((e) => e.name)).toContain('Lyrics.pdf');
    await until(
      async () => (await fetch(url, { method: 'HEAD', headers: { Cookie: buyer.cookie } })).headers.get('accept-ranges') === 'bytes',
      'the new ZIP',
      30_000,
    );
    await until(async () => storedFiles('zips').length === 1, 'the old ZIP removed', 10_000);

    const stranger = await signInAs(db.pool, 'user');
    const refused = await fetch(url, { headers: { Cookie: stranger.cookie } });
    expect(refused.status).toBe(403);
  });
});
