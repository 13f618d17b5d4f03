import { Writable } from 'node:stream';
import request from 'supertest';
import { startPaypalStandin, type RunningStandin } from '../../dev/paypal/standin';
import { createLogger } from '../../lib/logger';
import { STANDIN_CREDENTIALS } from '../../server/config';
import { PaymentCredentials } from '../../services/payments/credential-check';
import { GatewayUnavailable } from '../../services/payments/payment-gateway';
import { createPaypalGateway } from '../../services/payments/paypal-gateway';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildTrack } from '../support/factories';
import { testApp } from '../support/app';

/**
 * Payments an operator can check before the first sale: PayPal (the
 * stand-in over HTTP) refusing the store's credentials is known at start,
 * shown by /readyz, and every failed call keeps its cause for the log.
 */

const db = useTestDatabase();
let standin: RunningStandin;
beforeAll(async () => {
  standin = await startPaypalStandin({ ...STANDIN_CREDENTIALS });
});
afterAll(() => standin.close());

const gatewayWith = (clientSecret: string) =>
  createPaypalGateway({ ...STANDIN_CREDENTIALS, clientSecret, env: 'standin', standinUrl: standin.url, timeoutMs: 3_000 });

describe('PayPal credentials', () => {
  it('are checked by signing in, and a refusal says PayPal’s own reason, never the secret', async () => {
    await expect(gatewayWith(STANDIN_CREDENTIALS.clientSecret).checkCredentials!()).resolves.toBeUndefined();
    const refused = gatewayWith('a-wrong-secret').checkCredentials!();
    await expect(refused).rejects.toBeInstanceOf(GatewayUnavailable);
    await expect(refused).rejects.toThrow(/sign-in \(OAuth token\) failed: 401 invalid_client \(Client Authentication failed\)/);
    await expect(refused).rejects.not.toThrow(/a-wrong-secret/);
    // Any call with those credentials is an outage of the store's (502), not a client's mistake.
    await expect(gatewayWith('a-wrong-secret').getOrder('5O190127TN364715T')).rejects.toThrow(/order lookup failed: 401 invalid_client/);
  });

  it('keep the network’s cause too', async () => {
    const nowhere = createPaypalGateway({ ...STANDIN_CREDENTIALS, env: 'standin', standinUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    await expect(nowhere.checkCredentials!()).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a checkout with refused credentials answers 502 and the log line names the cause', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const app = testApp(db.pool, { payments: gatewayWith('a-wrong-secret'), logger: createLogger('info', sink) });
    const buyer = await signInAs(db.pool, 'user');
    const track = await buildTrack(db.pool, { priceEur: '2.00' });
    const res = await request(app)
      .post('/api/checkout/orders')
      .set('Cookie', buyer.cookie)
      .set('Origin', 'http://store.test')
      .send({ items: [{ kind: 'track', id: track.id }] });
    expect([res.status, res.body.error.code]).toEqual([502, 'payment_provider_unavailable']);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; err?: { message: string } }).find((l) => l.msg === 'request failed');
    expect(logged?.err?.message).toMatch(/401 invalid_client \(Client Authentication failed\)/);
    expect(lines.join('')).not.toContain('a-wrong-secret');
  });

  it('are reported by /readyz as a dependency that degrades the store but leaves it ready, and checked again a minute later', async () => {
    let now = 0;
    let accepted = false;
    const credentials = new PaymentCredentials(
      {
        checkCredentials: async () => {
          if (!accepted) throw new GatewayUnavailable('PayPal sign-in failed: 401 invalid_client');
        },
      },
      () => now,
    );
    expect(await credentials.verify()).toEqual({ ok: false, reason: 'PayPal sign-in failed: 401 invalid_client', at: 0 });
    const app = testApp(db.pool, { paymentCredentials: credentials });
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body.dependencies.paypal).toMatchObject({ ok: false, required: false });
    accepted = true;
    now = 30_000;
    expect(await credentials.healthy()).toBe(false); // not asked again yet
    now = 61_000;
    expect(await credentials.healthy()).toBe(true);
    expect((await request(app).get('/readyz').expect(200)).body.dependencies.paypal).toMatchObject({ ok: true });
  });
});
