import crypto from 'node:crypto';
import type http from 'node:http';
import express, { type Request, type Response } from 'express';

/**
 * A local stand-in for the subset of PayPal's REST API that Song-Nexus uses,
 * for tests and the offline demo — never for production (the app's
 * configuration refuses PAYPAL_ENV=standin there). It speaks PayPal's paths,
 * status codes, error names and issue codes:
 *
 * - POST /v1/oauth2/token (client credentials, HTTP Basic)
 * - POST /v2/checkout/orders, GET /v2/checkout/orders/:id
 * - GET /checkoutnow?token=… — the approval page behind the order's
 *   `approve` link, with Approve and Cancel buttons
 * - POST /v2/checkout/orders/:id/capture
 * - POST /v2/payments/captures/:id/refund
 *
 * `PayPal-Request-Id` makes create, capture and refund idempotent (the same
 * id replays the first answer). `PayPal-Mock-Response:
 * {"mock_application_codes":"INSTRUMENT_DECLINED"}` (or another code) makes
 * the call fail as PayPal's negative testing does. Stand-in extension: the
 * code "CAPTURE_PENDING" makes a capture come back PENDING.
 * State lives in memory.
 */

export interface StandinOptions {
  clientId: string;
  clientSecret: string;
}

interface Money {
  currency_code: string;
  value: string;
}

interface StoredOrder {
  id: string;
  intent: string;
  status: 'CREATED' | 'APPROVED' | 'COMPLETED';
  purchase_units: Record<string, unknown>[];
  amount: Money;
  returnUrl: string | undefined;
  cancelUrl: string | undefined;
  payer?: { email_address: string; payer_id: string };
  captures: StoredCapture[];
  create_time: string;
}

interface StoredCapture {
  id: string;
  orderId: string;
  status: 'COMPLETED' | 'PENDING' | 'REFUNDED';
  amount: Money;
  create_time: string;
}

const newId = (length = 17) => crypto.randomBytes(16).toString('hex').toUpperCase().slice(0, length);

/** PayPal's error body. */
function paypalError(res: Response, status: number, name: string, message: string, issue?: string, description?: string, links: object[] = []) {
  res.status(status).json({
    name,
    message,
    debug_id: newId(13).toLowerCase(),
    ...(issue ? { details: [{ issue, description: description ?? issue }] } : { details: [] }),
    links,
  });
}

const unprocessable = (res: Response, issue: string, description: string, links: object[] = []) =>
  paypalError(res, 422, 'UNPROCESSABLE_ENTITY', 'The requested action could not be performed, semantically incorrect, or failed business validation.', issue, description, links);

/** Cents of a PayPal amount string, or NaN when it is not one. */
function cents(value: unknown): number {
  return typeof value === 'string' && /^\d{1,7}(\.\d{1,2})?$/.test(value) ? Math.round(Number(value) * 100) : NaN;
}

