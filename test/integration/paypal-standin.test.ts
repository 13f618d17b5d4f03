import type http from 'node:http';
import { startPaypalStandin, type RunningStandin } from '../../dev/paypal/standin';
import { contractViolations } from '../support/paypal-contract';

/** The PayPal stand-in, driven over HTTP as the checkout gateway will drive it. */
let server: http.Server;
let base: string;
let token: string;

const CLIENT = { clientId: 'standin-client', clientSecret: 'standin-secret' };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text, location: res.headers.get('location') };
}

const orderBody = (value = '2.48') => ({
  intent: 'CAPTURE',
  purchase_units: [
    {
      reference_id: 'default',
      custom_id: '42',
      invoice_id: `inv-${Math.random()}`,
      amount: { currency_code: 'EUR', value, breakdown: { item_total: { currency_code: 'EUR', value: '2.48' } } },
      items: [
        { name: 'Song one', quantity: '1', unit_amount: { currency_code: 'EUR', value: '1.29' } },
        { name: 'Song two', quantity: '1', unit_amount: { currency_code: 'EUR', value: '1.19' } },
      ],
    },
  ],
  payment_source: {
    paypal: { experience_context: { return_url: 'http://store.test/checkout/return', cancel_url: 'http://store.test/checkout/cancel' } },
  },
});

/** Approves an order the way a buyer does: the approval page's form. */
async function approve(orderId: string) {
  const res = await fetch(`${base}/checkoutnow/approve`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: orderId, email: 'buyer@example.test' }),
  });
  return res.headers.get('location')!;
}

