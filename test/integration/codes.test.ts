import { codeHash, CODE_BITS, normaliseCode } from '../../services/pricing/code-words';
import { Background } from '../../services/background';
import { jobHandlers } from '../../services/jobs/handlers';
import { JOBS } from '../../services/jobs/job-queue';
import { createLogger } from '../../lib/logger';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { useSmtp } from '../support/smtp';

/**
 * Download codes and gifts over HTTP: an artist's batch of 100 codes
 * exported as CSV, one redeemed (and never twice), guesses refused and
 * rate-limited; a gift paid at the PayPal stand-in whose mail arrives over
 * real SMTP, claimed once by its link, revoked by a refund.
 */

const db = useTestDatabase();
const { smtp, mailer } = useSmtp();
const shop = useCheckoutHarness(db, {
  mailer,
  background: new Background(createLogger('silent')),
  // The gift mail goes through the durable queue, as in the server.
  durableJobs: true,
});

const redeem = (cookie: string, code: string) => shop.call('POST', '/api/redeem', { cookie, json: { code } });
const ownedIds = async (cookie: string) =>
  (await shop.call('GET', '/api/me/purchases?pageSize=100', { cookie })).body.purchases
    .filter((p: { revokedAt: string | null }) => !p.revokedAt)
    .map((p: { trackId: number }) => p.trackId)
    .sort((a: number, b: number) => a - b);
const idsOf = (tracks: { id: number }[]) => tracks.map((t) => t.id).sort((a, b) => a - b);

describe('download codes', () => {
  it('makes 100 unambiguous codes, exports them as CSV, and redeems one once for the whole release', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const fan = await signInAs(db.pool, 'user');
    const late = await signInAs(db.pool, 'user');
    const release = await shop.sellableRelease(artist, 3);

    const made = await shop.call('POST', `/api/artist/releases/${release.id}/download-codes`, {
      cookie: artist.cookie,
      json: { count: 100 },
    });
    expect(made.status).toBe(201);
    const codes: string[] = made.body.codes.map((c: { code: string }) => c.code);
    expect(new Set(codes).size).toBe(100);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(CODE_BITS).toBeGreaterThan(50);
    // Only the hash finds a code: the table holds no code in the clear.
    const stored = await db.pool.query('SELECT code_hash, code_sealed FROM download_codes WHERE release_id = $1', [release.id]);
    expect(stored.rows.map((r) => r.code_hash.toString('hex')).sort()).toEqual(
      codes.map((c) => codeHash(normaliseCode(c)!).toString('hex')).sort(),
    );
    expect(stored.rows.some((r) => r.code_sealed.toString('latin1').includes(codes[0]!.slice(0, 4)))).toBe(false);

    const csv = await shop.call('GET', `/api/artist/releases/${release.id}/download-codes.csv`, { cookie: artist.cookie });
    const lines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('code,created_at,redeemed_at,status');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(codes);
    const stranger = await signInAs(db.pool, 'artist');
    expect((await shop.call('GET', `/api/artist/releases/${release.id}/download-codes.csv`, { cookie: stranger.cookie })).status).toBe(404);

    // Typed in lower case without hyphens, it still works — once.
    const first = await redeem(fan.cookie, codes[0]!.toLowerCase().replace(/-/g, ''));
    expect([first.status, first.body]).toEqual([201, { redeemed: { kind: 'release', id: release.id, gift: false } }]);
    expect(await ownedIds(fan.cookie)).toEqual(idsOf(release.tracks));
    const purchases = (await shop.call('GET', '/api/me/purchases', { cookie: fan.cookie })).body.purchases;
    expect(purchases.every((p: { source: string; licenseType: string }) => p.source === 'code' && p.licenseType === 'personal')).toBe(true);
    const again = await redeem(late.cookie, codes[0]!);
    expect([again.status, again.body.error.code]).toEqual([409, 'download_code_redeemed']);
    const owned = await redeem(fan.cookie, codes[1]!);
    expect([owned.status, owned.body.error.code]).toEqual([409, 'already_owned']);
    const guessed = await redeem(late.cookie, 'ABCD-EFGH-JKMN');
    expect([guessed.status, guessed.body.error.code]).toEqual([404, 'download_code_invalid']);
    expect(await ownedIds(late.cookie)).toEqual([]);

    const after = (await shop.call('GET', `/api/artist/releases/${release.id}/download-codes`, { cookie: artist.cookie })).body.codes;
    expect(after.filter((c: { redeemedAt: string | null }) => c.redeemedAt).map((c: { code: string }) => c.code)).toEqual([codes[0]]);
    // A code switched off before use redeems nothing.
    expect((await shop.call('DELETE', `/api/artist/download-codes/${after[2].id}`, { cookie: artist.cookie })).status).toBe(204);
    const off = await redeem(late.cookie, codes[2]!);
    expect([off.status, off.body.error.code]).toEqual([404, 'download_code_invalid']);
  });

  it('answers 429 after a run of wrong codes from one account, and refuses to redeem signed out', async () => {
    const guesser = await signInAs(db.pool, 'user');
    const replies = [];
    for (let i = 0; i < 20; i++)
      replies.push(await redeem(guesser.cookie, `ZZZZ-ZZZZ-ZZ${'23456789AB'[i % 10]}${'23456789AB'[Math.floor(i / 10)]}`));
    const statuses = replies.map((r) => r.status);
    expect(statuses.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => 404));
    expect(statuses.slice(10)).toEqual(Array.from({ length: 10 }, () => 429));
    expect(replies[10]!.body.error.code).toBe('rate_limited');
    const signedOut = await shop.call('POST', '/api/redeem', { json: { code: 'ZZZZ-ZZZZ-ZZZZ' } });
    expect(signedOut.status).toBe(401);
  });
});