export function createPaypalStandin(options: StandinOptions): express.Express & { baseUrl?: string } {
  const app = express();
  const tokens = new Map<string, number>();
  const orders = new Map<string, StoredOrder>();
  const captures = new Map<string, StoredCapture>();
  const replies = new Map<string, { status: number; body: unknown }>();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false }));

  const base = (req: Request) => `${req.protocol}://${req.get('host')}`;

  /** Replays the first answer to a PayPal-Request-Id; otherwise runs `handle` and remembers what it sent. */
  const idempotent = (scope: string, handle: (req: Request, res: Response) => void) => (req: Request, res: Response) => {
    const requestId = req.get('paypal-request-id');
    const key = requestId ? `${scope}:${req.path}:${requestId}` : undefined;
    const replay = key ? replies.get(key) : undefined;
    if (replay) return void res.status(replay.status).json(replay.body);
    if (key) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        replies.set(key, { status: res.statusCode, body });
        return json(body);
      };
    }
    handle(req, res);
  };

  const mockCode = (req: Request): string | undefined => {
    const header = req.get('paypal-mock-response');
    if (!header) return undefined;
    try {
      return (JSON.parse(header) as { mock_application_codes?: string }).mock_application_codes;
    } catch {
      return undefined;
    }
  };

  app.post('/v1/oauth2/token', (req, res) => {
    const [scheme, encoded] = (req.get('authorization') ?? '').split(' ');
    const [id, secret] = Buffer.from(encoded ?? '', 'base64').toString('utf8').split(':');
    if (scheme !== 'Basic' || id !== options.clientId || secret !== options.clientSecret) {
      return void res.status(401).json({ error: 'invalid_client', error_description: 'Client Authentication failed' });
    }
    if (req.body?.grant_type !== 'client_credentials') {
      return void res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' });
    }
    const token = `A21AA${crypto.randomBytes(24).toString('base64url')}`;
    tokens.set(token, Date.now() + 32_400_000);
    res.json({ scope: 'https://uri.paypal.com/services/payments/payment', access_token: token, token_type: 'Bearer', app_id: 'APP-STANDIN', expires_in: 32_400, nonce: newId() });
  });

  // Everything below needs a bearer token from /v1/oauth2/token.
  app.use(['/v1/notifications', '/v2'], (req, res, next) => {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    const expires = token ? tokens.get(token) : undefined;
    if (scheme !== 'Bearer' || !expires || expires < Date.now()) {
      return paypalError(res, 401, 'AUTHENTICATION_FAILURE', 'Authentication failed due to invalid authentication credentials or a missing Authorization header.');
    }
    next();
  });

  const orderJson = (req: Request, order: StoredOrder) => ({
    id: order.id,
    intent: order.intent,
    status: order.status,
    create_time: order.create_time,
    ...(order.payer ? { payer: order.payer } : {}),
    purchase_units: order.purchase_units.map((unit) => ({
      ...unit,
      ...(order.captures.length
        ? { payments: { captures: order.captures.map((c) => ({ id: c.id, status: c.status, amount: c.amount, final_capture: true, create_time: c.create_time })) } }
        : {}),
    })),
    links: [
      { href: `${base(req)}/v2/checkout/orders/${order.id}`, rel: 'self', method: 'GET' },
      { href: `${base(req)}/checkoutnow?token=${order.id}`, rel: 'approve', method: 'GET' },
      { href: `${base(req)}/v2/checkout/orders/${order.id}/capture`, rel: 'capture', method: 'POST' },
    ],
  });

  app.post(
    '/v2/checkout/orders',
    idempotent('create', (req, res) => {
      const body = req.body as { intent?: string; purchase_units?: Record<string, unknown>[]; payment_source?: { paypal?: { experience_context?: { return_url?: string; cancel_url?: string } } }; application_context?: { return_url?: string; cancel_url?: string } };
      if (body.intent !== 'CAPTURE' && body.intent !== 'AUTHORIZE') {
        return paypalError(res, 400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', 'INVALID_PARAMETER_VALUE', 'intent');
      }
      const unit = body.purchase_units?.[0] as { amount?: Money & { breakdown?: { item_total?: Money } }; items?: { unit_amount?: Money; quantity?: string }[] } | undefined;
      if (!unit?.amount || Number.isNaN(cents(unit.amount.value)) || !/^[A-Z]{3}$/.test(unit.amount.currency_code ?? '')) {
        return paypalError(res, 400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', 'MISSING_REQUIRED_PARAMETER', 'purchase_units[0].amount');
      }
      if (unit.items?.length) {
        const itemTotal = unit.items.reduce((sum, item) => sum + cents(item.unit_amount?.value) * Number(item.quantity ?? '1'), 0);
        if (cents(unit.amount.breakdown?.item_total?.value) !== itemTotal) {
          return unprocessable(res, 'ITEM_TOTAL_MISMATCH', 'Should equal sum of (unit_amount * quantity) across all items for a given purchase_unit.');
        }
        if (cents(unit.amount.value) !== itemTotal) {
          return unprocessable(res, 'AMOUNT_MISMATCH', 'Should equal item_total + tax_total + shipping + handling + insurance - shipping_discount - discount.');
        }
      }
      const context = body.payment_source?.paypal?.experience_context ?? body.application_context ?? {};
      const order: StoredOrder = {
        id: newId(),
        intent: body.intent,
        status: 'CREATED',
        purchase_units: body.purchase_units!,
        amount: { currency_code: unit.amount.currency_code, value: unit.amount.value },
        returnUrl: context.return_url,
        cancelUrl: context.cancel_url,
        captures: [],
        create_time: new Date().toISOString(),
      };
      orders.set(order.id, order);
      res.status(201).json(orderJson(req, order));
    }),
  );

  app.get('/v2/checkout/orders/:id', (req, res) => {
    const order = orders.get(String(req.params.id));
    if (!order) return paypalError(res, 404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist. Please check the resource ID and try again.');
    res.json(orderJson(req, order));
  });

  // The buyer's side: what the `approve` link opens.
  app.get('/checkoutnow', (req, res) => {
    const order = orders.get(String(req.query.token ?? ''));
    if (!order) return void res.status(404).type('html').send('<!doctype html><title>PayPal stand-in</title><p>Unknown order.</p>');
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PayPal stand-in — approve payment</title></head>
<body><main><h1>PayPal (local stand-in)</h1><p>Pay ${order.amount.value} ${order.amount.currency_code} for order ${order.id}.</p>
<form method="post" action="/checkoutnow/approve"><input type="hidden" name="token" value="${order.id}">
<label>Buyer email <input name="email" type="email" value="buyer@standin.test"></label>
<button type="submit">Approve payment</button></form>
<form method="post" action="/checkoutnow/cancel"><input type="hidden" name="token" value="${order.id}"><button type="submit">Cancel and return</button></form>
</main></body></html>`);
  });

  const decide = (decision: 'approve' | 'cancel') => (req: Request, res: Response) => {
    const order = orders.get(String(req.body?.token ?? ''));
    if (!order) return void res.status(404).send('Unknown order.');
    if (decision === 'cancel') {
      return void res.redirect(303, `${order.cancelUrl ?? '/'}${order.cancelUrl?.includes('?') ? '&' : '?'}token=${order.id}`);
    }
    if (order.status === 'CREATED') {
      order.status = 'APPROVED';
      order.payer = { email_address: String(req.body?.email || 'buyer@standin.test'), payer_id: newId(13) };
    }
    res.redirect(303, `${order.returnUrl ?? '/'}${order.returnUrl?.includes('?') ? '&' : '?'}token=${order.id}&PayerID=${order.payer?.payer_id ?? ''}`);
  };
  app.post('/checkoutnow/approve', decide('approve'));
  app.post('/checkoutnow/cancel', decide('cancel'));

  app.post(
    '/v2/checkout/orders/:id/capture',
    idempotent('capture', (req, res) => {
      const order = orders.get(String(req.params.id));
      if (!order) return paypalError(res, 404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
      const mock = mockCode(req);
      if (mock === 'INSTRUMENT_DECLINED') {
        order.status = 'CREATED'; // the buyer approves again with another funding source
        order.payer = undefined;
        return unprocessable(res, 'INSTRUMENT_DECLINED', 'The instrument presented was either declined by the processor or bank, or it can\u2019t be used for this payment.', [
          { href: `${base(req)}/checkoutnow?token=${order.id}`, rel: 'redirect', method: 'GET' },
        ]);
      }
      if (mock && mock !== 'CAPTURE_PENDING') return unprocessable(res, mock, `Mocked ${mock}.`);
      if (order.status === 'CREATED') return unprocessable(res, 'ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
      if (order.status === 'COMPLETED') return unprocessable(res, 'ORDER_ALREADY_CAPTURED', 'Order already captured.If \'intent=CAPTURE\' only one capture per order is allowed.');
      const capture: StoredCapture = {
        id: newId(),
        orderId: order.id,
        status: mock === 'CAPTURE_PENDING' ? 'PENDING' : 'COMPLETED',
        amount: order.amount,
        create_time: new Date().toISOString(),
      };
      captures.set(capture.id, capture);
      order.captures.push(capture);
      order.status = 'COMPLETED';
      res.status(201).json(orderJson(req, order));
    }),
  );

  app.post(
    '/v2/payments/captures/:id/refund',
    idempotent('refund', (req, res) => {
      const capture = captures.get(String(req.params.id));
      if (!capture) return paypalError(res, 404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', 'INVALID_RESOURCE_ID', 'Specified resource ID does not exist.');
      if (capture.status === 'REFUNDED') return unprocessable(res, 'CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded.');
      capture.status = 'REFUNDED';
      res.status(201).json({
        id: newId(),
        status: 'COMPLETED',
        amount: capture.amount,
        links: [{ href: `${base(req)}/v2/payments/captures/${capture.id}`, rel: 'up', method: 'GET' }],
      });
    }),
  );

  return app;
}

/** Starts the stand-in on a loopback port; resolves with its base URL and server. */
export function startPaypalStandin(options: StandinOptions, port = 0): Promise<{ url: string; server: http.Server }> {
  const app = createPaypalStandin(options);
  return new Promise((resolve) => {
    const server = app.listen(port, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}`, server });
    });
  });
}
