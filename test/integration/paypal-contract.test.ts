import { STANDIN_CREDENTIALS } from '../../server/config';
import { startPaypalStandin, type RunningStandin } from '../../dev/paypal/standin';
import { forPaypal } from '../../services/payments/paypal-text';
import { createPaypalGateway } from '../../services/payments/paypal-gateway';
import { GatewayUnavailable } from '../../services/payments/payment-gateway';
import { signInAs } from '../support/auth';
import { useCheckoutHarness } from '../support/checkout';
import { useTestDatabase } from '../support/db';
import { contractViolations, paypalSchemas } from '../support/paypal-contract';

/**
 * The stand-in speaks PayPal's contract (test/support/paypal-contract.ts,
 * written from PayPal's OpenAPI reference): the deviations it once had are
 * caught, what PayPal's reference refuses the stand-in refuses the same way,
 * and long or odd item names reach it as PayPal accepts them. Every harness
 * in the suite also checks all its exchanges when it closes.
 */

const db = useTestDatabase();
const shop = useCheckoutHarness(db);

describe('the PayPal contract', () => {
  it('refuses the two deviations the stand-in had: a hex payer id and a webhook id with hyphens', () => {
    // What the stand-in used to make: 13 upper-case hex characters, and its old default webhook id.
    expect(paypalSchemas.accountId.safeParse('3F9A0B1C2D4E5').success).toBe(false);
    expect(paypalSchemas.accountId.safeParse('7KQM4XRT9BHWZ').success).toBe(true);
    const verify = {
      auth_algo: 'SHA256withRSA',
      cert_url: 'https://api.paypal.com/v1/notifications/certs/CERT-1',
      transmission_id: 'a1b2c3d4-e5f6',
      transmission_sig: 'c2lnbmF0dXJl',
      transmission_time: '2026-12-01T10:00:00Z',
      webhook_event: {
        id: 'WH-1',
        create_time: '2026-12-01T10:00:00.000Z',
        resource_type: 'capture',
        event_version: '1.0',
        event_type: 'PAYMENT.CAPTURE.COMPLETED',
        summary: 'x',
        resource: {},
        links: [],
      },
    };
    expect(paypalSchemas.verifyRequest.safeParse({ ...verify, webhook_id: 'WH-STANDIN-0000000000' }).success).toBe(false);
    expect(paypalSchemas.verifyRequest.safeParse({ ...verify, webhook_id: STANDIN_CREDENTIALS.webhookId }).success).toBe(true);
  });

  it('finds a deviation in a recorded exchange, and none in a whole checkout and refund through the store', async () => {
    const buyer = await signInAs(db.pool, 'user');
    const admin = await signInAs(db.pool, 'admin');
    const { track } = await shop.sellable('2.50');
    const { orderId, back } = await shop.approvedOrder(buyer.cookie, [track.id]);
    expect((await shop.follow(back, buyer.cookie)).location).toContain('status=completed');
    expect((await shop.call('POST', `/api/admin/orders/${orderId}/refund`, { cookie: admin.cookie })).body.order.status).toBe('REFUNDED');

    const exchanges = shop.paypal.standin.exchanges;
    const paths = new Set(exchanges.map((x) => `${x.method} ${x.path.replace(/\/[A-Z0-9]{17}(?=\/|$)/g, '/:id')}`));
    expect([...paths].sort()).toEqual(
      expect.arrayContaining([
        'POST /v1/oauth2/token',
        'POST /v2/checkout/orders',
        'POST /v2/checkout/orders/:id/capture',
        'POST /v2/payments/captures/:id/refund',
        'POST /v1/notifications/verify-webhook-signature',
      ]),
    );
    expect(contractViolations(exchanges, shop.paypal.deliveries)).toEqual([]);
    // An answer with the old payer id format is one.
    const captured = exchanges.find((x) => x.path.endsWith('/capture') && x.status === 201)!;
    const old = structuredClone(captured) as { response: { payer: { payer_id: string } } };
    old.response.payer.payer_id = '3F9A0B1C2D4E5';
    expect(contractViolations([old as unknown as typeof captured]).join('\n')).toMatch(/payer\.payer_id/);
  });

  it('sends long names with emoji trimmed to 127 characters, never cutting a character in two', async () => {
    const artist = await signInAs(db.pool, 'artist', { displayName: `🎸 ${'Ä'.repeat(40)} Ünïcødé Bänd 👩🏽‍🎤` });
    const buyer = await signInAs(db.pool, 'user');
    const long = `${'🌊'.repeat(30)} ${'Long name '.repeat(4)}`.slice(0, 98);
    const { track } = await shop.sellable('1.00', {
      artistUserId: artist.user.id,
      artist: `🎸 ${'Ä'.repeat(40)} Ünïcødé Bänd 👩🏽‍🎤`,
      name: long,
    });
    const created = await shop.call('POST', '/api/checkout/orders', { cookie: buyer.cookie, json: { trackIds: [track.id] } });
    expect(created.status).toBe(201);
    const sent = shop.paypal.standin.exchanges.filter((x) => x.path === '/v2/checkout/orders').at(-1)!;
    const name = (sent.body as { purchase_units: { items: { name: string }[] }[] }).purchase_units[0]!.items[0]!.name;
    expect(name.length).toBeLessThanOrEqual(127);
    expect(name.endsWith('…')).toBe(true);
    expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(`${track.artist} – ${track.name}`.startsWith(name.slice(0, -1).trimEnd())).toBe(true);
    expect(contractViolations([sent])).toEqual([]);

    expect(forPaypal('a\u0000b\nc', 127)).toBe('a b c');
    expect(forPaypal('   ', 127)).toBe('Item');
    expect(forPaypal(`${'x'.repeat(125)}👩🏽‍🎤`, 127)).toBe(`${'x'.repeat(125)}…`);
    expect(forPaypal('broken \uD83D here', 127)).toBe('broken \uFFFD here');
  });

  it('turns an order PayPal refuses into the gateway’s outage (a 502 for the buyer), naming PayPal’s issue and field', async () => {
    const gateway = createPaypalGateway(shop.config.paypal);
    const refused = gateway.createOrder({
      orderId: 999_999,
      invoiceId: 'x'.repeat(128),
      currency: 'EUR',
      items: [{ sku: 'track-1', name: 'A song', priceMinor: 100 }],
      totalMinor: 100,
      returnUrl: `${shop.config.appOrigin}/checkout/return`,
      cancelUrl: `${shop.config.appOrigin}/checkout/cancel`,
    });
    await expect(refused).rejects.toBeInstanceOf(GatewayUnavailable);
    await expect(refused).rejects.toThrow(
      /400 INVALID_REQUEST \(INVALID_STRING_MAX_LENGTH at \/purchase_units\/@reference_id=='default'\/invoice_id\) debug_id \w+/,
    );
    // The refused request is the store's own mistake here: drop it from what the harness checks at the end.
    shop.paypal.standin.exchanges.splice(
      shop.paypal.standin.exchanges.findIndex((x) => x.status === 400),
      1,
    );
  });
});

