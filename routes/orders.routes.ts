import { Router } from 'express';
import { z } from 'zod';
import { pageOf, pageQuery, presentPage, requestedPage } from './pagination';
import {
  getMyOrder,
  getOrderAsAdmin,
  listMyLicenses,
  listMyOrders,
  listMyPurchases,
  listOrdersAsAdmin,
} from '../services/checkout/orders.service';
import { refundOrder } from '../services/checkout/refunds.service';
import type { RouteDeps } from './deps';
import { listJobCounts } from '../services/jobs/jobs.service';
import { parseInput } from '../lib/errors';
import { presentOrder, presentOrderForAdmin, presentPurchase } from './order.presenter';
import { idParam, idString, instantField } from './request';
import { doc } from './api-doc';

const adminQuery = pageQuery.extend({
  status: z.enum(['CREATED', 'PENDING', 'COMPLETED', 'FAILED', 'REFUNDED']).optional(),
  user: idString.optional(),
  from: instantField.optional(),
  to: instantField.optional(),
});

/** Buyers' orders and purchases; admins' order list and refunds. */
export function orderRoutes(deps: RouteDeps): Router {
  const router = Router();

  router.get('/api/me/orders', doc({ summary: 'My orders', access: 'signed in', query: pageQuery }), async (req, res) => {
    const page = requestedPage(req, 20);
    const { orders, total } = await listMyOrders(deps, req.actor, page);
    res.set('Cache-Control', 'no-store').json({ orders: orders.map(presentOrder), ...presentPage(page, total) });
  });

  router.get('/api/me/orders/:id', doc({ summary: 'One of my orders', access: 'owner' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ order: presentOrder(await getMyOrder(deps, req.actor, idParam(req))) });
  });

  router.get('/api/me/licenses', doc({ summary: "My licenses, with the licensee's name", access: 'signed in' }), async (req, res) => {
    const { licensee, licenses } = await listMyLicenses(deps, req.actor);
    res.set('Cache-Control', 'no-store').json({
      licensee,
      licenses: licenses.map((l) => ({ ...l, kind: l.releaseId === null ? 'track' : 'release', grantedAt: l.grantedAt.toISOString() })),
    });
  });

  router.get(
    '/api/me/purchases',
    doc({ summary: 'My library: what I bought, redeemed or added free', access: 'signed in', query: pageQuery }),
    async (req, res) => {
      const page = requestedPage(req, 20);
      const { purchases, total } = await listMyPurchases(deps, req.actor, page);
      res.set('Cache-Control', 'no-store').json({ purchases: purchases.map(presentPurchase), ...presentPage(page, total) });
    },
  );

  // The background jobs (gift mail, reconciliation, publication) by queue and state.
  router.get('/api/admin/jobs', doc({ summary: 'Background jobs by queue and state', access: 'admin' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ jobs: await listJobCounts(deps, req.actor) });
  });

  router.get(
    '/api/admin/orders',
    doc({ summary: 'Orders, filtered by status, buyer and period', access: 'admin', query: adminQuery }),
    async (req, res) => {
      const { user, status, from, to, ...rest } = parseInput(adminQuery, req.query, 'query');
      const page = pageOf(rest, 20);
      const { orders, total } = await listOrdersAsAdmin(deps, req.actor, { ...page, status, from, to, userId: user });
      res.set('Cache-Control', 'no-store').json({ orders: orders.map(presentOrderForAdmin), ...presentPage(page, total) });
    },
  );

  router.get('/api/admin/orders/:id', doc({ summary: 'One order, with its PayPal details', access: 'admin' }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ order: presentOrderForAdmin(await getOrderAsAdmin(deps, req.actor, idParam(req))) });
  });

  router.post('/api/admin/orders/:id/refund', doc({ summary: 'Refund an order in full at PayPal', access: 'admin' }), async (req, res) => {
    const { order, refund } = await refundOrder(deps, req.actor, idParam(req));
    res.status(refund === 'pending' ? 202 : 200).json({ refund, order: presentOrderForAdmin({ order, items: [] }) });
  });

  return router;
}