describe('gifts', () => {
  it('mails a claim link over SMTP after the payment, grants whoever claims it once, and a refund revokes it', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const giver = await signInAs(db.pool, 'user', { displayName: 'Grace' });
    const friend = await signInAs(db.pool, 'user');
    const other = await signInAs(db.pool, 'user');
    const admin = await signInAs(db.pool, 'admin');
    const release = await shop.sellableRelease(artist, 2, { price: '6.00' });

    const created = await shop.call('POST', '/api/checkout/orders', {
      cookie: giver.cookie,
      json: { items: [{ kind: 'release', id: release.id }], gift: { email: 'friend@example.test', message: 'Happy birthday!' } },
    });
    expect([created.status, created.body.amount]).toEqual([201, '6.00']);
    const back = await shop.approve(created.body.approveUrl);
    expect((await shop.follow(back, giver.cookie)).location).toContain('status=completed');
    expect(await ownedIds(giver.cookie)).toEqual([]);

    const mail = await smtp.nextMailTo('friend@example.test');
    expect(mail.subject).toBe('Grace sent you music on Song-Nexus');
    expect(mail.text).toContain('Happy birthday!');
    const link = new URL(/https?:\/\/\S+\/redeem\?code=\S+/.exec(mail.text ?? '')![0]);
    const code = link.searchParams.get('code')!;
    expect(normaliseCode(code)).toBeDefined();
    // The job run again (a retry after a lost answer) sends nothing more.
    await jobHandlers(shop.deps, shop.deps.logger)[JOBS.giftMail]({ orderId: created.body.orderId });
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.subject?.includes('sent you music'))).toEqual([]);

    const claimed = await redeem(friend.cookie, code);
    expect([claimed.status, claimed.body.redeemed]).toEqual([201, { kind: 'release', id: release.id, gift: true }]);
    expect(await ownedIds(friend.cookie)).toEqual(idsOf(release.tracks));
    const second = await redeem(other.cookie, code);
    expect([second.status, second.body.error.code]).toEqual([409, 'download_code_redeemed']);
    const status = (await shop.call('GET', `/api/me/orders/${created.body.orderId}`, { cookie: giver.cookie })).body.order.gift;
    expect(status).toEqual({
      email: 'friend@example.test',
      items: [{ trackId: null, releaseId: release.id, claimedAt: expect.any(String), revoked: false }],
    });

    const refund = await shop.call('POST', `/api/admin/orders/${created.body.orderId}/refund`, { cookie: admin.cookie });
    expect(refund.body.order.status).toBe('REFUNDED');
    expect(await ownedIds(friend.cookie)).toEqual([]);
    const revoked = (await shop.call('GET', `/api/me/orders/${created.body.orderId}`, { cookie: giver.cookie })).body.order.gift;
    expect(revoked.items[0].revoked).toBe(true);
    // The mail was a job on the durable queue: the admin area counts it, and a listener may not look.
    const jobs = await shop.call('GET', '/api/admin/jobs', { cookie: admin.cookie });
    expect(jobs.body.jobs).toEqual(expect.arrayContaining([{ queue: 'gift-mail', state: 'completed', count: expect.any(Number) }]));
    expect((await shop.call('GET', '/api/admin/jobs', { cookie: friend.cookie })).status).toBe(403);
  });

  it('stops an unclaimed gift’s link working once the order is refunded', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const giver = await signInAs(db.pool, 'user');
    const friend = await signInAs(db.pool, 'user');
    const admin = await signInAs(db.pool, 'admin');
    const { track } = await shop.sellable('1.50', { artistUserId: artist.user.id });
    const created = await shop.call('POST', '/api/checkout/orders', {
      cookie: giver.cookie,
      json: { items: [{ kind: 'track', id: track.id }], gift: { email: 'later@example.test' } },
    });
    const back = await shop.approve(created.body.approveUrl);
    expect((await shop.follow(back, giver.cookie)).location).toContain('status=completed');
    const code = new URL(
      /https?:\/\/\S+\/redeem\?code=\S+/.exec((await smtp.nextMailTo('later@example.test')).text ?? '')![0],
    ).searchParams.get('code')!;
    expect((await shop.call('POST', `/api/admin/orders/${created.body.orderId}/refund`, { cookie: admin.cookie })).body.order.status).toBe(
      'REFUNDED',
    );
    const dead = await redeem(friend.cookie, code);
    expect([dead.status, dead.body.error.code]).toEqual([404, 'download_code_invalid']);
  });
});