let standin: RunningStandin;
beforeAll(async () => {
  standin = await startPaypalStandin({ ...CLIENT, record: true });
  ({ server, url: base } = standin);
  const res = await fetch(`${base}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  expect(res.status).toBe(200);
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  // Every answer the stand-in gave these tests, refusals included, is as PayPal's reference says (the requests are the tests' own, some malformed on purpose).
  expect(contractViolations(standin.standin.exchanges, standin.deliveries, { requests: false })).toEqual([]);
});

describe('PayPal stand-in', () => {
  it('issues tokens only for the right client credentials, and refuses calls without one', async () => {
    const bad = await fetch(`${base}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from('standin-client:wrong').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: 'Client Authentication failed' });
    const anonymous = await call('POST', '/v2/checkout/orders', orderBody(), { Authorization: 'Bearer nope' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.name).toBe('AUTHENTICATION_FAILURE');
  });

  it('creates, approves through its page, captures once, and refunds', async () => {
    const created = await call('POST', '/v2/checkout/orders', orderBody());
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('CREATED');
    const approveLink = created.body.links.find((l: { rel: string }) => l.rel === 'approve').href as string;
    const page = await fetch(approveLink);
    expect(await page.text()).toContain('Approve payment');

    const early = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`);
    expect([early.status, early.body.details[0].issue]).toEqual([422, 'ORDER_NOT_APPROVED']);

    const back = new URL(await approve(created.body.id));
    expect(back.origin + back.pathname).toBe('http://store.test/checkout/return');
    expect(back.searchParams.get('token')).toBe(created.body.id);

    const captured = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, undefined, { 'PayPal-Request-Id': 'cap-1' });
    expect(captured.status).toBe(201);
    expect(captured.body.status).toBe('COMPLETED');
    expect(captured.body.payer.email_address).toBe('buyer@example.test');
    const capture = captured.body.purchase_units[0].payments.captures[0];
    expect(capture).toMatchObject({ status: 'COMPLETED', amount: { currency_code: 'EUR', value: '2.48' } });

    // The same request id replays the same answer; a new one meets the real rule.
    const replay = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, undefined, { 'PayPal-Request-Id': 'cap-1' });
    expect(replay).toMatchObject({ status: 201, body: captured.body });
    const again = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, undefined, { 'PayPal-Request-Id': 'cap-2' });
    expect([again.status, again.body.details[0].issue]).toEqual([422, 'ORDER_ALREADY_CAPTURED']);

    const fetched = await call('GET', `/v2/checkout/orders/${created.body.id}`);
    expect(fetched.body.status).toBe('COMPLETED');

    const refund = await call('POST', `/v2/payments/captures/${capture.id}/refund`, {}, { 'PayPal-Request-Id': 'ref-1' });
    expect([refund.status, refund.body.status]).toEqual([201, 'COMPLETED']);
    const twice = await call('POST', `/v2/payments/captures/${capture.id}/refund`, {}, { 'PayPal-Request-Id': 'ref-2' });
    expect([twice.status, twice.body.details[0].issue]).toEqual([422, 'CAPTURE_FULLY_REFUNDED']);
  });

  it('replays a create with the same PayPal-Request-Id instead of making a second order', async () => {
    const a = await call('POST', '/v2/checkout/orders', orderBody(), { 'PayPal-Request-Id': 'create-1' });
    const b = await call('POST', '/v2/checkout/orders', orderBody(), { 'PayPal-Request-Id': 'create-1' });
    expect(b.body.id).toBe(a.body.id);
  });

  it('checks totals like PayPal', async () => {
    const mismatch = await call('POST', '/v2/checkout/orders', orderBody('9.99'));
    expect([mismatch.status, mismatch.body.name, mismatch.body.details[0].issue]).toEqual([422, 'UNPROCESSABLE_ENTITY', 'AMOUNT_MISMATCH']);
    const body = orderBody();
    body.purchase_units[0]!.amount.breakdown.item_total.value = '1.00';
    const items = await call('POST', '/v2/checkout/orders', body);
    expect(items.body.details[0].issue).toBe('ITEM_TOTAL_MISMATCH');
  });

  it('fails on request with PayPal-Mock-Response, and can return a PENDING capture', async () => {
    const created = await call('POST', '/v2/checkout/orders', orderBody());
    await approve(created.body.id);
    const declined = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, undefined, {
      'PayPal-Mock-Response': JSON.stringify({ mock_application_codes: 'INSTRUMENT_DECLINED' }),
    });
    expect([declined.status, declined.body.details[0].issue]).toEqual([422, 'INSTRUMENT_DECLINED']);
    expect(declined.body.links[0]).toMatchObject({ rel: 'redirect' });
    // The buyer approves again (another funding source) and the capture goes through, pending.
    await approve(created.body.id);
    const pending = await call('POST', `/v2/checkout/orders/${created.body.id}/capture`, undefined, {
      'PayPal-Mock-Response': JSON.stringify({ mock_application_codes: 'CAPTURE_PENDING' }),
    });
    expect(pending.body.purchase_units[0].payments.captures[0].status).toBe('PENDING');
  });

  it('fails a payout batch on request (PayPal-Mock-Response or a sandbox test value) and pays only from the balance', async () => {
    const batch = (id: string, value: string, note = 'Earnings') => ({
      sender_batch_header: { sender_batch_id: id, email_subject: 'A payout' },
      items: [
        { recipient_type: 'EMAIL', receiver: 'artist@example.test', note, sender_item_id: `${id}-1`, amount: { currency: 'EUR', value } },
      ],
    });
    const mocked = await call('POST', '/v1/payments/payouts', batch('mock-1', '1.00'), {
      'PayPal-Mock-Response': JSON.stringify({ mock_application_codes: 'SENDER_RESTRICTED' }),
    });
    expect([mocked.status, mocked.body.name]).toEqual([403, 'SENDER_RESTRICTED']);
    const noted = await call('POST', '/v1/payments/payouts', batch('mock-2', '1.00', 'ERRPYO005'));
    expect([noted.status, noted.body.name]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    // Nothing was refused for good: the same id goes through once the balance holds it.
    const balance = await call('POST', '/standin/funds', { currency: 'EUR', value: '0.00' });
    const more = (Number(balance.body.available) + 1).toFixed(2); // a euro more than the captures above left
    const short = await call('POST', '/v1/payments/payouts', batch('mock-2', more));
    expect([short.status, short.body.name]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    await call('POST', '/standin/funds', { currency: 'EUR', value: '2.00' });
    const paid = await call('POST', '/v1/payments/payouts', batch('mock-2', more));
    expect([paid.status, paid.body.batch_header.batch_status]).toEqual([201, 'PENDING']);
    expect((await call('POST', '/standin/funds', { currency: 'EUR', value: '0.00' })).body.available).toBe('1.00');
    expect((await call('POST', '/standin/funds', { currency: 'EUR', value: 'a lot' })).status).toBe(400);
  });

  it('answers unknown orders with RESOURCE_NOT_FOUND, and cancelling returns to the cancel URL', async () => {
    const missing = await call('GET', '/v2/checkout/orders/NOPE');
    expect([missing.status, missing.body.name, missing.body.details[0].issue]).toEqual([404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID']);
    const created = await call('POST', '/v2/checkout/orders', orderBody());
    const res = await fetch(`${base}/checkoutnow/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: created.body.id }),
    });
    expect(res.headers.get('location')).toBe(`http://store.test/checkout/cancel?token=${created.body.id}`);
  });
});
