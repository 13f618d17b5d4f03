import crypto from 'node:crypto';
import type http from 'node:http';
import express, { type Request, type Response } from 'express';
import { STANDIN_CREDENTIALS } from '../../server/config';
import { approvalPage, countryOf, fundingOf, withQuery } from './approval-page';
import { cents, invalidRequest, newId, newPayerId, paypalError, requestRefused, resourceNotFound, unprocessable } from './paypal-errors';
import { orderRequestIssue, requestIdIssue, verifyRequestIssue } from './request-rules';
import { recordInto, type Exchange } from './exchanges';

export type { Exchange };
import { resourceJson, type Money, type StoredCapture, type StoredOrder } from './resources';
import { rawMember, WebhookSender, type Delivery, type VerifyRequest } from './webhooks';
import { installPayouts } from './payouts';
import { installBankControls } from './bank-controls';
import { balanceOfCapture } from './fees';

/** A request with the text of its JSON body as received. */
type RawBodied = Request & { rawBody?: string };

/**
 * A local stand-in for the subset of PayPal's REST API that Song-Nexus uses,
 * for tests and the offline demo — never for production (the app's
 * configuration refuses PAYPAL_ENV=standin there). It speaks PayPal's paths,
 * status codes, error names and issue codes:
 *
 * - POST /v1/oauth2/token (client credentials, HTTP Basic)
 * - POST /v2/checkout/orders, GET /v2/checkout/orders/:id
 * - GET /checkoutnow?token=… — the approval page behind the order's `approve` link
 * - POST /v2/checkout/orders/:id/capture
 * - POST /v2/payments/captures/:id/refund
 * - POST /v1/notifications/verify-webhook-signature
 *
 * and sends signed webhooks (CHECKOUT.ORDER.APPROVED, PAYMENT.CAPTURE.*) to
 * `webhookUrl`. `PayPal-Request-Id` makes create, capture and refund
 * idempotent (the same id replays the first answer). `PayPal-Mock-Response:
 * {"mock_application_codes":"INSTRUMENT_DECLINED"}` (or another code) fails
 * the call as PayPal's negative testing does; the stand-in's own code
 * "CAPTURE_PENDING" makes a capture come back PENDING.
 *
 * What happens at the bank later has control endpoints that are not PayPal's:
 * POST /standin/captures/:id/settle {"outcome":"COMPLETED"|"DECLINED"} and
 * POST /standin/captures/:id/reverse (a chargeback). State lives in memory.
 */

export interface StandinOptions {
  clientId: string;
  clientSecret: string;
  /** Where to send webhooks, and the webhook id they are signed for. */
  webhookUrl?: string;
  webhookId?: string;
  /** Keep every call of PayPal's API and its answer in `exchanges` (tests check them against PayPal's reference). */
  record?: boolean;
}

export interface PaypalStandin {
  app: express.Express;
  webhooks: WebhookSender;
  /** How many captures each order has had: PayPal charges once per capture. */
  captureCount(orderId: string): number;
  /** An order as GET /v2/checkout/orders/:id shows it. */
  order(orderId: string): unknown;
  /** Every API call and answer, when `record` is set. */
  exchanges: Exchange[];
}