describe('bad input to the pricing routes', () => {
  it('answers every malformed body with a 4xx and a stable code, and writes nothing', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const other = await signInAs(db.pool, 'artist');
    const buyer = await signInAs(db.pool, 'user');
    const release = await shop.sellableRelease(artist, 1);
    const counts = async () =>
      (
        await db.pool.query(
          `SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM discount_codes)::int AS codes,
             (SELECT count(*) FROM download_codes)::int AS downloads, (SELECT count(*) FROM purchases)::int AS purchases`,
        )
      ).rows[0];
    const before = await counts();
    const cases: [string, string, string, unknown, number, string][] = [
      ['buyer', 'POST', '/api/checkout/orders', { items: [{ kind: 'release', id: release.id, amount: 12 }] }, 400, 'validation_failed'],
      [
        'buyer',
        'POST',
        '/api/checkout/orders',
        { items: [{ kind: 'release', id: release.id, amount: '-1.00' }] },
        400,
        'validation_failed',
      ],
      ['buyer', 'POST', '/api/checkout/orders', { items: [{ kind: 'release', id: release.id, amount: '6.00' }] }, 400, 'invalid_value'],
      [
        'buyer',
        'POST',
        '/api/checkout/orders',
        { items: [{ kind: 'release', id: release.id, license: 'forever' }] },
        400,
        'validation_failed',
      ],
      [
        'buyer',
        'POST',
        '/api/checkout/orders',
        { items: [{ kind: 'release', id: release.id }], discountCode: 'A\u0000B' },
        400,
        'validation_failed',
      ],
      [
        'buyer',
        'POST',
        '/api/checkout/orders',
        { items: [{ kind: 'release', id: release.id }], gift: { email: 'not an address' } },
        400,
        'validation_failed',
      ],
      [
        'buyer',
        'POST',
        '/api/checkout/orders',
        { items: [{ kind: 'release', id: release.id, license: 'commercial' }], gift: { email: 'a@example.test' } },
        400,
        'invalid_value',
      ],
      ['buyer', 'POST', '/api/redeem', { code: ['A'] }, 400, 'validation_failed'],
      ['buyer', 'POST', '/api/redeem', { code: 'x'.repeat(41) }, 400, 'validation_failed'],
      ['buyer', 'POST', '/api/library', { kind: 'album', id: release.id }, 400, 'validation_failed'],
      ['buyer', 'POST', '/api/library', { kind: 'release', id: 2_147_483_647 }, 404, 'release_not_found'],
      ['buyer', 'POST', '/api/artist/codes', { code: 'MINE', percentOff: 10 }, 403, 'forbidden'],
      ['artist', 'POST', '/api/artist/codes', { code: 'BOTH', percentOff: 10, amountOff: '1.00' }, 400, 'invalid_value'],
      ['artist', 'POST', '/api/artist/codes', { code: 'NEITHER' }, 400, 'invalid_value'],
      ['artist', 'POST', '/api/artist/codes', { code: 'a b', percentOff: 10 }, 400, 'validation_failed'],
      ['artist', 'POST', '/api/artist/codes', { code: 'HUGE', percentOff: 101 }, 400, 'validation_failed'],
      [
        'artist',
        'POST',
        '/api/artist/codes',
        { code: 'BACKWARDS', percentOff: 5, startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' },
        400,
        'invalid_value',
      ],
      ['artist', 'POST', `/api/artist/releases/${release.id}/download-codes`, { count: 1001 }, 400, 'validation_failed'],
      ['artist', 'POST', `/api/artist/releases/${release.id}/download-codes`, { count: '5' }, 400, 'validation_failed'],
      ['other', 'POST', `/api/artist/releases/${release.id}/download-codes`, { count: 5 }, 404, 'release_not_found'],
      [
        'artist',
        'PATCH',
        `/api/artist/releases/${release.id}`,
        { priceModel: 'name_your_price', minimumPrice: '5.00', suggestedPrice: '4.00' },
        400,
        'invalid_value',
      ],
      ['artist', 'PATCH', `/api/artist/releases/${release.id}`, { price: '500.01' }, 400, 'invalid_value'],
      ['artist', 'PATCH', `/api/artist/releases/${release.id}`, { streamingPrice: '0.00' }, 400, 'invalid_value'],
      ['artist', 'PATCH', `/api/artist/releases/${release.id}`, { priceModel: 'auction' }, 400, 'validation_failed'],
    ];
    const cookies: Record<string, string> = { artist: artist.cookie, other: other.cookie, buyer: buyer.cookie };
    for (const [who, method, url, json, status, code] of cases) {
      const reply = await shop.call(method, url, { cookie: cookies[who], json });
      expect({ url, json, status: reply.status, code: reply.body?.error?.code }).toEqual({ url, json, status, code });
    }
    expect(await counts()).toEqual(before);
    const theirs = await shop.call('POST', '/api/artist/codes', { cookie: artist.cookie, json: { code: 'ARTISTONLY', percentOff: 10 } });
    const off = await shop.call('DELETE', `/api/artist/codes/${theirs.body.code.id}`, { cookie: other.cookie });
    expect([off.status, off.body.error.code]).toEqual([422, 'discount_code_invalid']);
  });
});
