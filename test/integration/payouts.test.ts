import { jobHandlers } from '../../services/jobs/handlers';
import { JOBS } from '../../services/jobs/job-queue';
import { GatewayUnavailable, type PaymentGateway } from '../../services/payments/payment-gateway';
import { signInAs } from '../support/auth';
import { startCheckoutHarness, useCheckoutHarness, type CheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { until } from '../support/until';
import { useSmtp } from '../support/smtp';

/**
 * Payouts over PayPal's Payouts API, against the stand-in over HTTP: one
 * batch pays every artist at or above PAYOUT_MINIMUM with a confirmed
 * address; running again pays nothing twice; a failed item (the stand-in's
 * `+fail@` receivers) gives the balance back; a crash after PayPal took the
 * batch is repaired by the reconciliation job, which finds the batch PayPal
 * already has under the same sender_batch_id.
 */

const db = useTestDatabase();
// No hold: every sale is available at once. €5.00 the least paid out.
const ENV = { PAYOUT_HOLD_DAYS: '0', PAYOUT_MINIMUM: '5', PLATFORM_FEE_PERCENT: '10' };
const { smtp, mailer } = useSmtp();
const shop = useCheckoutHarness(db, { env: ENV, mailer });

async function artistWithSale(h: CheckoutHarness, price: string, paypalEmail: string | null) {
  const artist = await signInAs(db.pool, 'artist');
  const buyer = await signInAs(db.pool, 'user');
  const { track } = await h.sellable(price, { artistUserId: artist.user.id });
  const { back } = await h.approvedOrder(buyer.cookie, [track.id]);
  await h.follow(back, buyer.cookie);
  if (paypalEmail)
    await db.pool.query('INSERT INTO payout_accounts (artist_user_id, paypal_email, confirmed_at) VALUES ($1, $2, now())', [
      artist.user.id,
      paypalEmail,
    ]);
  return artist;
}

const balance = async (h: CheckoutHarness, cookie: string) =>
  (await h.call('GET', '/api/artist/earnings', { cookie })).body.balances[0] as { available: string; paidOut: string };
const batchesSent = (h: CheckoutHarness) =>
  h.paypal.standin.exchanges.filter((x) => x.method === 'POST' && x.path === '/v1/payments/payouts');

/** The operator moves money between the store's PayPal account and their bank (the stand-in's control). */
const moveFundsAt = async (h: CheckoutHarness, value: string) =>
  (await fetch(`${h.paypal.url}/standin/funds`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ currency: 'EUR', value }),
  }).then((r) => r.json())) as { currency: string; available: string };

