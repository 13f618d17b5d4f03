import { createLogger } from '../../lib/logger';
import { Background } from '../../services/background';
import { sendReceipt, sendSalesDigests } from '../../services/ledger/money-mail.service';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { useSmtp } from '../support/smtp';

/**
 * Mail about money over real SMTP (a server in the test process), sent by
 * jobs on the durable queue: the buyer's receipt (items, license, total,
 * VAT, order number, library link), the artist's sale notice (their net,
 * never the buyer's address), the refund notice — each once however often
 * its job runs — and the daily digest for artists who chose it.
 */

const db = useTestDatabase();
const { smtp, mailer } = useSmtp();
const shop = useCheckoutHarness(db, {
  mailer,
  background: new Background(createLogger('silent')),
  durableJobs: true,
  env: { TAX_MODE: 'inclusive', STORE_COUNTRY: 'DE' },
});

describe('mail about money', () => {
  it('sends the receipt, the sale notice and the refund notice once each', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: 'Postal Service' });
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable('10.00', { artistUserId: artist.user.id, name: 'Return to Sender' });
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id], 'balance', 'DE');
    await shop.follow(back, buyer.cookie);

    const receipt = await smtp.nextMailTo(buyer.user.email, 20_000);
    expect(receipt.subject).toBe(`Your Song-Nexus receipt for order #${orderId}`);
    expect(receipt.text).toContain('Return to Sender (personal use)');
    expect(receipt.text).toMatch(/Total\s+10\.00 EUR/);
    expect(receipt.text).toMatch(/of which VAT \(DE 19 %\)\s+1\.60 EUR/);
    expect(receipt.text).toContain(`${shop.config.appOrigin}/library`);
    expect(receipt.html).toContain('<td>Return to Sender (personal use)</td>');

    const sale = await smtp.nextMailTo(artist.user.email, 20_000);
    expect(sale.subject).toBe('You sold “Return to Sender” on Song-Nexus');
    expect(sale.text).toMatch(/Your net after VAT and fees\s+6\.86 EUR/);
    expect(`${sale.text}${sale.html}`).not.toContain(buyer.user.email);

    // The job again (a retry): nothing is sent twice.
    await sendReceipt(shop.deps, orderId);
    const admin = await signInAs(db.pool, 'admin');
    expect((await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie })).status).toBe(200);
    const refund = await smtp.nextMailTo(buyer.user.email, 20_000);
    expect(refund.subject).toBe(`Your Song-Nexus order #${orderId} was refunded`);
    expect(smtp.messages.filter((m) => m.subject?.includes(`order #${orderId}`))).toEqual([]);
  });

  it('mails artists who chose a digest once a day instead of once a sale', async () => {
    const artist = await signInAs(db.pool, 'artist');
    expect((await shop.call('PUT', '/api/artist/mail-settings', { cookie: artist.cookie, json: { saleMail: 'daily' } })).status).toBe(204);
    expect((await shop.call('GET', '/api/artist/mail-settings', { cookie: artist.cookie })).body).toEqual({ saleMail: 'daily' });
    expect((await shop.call('PUT', '/api/artist/mail-settings', { cookie: artist.cookie, json: { saleMail: 'weekly' } })).status).toBe(400);
    const buyer = await signInAs(db.pool, 'user');
    const { track } = await shop.sellable('3.00', { artistUserId: artist.user.id, name: 'Slow Mail' });
    const { back } = await shop.approvedOrder(buyer.cookie, [track.id], 'balance', 'FR');
    await shop.follow(back, buyer.cookie);
    await smtp.nextMailTo(buyer.user.email, 20_000); // the receipt came; no sale notice for this artist
    const tomorrow = new Date(Date.now() + 86_400_000);
    const digestDeps = { ...shop.deps, clock: () => tomorrow };
    await sendSalesDigests(digestDeps);
    const digest = await smtp.nextMailTo(artist.user.email, 10_000);
    expect(digest.subject).toBe(`Your Song-Nexus sales on ${new Date().toISOString().slice(0, 10)}`);
    expect(digest.text).toContain('Slow Mail (personal use, FR)');
    await sendSalesDigests(digestDeps);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.subject?.startsWith('Your Song-Nexus sales'))).toEqual([]);
  });

  it('takes a payout address only once the link mailed to it is opened, once', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const put = (email: string, cookie = artist.cookie) =>
      shop.call('PUT', '/api/artist/payout-settings', { cookie, json: { paypalEmail: email } });
    const asked = await put('payee@paypal.test');
    expect([asked.status, asked.body]).toEqual([
      202,
      {
        status: 'confirmation_sent',
        paypalEmail: null,
        confirmedAt: null,
        pendingEmail: 'payee@paypal.test',
        pendingUntil: expect.any(String),
      },
    ]);
    const mail = await smtp.nextMailTo('payee@paypal.test', 10_000);
    const link = new URL(/https?:\/\/\S+\/payouts\/confirm#token=[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')![0]);
    const token = new URLSearchParams(link.hash.slice(1)).get('token')!;
    const { rows } = await db.pool.query('SELECT token_hash FROM payout_accounts WHERE artist_user_id = $1', [artist.user.id]);
    expect(rows[0].token_hash).not.toContain(token); // only its hash is kept

    const confirm = (t: string) => shop.call('POST', '/api/payouts/confirm', { json: { token: t } });
    expect((await confirm('x'.repeat(43))).body.error.code).toBe('payout_link_invalid');
    const confirmed = await confirm(token);
    expect([confirmed.status, confirmed.body.paypalEmail, confirmed.body.pendingEmail]).toEqual([200, 'payee@paypal.test', null]);
    expect((await confirm(token)).body.error.code).toBe('payout_link_invalid'); // works once
    expect((await shop.call('GET', '/api/artist/payout-settings', { cookie: artist.cookie })).body.paypalEmail).toBe('payee@paypal.test');

    // A new request leaves the confirmed address in force until it is confirmed itself.
    await put('other@paypal.test');
    const pending = (await shop.call('GET', '/api/artist/payout-settings', { cookie: artist.cookie })).body;
    expect([pending.paypalEmail, pending.pendingEmail]).toEqual(['payee@paypal.test', 'other@paypal.test']);
    const listener = await signInAs(db.pool, 'user');
    expect((await put('mine@paypal.test', listener.cookie)).status).toBe(403);
    expect((await put('not an address')).status).toBe(400);
    // Sending mail is rate-limited per account: 5 an hour.
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await put(`again${i}@paypal.test`)).status);
    expect(statuses.slice(-1)).toEqual([429]);
  });
});