describe('the stand-in refuses what PayPal refuses, as PayPal does', () => {
  let standin: RunningStandin;
  let token = '';
  beforeAll(async () => {
    standin = await startPaypalStandin({ ...STANDIN_CREDENTIALS, record: true });
    const reply = await fetch(`${standin.url}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${STANDIN_CREDENTIALS.clientId}:${STANDIN_CREDENTIALS.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = ((await reply.json()) as { access_token: string }).access_token;
  });
  afterAll(async () => {
    // Its refusals are answers too: each in PayPal's error envelope.
    expect(contractViolations(standin.standin.exchanges, [], { requests: false })).toEqual([]);
    await standin.close();
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${standin.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { name: string; details: { issue: string; field?: string }[] } };
  };
  const order = (items: { name: string; value: string }[], total: string, currency = 'EUR') => ({
    intent: 'CAPTURE',
    purchase_units: [
      {
        reference_id: 'default',
        amount: { currency_code: currency, value: total, breakdown: { item_total: { currency_code: currency, value: total } } },
        items: items.map((i) => ({ name: i.name, quantity: '1', unit_amount: { currency_code: currency, value: i.value } })),
      },
    ],
  });
  const refusal = (r: Awaited<ReturnType<typeof post>>) => [r.status, r.body.name, r.body.details[0]?.issue, r.body.details[0]?.field];

  it.each([
    [
      'an item name over 127 characters',
      order([{ name: 'x'.repeat(128), value: '1.00' }], '1.00'),
      {},
      [400, 'INVALID_REQUEST', 'INVALID_STRING_MAX_LENGTH', "/purchase_units/@reference_id=='default'/items/0/name"],
    ],
    [
      'an empty item name',
      order([{ name: '', value: '1.00' }], '1.00'),
      {},
      [400, 'INVALID_REQUEST', 'INVALID_STRING_MIN_LENGTH', "/purchase_units/@reference_id=='default'/items/0/name"],
    ],
    [
      'a total that is not the sum of the items',
      order([{ name: 'a', value: '1.00' }], '2.00'),
      {},
      [422, 'UNPROCESSABLE_ENTITY', 'ITEM_TOTAL_MISMATCH', undefined],
    ],
    [
      'decimals in yen',
      order([{ name: 'a', value: '100.00' }], '100.00', 'JPY'),
      {},
      [422, 'UNPROCESSABLE_ENTITY', 'DECIMALS_NOT_SUPPORTED', "/purchase_units/@reference_id=='default'/amount/value"],
    ],
    [
      'three decimals in euros',
      order([{ name: 'a', value: '1.005' }], '1.005'),
      {},
      [422, 'UNPROCESSABLE_ENTITY', 'DECIMAL_PRECISION', "/purchase_units/@reference_id=='default'/amount/value"],
    ],
    [
      'a PayPal-Request-Id over 108 characters',
      order([{ name: 'a', value: '1.00' }], '1.00'),
      { 'PayPal-Request-Id': 'r'.repeat(109) },
      [400, 'INVALID_REQUEST', 'INVALID_STRING_MAX_LENGTH', 'PayPal-Request-Id'],
    ],
  ])('%s', async (_what, body, headers, expected) => {
    expect(refusal(await post('/v2/checkout/orders', body, headers as Record<string, string>))).toEqual(expected);
  });

  it('refuses to verify a webhook for an id that is not PayPal’s format', async () => {
    const reply = await post('/v1/notifications/verify-webhook-signature', {
      auth_algo: 'SHA256withRSA',
      cert_url: `${standin.url}/v1/notifications/certs/CERT-STANDIN`,
      transmission_id: 'abc-1',
      transmission_sig: 'c2ln',
      transmission_time: new Date().toISOString(),
      webhook_id: 'WH-STANDIN-0000000000',
      webhook_event: { id: 'WH-1' },
    });
    expect(refusal(reply)).toEqual([400, 'INVALID_REQUEST', 'INVALID_PARAMETER_SYNTAX', '/webhook_id']);
  });
});
