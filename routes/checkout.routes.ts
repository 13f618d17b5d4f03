import { Router, type Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import { LICENSE_TYPES } from '../contract/api';
import type { CheckoutResult } from '../contract/checkout';
import { price } from './catalog-fields';
import { captureOwnOrder, captureReturningBuyer, findOwnOrderByPaypalId } from '../services/checkout/capture.service';
import { createCheckoutOrder, MAX_ORDER_TRACKS, quoteCheckout } from '../services/checkout/checkout.service';
import { formatMinor } from '../lib/money';
import type { RouteDeps } from './deps';
import { AppError, parseInput } from '../lib/errors';
import { createLimiter, type RateLimitBackend } from '../server/middleware/rate-limit';
import { presentOrder } from './order.presenter';
import { emailField, idParam } from './request';
import { doc } from './api-doc';

const dbId = z.number().int().positive().max(2_147_483_647);
const item = z
  .object({
    kind: z.enum(['track', 'release']),
    id: dbId,
    amount: price.optional(),
    license: z.enum(LICENSE_TYPES).optional(),
  })
  .strict();
const orderOptions = {
  discountCode: z.string().trim().min(1).max(40).optional(),
  gift: z
    .object({ email: emailField, message: z.string().trim().max(500).optional() })
    .strict()
    .optional(),
};
/** `items` of either kind; `trackIds` as before, for clients that buy tracks only. */
const createBody = z.union([
  z.object({ items: z.array(item).min(1).max(MAX_ORDER_TRACKS), ...orderOptions }).strict(),
  z
    .object({ trackIds: z.array(dbId).min(1).max(MAX_ORDER_TRACKS), ...orderOptions })
    .strict()
    .transform(({ trackIds, ...rest }) => ({ ...rest, items: trackIds.map((id) => ({ kind: 'track' as const, id })) })),
]);
/** PayPal's order ids are short upper-case alphanumerics. */
const returnQuery = z.object({ token: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }).loose();

const RESULT_PAGE = '/checkout/result';

function toResultPage(res: Response, status: CheckoutResult, orderId?: number) {
  const query = new URLSearchParams({ status, ...(orderId ? { order: String(orderId) } : {}) });
  res.redirect(303, `${RESULT_PAGE}?${query.toString()}`);
}

/** Buying: create an order, come back from PayPal, capture. */
export function checkoutRoutes(deps: RouteDeps, limits: RateLimitBackend): Router {
  const router = Router();
  // Each call costs a PayPal call: a buyer gets a few a minute, not a flood.
  // Counted per signed-in buyer (many buyers may share one address), else per IP.
  const perBuyer = (name: string, limit: number) =>
    createLimiter(limits, {
      name,
      // Orders and captures are priced and checked by the store itself: a Redis outage must not stop sales.
      whenDown: 'allow',
      windowMs: 60_000,
      limit,
      keyGenerator: (req) => (req.actor ? `user:${req.actor.userId}` : ipKeyGenerator(req.ip ?? '')),
      message: 'Too many checkout requests. Try again in a minute.',
    });
  const creating = perBuyer('checkout-create', 20);
  // A buyer's browser and API client may retry captures; each is idempotent at PayPal.
  const capturing = perBuyer('checkout-capture', 60);

  router.post(
    '/api/checkout/orders',
    doc({
      summary: 'Create an order at PayPal; answers where to approve it',
      access: 'signed in',
      body: createBody,
      response: { status: 201 },
    }),
    creating,
    async (req, res) => {
      const { order, approveUrl } = await createCheckoutOrder(deps, req.actor, parseInput(createBody, req.body, 'body'));
      res.status(201).json({ orderId: order.id, approveUrl, amount: order.amount, currency: order.currency });
    },
  );

  // The cart asks again whenever an amount, a license or the code changes: cheap, but not unbounded.
  const quoting = perBuyer('checkout-quote', 120);
  router.post(
    '/api/checkout/quote',
    doc({ summary: 'Price a cart (codes, amounts chosen) without ordering', access: 'signed in', body: createBody }),
    quoting,
    async (req, res) => {
      const { lines, totalMinor } = await quoteCheckout(deps, req.actor, parseInput(createBody, req.body, 'body'));
      const money = (minor: number) => formatMinor(minor, deps.config.currency);
      res.json({
        items: lines.map((l) => ({
          kind: l.releaseId !== undefined ? 'release' : 'track',
          id: l.releaseId ?? l.trackId,
          license: l.license,
          minimumPrice: money(l.minimumMinor),
          discountAmount: money(l.discountMinor),
          extraAmount: money(l.extraMinor),
          price: money(l.priceMinor),
        })),
        amount: money(totalMinor),
        currency: deps.config.currency.code,
      });
    },
  );

  router.post(
    '/api/checkout/orders/:id/capture',
    doc({ summary: 'Capture an approved order', access: 'owner' }),
    capturing,
    async (req, res) => {
      const { order, items, outcome } = await captureOwnOrder(deps, req.actor, idParam(req));
      res.status(outcome === 'pending' ? 202 : 200).json({ outcome, order: presentOrder({ order, items }) });
    },
  );

  // PayPal sends the buyer's browser here after approval: capture, then show what happened.
  router.get(
    '/checkout/return',
    doc({
      summary: 'Where PayPal sends the buyer back: captures, then the order page',
      access: 'owner',
      response: { status: 303, contentType: 'text/html' },
    }),
    async (req, res) => {
      const query = returnQuery.safeParse(req.query);
      if (!query.success) return toResultPage(res, 'unknown');
      if (!req.actor) return toResultPage(res, 'signed_out');
      try {
        const { order, outcome } = await captureReturningBuyer(deps, req.actor, query.data.token);
        toResultPage(res, outcome, order.id);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const status = err.status === 404 ? 'unknown' : err.code === 'order_not_approved' ? 'not_approved' : 'unavailable';
        const order = await findOwnOrderByPaypalId(deps, req.actor, query.data.token);
        toResultPage(res, status, order?.id);
      }
    },
  );

  // "Cancel and return" at PayPal: the order stays payable from the buyer's orders until it lapses.
  router.get(
    '/checkout/cancel',
    doc({ summary: 'Where PayPal sends a buyer who cancelled', access: 'owner', response: { status: 303, contentType: 'text/html' } }),
    async (req, res) => {
      const query = returnQuery.safeParse(req.query);
      const order = query.success && req.actor ? await findOwnOrderByPaypalId(deps, req.actor, query.data.token) : undefined;
      toResultPage(res, 'cancelled', order?.id);
    },
  );

  return router;
}