describe('payouts', () => {
  it('pays every artist above the minimum once, and gives a failed payout back to the balance', async () => {
    const admin = await signInAs(db.pool, 'admin');
    // €10.00: PayPal keeps €0.70, the platform €1.00, the artist €8.30.
    const paid = await artistWithSale(shop, '10.00', 'paid@paypal.test');
    const failing = await artistWithSale(shop, '10.00', 'artist+fail@paypal.test');
    const small = await artistWithSale(shop, '3.00', 'small@paypal.test'); // €2.25: below the minimum
    const unconfirmed = await artistWithSale(shop, '10.00', null);

    const run = await shop.call('POST', '/api/admin/payouts/run', { cookie: admin.cookie });
    expect([run.status, run.body.created, run.body.items]).toEqual([200, true, 2]);
    expect(run.body.batch.senderBatchId).toBe(`payouts-${new Date().toISOString().slice(0, 10)}`);
    expect(run.body.batch.paypalBatchId).toMatch(/^[A-Z0-9]{13}$/);
    const again = await shop.call('POST', '/api/admin/payouts/run', { cookie: admin.cookie });
    expect([again.body.created, again.body.batch.id]).toEqual([false, run.body.batch.id]);
    expect(batchesSent(shop)).toHaveLength(1);
    const { rows: audit } = await db.pool.query(`SELECT actor_user_id, action, changes FROM audit_log WHERE target_type = 'payout_batch'`);
    expect(audit).toEqual([
      {
        actor_user_id: admin.user.id,
        action: 'payouts.batch_created',
        changes: { senderBatchId: run.body.batch.senderBatchId, items: 2, totalMinor: 1660, currency: 'EUR' },
      },
    ]);

    const list = await shop.call('GET', '/api/admin/payouts', { cookie: admin.cookie });
    expect(
      list.body.batches[0].items.map((i: { paypalEmail: string; amount: string; status: string }) => [i.paypalEmail, i.amount, i.status]),
    ).toEqual([
      ['paid@paypal.test', '8.30', 'SUCCESS'],
      ['artist+fail@paypal.test', '8.30', 'FAILED'],
    ]);
    expect(await balance(shop, paid.cookie)).toMatchObject({ available: '0.00', paidOut: '8.30' });
    expect(await balance(shop, failing.cookie)).toMatchObject({ available: '8.30', paidOut: '0.00' }); // back in the balance
    expect(await balance(shop, small.cookie)).toMatchObject({ available: '2.25', paidOut: '0.00' });
    expect(await balance(shop, unconfirmed.cookie)).toMatchObject({ available: '8.30', paidOut: '0.00' });
    expect((await shop.call('POST', '/api/admin/payouts/run', { cookie: paid.cookie })).status).toBe(403);
    const report = await shop.call('GET', '/api/admin/reconciliation', { cookie: admin.cookie });
    expect([report.body.checked.payoutBatches, report.body.differences]).toEqual([1, []]);

    // The item webhooks arrived too, and said the same; each artist heard once what became of their payout.
    await until(() => shop.paypal.deliveries.some((d) => d.event.event_type === 'PAYMENT.PAYOUTS-ITEM.FAILED'), 'the payout webhooks');
    const payoutMail = async (to: string) => {
      for (;;) {
        const mail = await smtp.nextMailTo(to); // the sale notice came first
        if (mail.subject?.includes('payout')) return mail;
      }
    };
    const sent = await payoutMail(paid.user.email);
    expect([sent.subject, sent.text]).toEqual([
      'Your Song-Nexus payout was sent',
      expect.stringContaining('8.30 EUR to paid@paypal.test was sent'),
    ]);
    expect((await payoutMail(failing.user.email)).subject).toBe('Your Song-Nexus payout failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.filter((m) => m.subject?.includes('payout'))).toEqual([]);
  });

  it('keeps a batch PayPal refuses for want of funds, and pays it once when the operator has added funds', async () => {
    const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000); // another day's run than the other tests'
    const h = await startCheckoutHarness(db.pool, { env: ENV, clock: inTwoDays });
    const moveFunds = (value: string) => moveFundsAt(h, value);
    try {
      const admin = await signInAs(db.pool, 'admin');
      const artist = await artistWithSale(h, '10.00', 'short@paypal.test'); // PayPal holds €9.30, the artist is owed €8.30
      expect(await moveFunds('-9.30')).toEqual({ currency: 'EUR', available: '0.00' }); // the operator took it all to the bank
      const refused = await h.call('POST', '/api/admin/payouts/run', { cookie: admin.cookie });
      expect([refused.status, refused.body.created, refused.body.batch.paypalBatchId]).toEqual([200, true, null]);
      expect(refused.body.batch.refusal).toMatch(/^422 INSUFFICIENT_FUNDS: Sender does not have sufficient funds/);
      // The batch holds the balance (so no other run pays it too); the admin page shows why it is not sent.
      expect(await balance(h, artist.cookie)).toMatchObject({ available: '0.00', paidOut: '8.30' });
      const listed = (await h.call('GET', '/api/admin/payouts', { cookie: admin.cookie })).body.batches[0];
      expect([listed.refusal, listed.refusedAt]).toEqual([refused.body.batch.refusal, expect.any(String)]);
      const items: { paypalEmail: string; amount: string; status: string }[] = listed.items;
      expect(items.find((i) => i.paypalEmail === 'short@paypal.test')).toMatchObject({ amount: '8.30', status: 'NEW' });
      // (Artists left with a balance by the other tests are in the batch too.)
      const owed = items.reduce((sum, i) => sum + Math.round(Number(i.amount) * 100), 0);

      // Refused again by the reconciliation job while the money is short; taken once it is there.
      const reconcile = () => jobHandlers(h.deps, h.deps.logger)[JOBS.reconcilePayments]({});
      await reconcile();
      expect(batchesSent(h).map((x) => x.status)).toEqual([422, 422]);
      await moveFunds((owed / 100).toFixed(2)); // exactly what the batch needs
      await reconcile();
      await reconcile();
      expect(batchesSent(h).map((x) => x.status)).toEqual([422, 422, 201]);
      const paid = (await h.call('GET', '/api/admin/payouts', { cookie: admin.cookie })).body.batches[0];
      expect([paid.refusal, paid.paypalBatchId]).toEqual([null, expect.stringMatching(/^[A-Z0-9]{13}$/)]);
      expect(paid.items.find((i: { paypalEmail: string }) => i.paypalEmail === 'short@paypal.test').status).toBe('SUCCESS');
      // Paid once: all that is left is what came back from the failed items (the `+fail@` artist of the first test).
      const failed = paid.items.filter((i: { status: string }) => i.status === 'FAILED');
      const back = failed.reduce((sum: number, i: { amount: string }) => sum + Math.round(Number(i.amount) * 100), 0);
      expect((await moveFunds('0.00')).available).toBe((back / 100).toFixed(2));
    } finally {
      await h.close();
    }
  });

  it('records a batch once when the store crashed after PayPal took it, repaired by reconciliation', async () => {
    let crash = true;
    const faulty = (gateway: PaymentGateway): PaymentGateway => ({
      ...gateway,
      async createPayoutBatch(batch) {
        const sent = await gateway.createPayoutBatch(batch);
        if (crash) throw new GatewayUnavailable('injected: the answer was lost after PayPal took the batch');
        return sent;
      },
    });
    // Tomorrow, so this is another day's run.
    const tomorrow = () => new Date(Date.now() + 86_400_000);
    const h = await startCheckoutHarness(db.pool, { env: ENV, wrap: faulty, clock: tomorrow });
    try {
      const admin = await signInAs(db.pool, 'admin');
      const artist = await artistWithSale(h, '10.00', 'crash@paypal.test');
      await moveFundsAt(h, '100.00'); // enough for the balances the other tests left too
      const lost = await h.call('POST', '/api/admin/payouts/run', { cookie: admin.cookie });
      expect([lost.status, lost.body.error.code]).toEqual([502, 'payment_provider_unavailable']);
      // Recorded as paying (so nothing pays it twice), not yet known to PayPal's id.
      expect(await balance(h, artist.cookie)).toMatchObject({ available: '0.00', paidOut: '8.30' });
      crash = false;
      await jobHandlers(h.deps, h.deps.logger)[JOBS.reconcilePayments]({});
      const { rows } = await db.pool.query(
        `SELECT b.paypal_batch_id, i.status FROM payout_items i JOIN payout_batches b ON b.id = i.batch_id WHERE i.artist_user_id = $1`,
        [artist.user.id],
      );
      expect(rows).toEqual([{ paypal_batch_id: expect.stringMatching(/^[A-Z0-9]{13}$/), status: 'SUCCESS' }]);
      // PayPal was sent the batch twice under one sender_batch_id and paid it once.
      expect(batchesSent(h).map((x) => x.status)).toEqual([201, 400]);
      expect((await h.call('POST', '/api/admin/payouts/run', { cookie: admin.cookie })).body.created).toBe(false);
    } finally {
      await h.close();
    }
  });
});