export function createPaypalStandin(options: StandinOptions, baseUrl: () => string): PaypalStandin {
  const app = express();
  const tokens = new Map<string, number>();
  const orders = new Map<string, StoredOrder>();
  const captures = new Map<string, StoredCapture>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const webhookId = options.webhookId ?? STANDIN_CREDENTIALS.webhookId;
  const webhooks = new WebhookSender(
    options.webhookUrl ? { url: options.webhookUrl, webhookId } : undefined,
    () => `${baseUrl()}/v1/notifications/certs/CERT-STANDIN`,
  );
  app.disable('x-powered-by');
  // The raw body is kept: a webhook's signature is checked over the exact bytes the receiver sends back.
  app.use(
    express.json({
      limit: '1mb',
      verify: (req, _res, buf) => void ((req as RawBodied).rawBody = buf.toString('utf8')),
    }),
  );
  app.use(express.urlencoded({ extended: false }));
  const exchanges: Exchange[] = [];
  if (options.record) app.use(['/v1', '/v2'], recordInto(exchanges));

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
    const [id, secret] = Buffer.from(encoded ?? '', 'base64')
      .toString('utf8')
      .split(':');
    if (scheme !== 'Basic' || id !== options.clientId || secret !== options.clientSecret) {
      return void res.status(401).json({ error: 'invalid_client', error_description: 'Client Authentication failed' });
    }
    if (req.body?.grant_type !== 'client_credentials') {
      return void res.status(400).json({ error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' });
    }
    const token = `A21AA${crypto.randomBytes(24).toString('base64url')}`;
    tokens.set(token, Date.now() + 32_400_000);
    res.json({
      scope: 'https://uri.paypal.com/services/payments/payment',
      access_token: token,
      token_type: 'Bearer',
      app_id: 'APP-STANDIN',
      expires_in: 32_400,
      nonce: newId(),
    });
  });

  // Everything below needs a bearer token from /v1/oauth2/token.
  app.use(['/v1/notifications', '/v1/payments', '/v2'], (req, res, next) => {
    const [scheme, token] = (req.get('authorization') ?? '').split(' ');
    const expires = token ? tokens.get(token) : undefined;
    if (scheme !== 'Bearer' || !expires || expires < Date.now()) {
      return paypalError(
        res,
        401,
        'AUTHENTICATION_FAILURE',
        'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
      );
    }
    const badRequestId = requestIdIssue(req.get('paypal-request-id'));
    if (badRequestId) return requestRefused(res, badRequestId);
    next();
  });

  const { captureJson, orderJson, refundJson } = resourceJson(baseUrl);
  // The merchant's PayPal balance in a currency, before payouts: what a payout batch is paid from.
  const takings = (currency: string) =>
    [...captures.values()].filter((c) => c.amount.currency_code === currency).reduce((sum, c) => sum + balanceOfCapture(c), 0);
  installPayouts(app, { baseUrl, webhooks, takings, mockCode });

  app.post(
    '/v2/checkout/orders',
    idempotent('create', (req, res) => {
      const body = req.body as {
        intent?: string;
        purchase_units?: Record<string, unknown>[];
        payment_source?: { paypal?: { experience_context?: { return_url?: string; cancel_url?: string } } };
        application_context?: { return_url?: string; cancel_url?: string };
      };
      if (body.intent !== 'CAPTURE' && body.intent !== 'AUTHORIZE') return invalidRequest(res, 'INVALID_PARAMETER_VALUE', 'intent');
      const unit = body.purchase_units?.[0] as
        | {
            amount?: Money & { breakdown?: { item_total?: Money } };
            items?: { unit_amount?: Money; quantity?: string }[];
            invoice_id?: string;
          }
        | undefined;
      // What PayPal's reference refuses: lengths, formats, decimals the currency does not have (even ".00" in yen).
      const refused = orderRequestIssue(body);
      if (refused) return requestRefused(res, refused);
      if (!unit?.amount || Number.isNaN(cents(unit.amount.value)) || !/^[A-Z]{3}$/.test(unit.amount.currency_code ?? '')) {
        return invalidRequest(res, 'MISSING_REQUIRED_PARAMETER', 'purchase_units[0].amount');
      }
      if (unit.items?.length) {
        const itemTotal = unit.items.reduce((sum, item) => sum + cents(item.unit_amount?.value) * Number(item.quantity ?? '1'), 0);
        if (cents(unit.amount.breakdown?.item_total?.value) !== itemTotal) {
          return unprocessable(
            res,
            'ITEM_TOTAL_MISMATCH',
            'Should equal sum of (unit_amount * quantity) across all items for a given purchase_unit.',
          );
        }
        if (cents(unit.amount.value) !== itemTotal) {
          return unprocessable(
            res,
            'AMOUNT_MISMATCH',
            'Should equal item_total + tax_total + shipping + handling + insurance - shipping_discount - discount.',
          );
        }
      }
      if (
        unit.invoice_id &&
        [...orders.values()].some(
          (o) => o.captures.length && (o.purchase_units[0] as { invoice_id?: string }).invoice_id === unit.invoice_id,
        )
      ) {
        return unprocessable(
          res,
          'DUPLICATE_INVOICE_ID',
          'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice ID be unique for each transaction.',
        );
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
        funding: 'balance',
        captures: [],
        create_time: new Date().toISOString(),
      };
      orders.set(order.id, order);
      res.status(201).json(orderJson(order));
    }),
  );

  app.get('/v2/checkout/orders/:id', (req, res) => {
    const order = orders.get(String(req.params.id));
    if (!order) return resourceNotFound(res);
    res.json(orderJson(order));
  });

  // The buyer's side: what the `approve` link opens.
  app.get('/checkoutnow', (req, res) => {
    const order = orders.get(String(req.query.token ?? ''));
    if (!order) return void res.status(404).type('html').send('<!doctype html><title>PayPal stand-in</title><p>Unknown order.</p>');
    approvalPage(res, order);
  });

  app.post('/checkoutnow/approve', (req, res) => {
    const order = orders.get(String(req.body?.token ?? ''));
    if (!order) return void res.status(404).send('Unknown order.');
    if (order.status === 'CREATED') {
      order.status = 'APPROVED';
      order.funding = fundingOf(req);
      order.payer = {
        email_address: String(req.body?.email || 'buyer@standin.test'),
        payer_id: newPayerId(),
        name: { given_name: 'Stand', surname: 'In' },
        ...(countryOf(req) ? { address: { country_code: countryOf(req)! } } : {}),
      };
      webhooks.emit('CHECKOUT.ORDER.APPROVED', 'checkout-order', orderJson(order), `An order has been approved by buyer`);
    }
    res.redirect(303, withQuery(order.returnUrl, { token: order.id, PayerID: order.payer?.payer_id ?? '' }));
  });

  app.post('/checkoutnow/cancel', (req, res) => {
    const order = orders.get(String(req.body?.token ?? ''));
    if (!order) return void res.status(404).send('Unknown order.');
    res.redirect(303, withQuery(order.cancelUrl, { token: order.id }));
  });

  app.post(
    '/v2/checkout/orders/:id/capture',
    idempotent('capture', (req, res) => {
      const order = orders.get(String(req.params.id));
      if (!order) return resourceNotFound(res);
      const mock = mockCode(req);
      if (mock && mock !== 'CAPTURE_PENDING' && mock !== 'INSTRUMENT_DECLINED') return unprocessable(res, mock, `Mocked ${mock}.`);
      if (order.status === 'CREATED') return unprocessable(res, 'ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
      if (order.status === 'VOIDED')
        return unprocessable(res, 'ORDER_COMPLETED_OR_VOIDED', 'Order is voided or completed and hence cannot be captured.');
      if (order.status === 'COMPLETED')
        return unprocessable(
          res,
          'ORDER_ALREADY_CAPTURED',
          "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
        );
      if (mock === 'INSTRUMENT_DECLINED' || order.funding === 'declined') {
        order.status = 'CREATED'; // the buyer approves again with another funding source
        order.payer = undefined;
        return unprocessable(
          res,
          'INSTRUMENT_DECLINED',
          'The instrument presented was either declined by the processor or bank, or it can\u2019t be used for this payment.',
          [{ href: `${baseUrl()}/checkoutnow?token=${order.id}`, rel: 'redirect', method: 'GET' }],
        );
      }
      const capture: StoredCapture = {
        id: newId(),
        orderId: order.id,
        status: mock === 'CAPTURE_PENDING' || order.funding === 'pending' ? 'PENDING' : 'COMPLETED',
        amount: order.amount,
        create_time: new Date().toISOString(),
      };
      captures.set(capture.id, capture);
      order.captures.push(capture);
      order.status = 'COMPLETED';
      webhooks.emit(
        `PAYMENT.CAPTURE.${capture.status}`,
        'capture',
        captureJson(capture),
        `Payment ${capture.status.toLowerCase()} for ${capture.amount.value} ${capture.amount.currency_code}`,
      );
      res.status(201).json(orderJson(order));
    }),
  );

  app.post(
    '/v2/payments/captures/:id/refund',
    idempotent('refund', (req, res) => {
      const capture = captures.get(String(req.params.id));
      if (!capture) return resourceNotFound(res);
      if (capture.status === 'REFUNDED')
        return unprocessable(res, 'CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded.');
      if (capture.status !== 'COMPLETED')
        return unprocessable(res, 'REFUND_NOT_ALLOWED', 'Refund cannot be issued for a capture that is not completed.');
      capture.status = 'REFUNDED';
      const refund = refundJson(capture, newId());
      webhooks.emit(
        'PAYMENT.CAPTURE.REFUNDED',
        'refund',
        refund,
        `A ${capture.amount.value} ${capture.amount.currency_code} capture payment was refunded`,
      );
      res.status(201).json(refund);
    }),
  );

  app.post('/v1/notifications/verify-webhook-signature', (req, res) => {
    const body = req.body as VerifyRequest;
    const refused = verifyRequestIssue((body ?? {}) as Record<string, unknown>);
    if (refused) return requestRefused(res, refused);
    const rawEvent = rawMember((req as RawBodied).rawBody ?? '', 'webhook_event');
    res.json({ verification_status: webhooks.verify(body, rawEvent, webhookId) });
  });

  app.get('/v1/notifications/certs/:name', (_req, res) => void res.type('text/plain').send(webhooks.publicKeyPem()));

  installBankControls(app, { orders, captures, webhooks, captureJson, refundJson });

  return {
    app,
    webhooks,
    exchanges,
    captureCount: (orderId) => orders.get(orderId)?.captures.length ?? 0,
    order: (orderId) => {
      const order = orders.get(orderId);
      return order && orderJson(order);
    },
  };
}

export interface RunningStandin {
  url: string;
  server: http.Server;
  standin: PaypalStandin;
  /** The signed webhook deliveries so far, oldest first. */
  deliveries: Delivery[];
  close(): Promise<void>;
}

/** Starts the stand-in on a loopback port (0: any free one). */
export function startPaypalStandin(options: StandinOptions, port = 0, host = '127.0.0.1'): Promise<RunningStandin> {
  let url = '';
  const standin = createPaypalStandin(options, () => url);
  return new Promise((resolve, reject) => {
    const server = standin.app.listen(port, host, () => {
      const address = server.address() as { port: number };
      url = `http://${host}:${address.port}`;
      resolve({
        url,
        server,
        standin,
        deliveries: standin.webhooks.deliveries,
        close: async () => {
          await standin.webhooks.settled();
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
        },
      });
    });
    server.once('error', reject);
  });
}
