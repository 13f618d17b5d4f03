import type { Page } from '../../lib/page';
import {
  findOrder,
  listCommercialLicenses,
  listOrderItems,
  listOrders,
  type CommercialLicense,
  type Order,
  type OrderItem,
  type OrderStatus,
} from '../../db/repos/orders.repo';
import { findUserById } from '../../db/repos/users.repo';
import { publicName } from '../users.service';
import { listPurchasesOfUser, type PurchaseRow } from '../../db/repos/purchases.repo';

import { requireRole, requireSignedIn, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { ownOrder } from './capture.service';
import { orderNotFound } from '../../lib/errors';
import { giftStatusOf, type GiftStatus } from '../pricing/gifts.service';

export interface OrderWithItems {
  order: Order;
  items: OrderItem[];
  /** A gift order's claims. */
  gift?: GiftStatus | null;
}

async function withItems(deps: Pick<ServiceDeps, 'db'>, orders: Order[]): Promise<OrderWithItems[]> {
  const ids = orders.map((o) => o.id);
  const items = orders.length ? await listOrderItems(deps.db, ids) : [];
  return Promise.all(
    orders.map(async (order) => ({ order, items: items.filter((i) => i.orderId === order.id), gift: await giftStatusOf(deps, order) })),
  );
}

/** GET /api/me/orders: the signed-in buyer's orders, newest first. */
export async function listMyOrders(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, page: Page) {
  const { userId } = requireSignedIn(actor);
  const { orders, total } = await listOrders(deps.db, { userId }, page);
  return { orders: await withItems(deps, orders), total };
}

/** GET /api/me/orders/:id: one of the buyer's own orders (404 for anyone else's). */
export async function getMyOrder(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, orderId: number): Promise<OrderWithItems> {
  const [one] = await withItems(deps, [await ownOrder(deps, actor, orderId)]);
  return one!;
}

/** GET /api/me/purchases: what the buyer bought, revoked purchases included and flagged. */
export async function listMyPurchases(
  deps: Pick<ServiceDeps, 'db'>,
  actor: Actor | undefined,
  page: Page,
): Promise<{ purchases: PurchaseRow[]; total: number }> {
  const { userId } = requireSignedIn(actor);
  return listPurchasesOfUser(deps.db, userId, page);
}

export interface AdminOrderFilter extends Page {
  status?: OrderStatus;
  userId?: number;
  from?: Date;
  to?: Date;
}

/** GET /api/admin/orders: every order, filtered by status, buyer and creation time. */
export async function listOrdersAsAdmin(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, filter: AdminOrderFilter) {
  requireRole(actor, 'admin');
  const { page, pageSize, ...criteria } = filter;
  const { orders, total } = await listOrders(deps.db, criteria, { page, pageSize });
  return { orders: await withItems(deps, orders), total };
}

/** GET /api/admin/orders/:id. */
export async function getOrderAsAdmin(deps: Pick<ServiceDeps, 'db'>, actor: Actor | undefined, orderId: number): Promise<OrderWithItems> {
  requireRole(actor, 'admin');
  const order = await findOrder(deps.db, orderId);
  if (!order) throw orderNotFound();
  const [one] = await withItems(deps, [order]);
  return one!;
}

/** GET /api/me/licenses: the commercial licenses the buyer holds, made out to their public name, with the terms bought. */
export async function listMyLicenses(
  deps: Pick<ServiceDeps, 'db'>,
  actor: Actor | undefined,
): Promise<{ licensee: string; licenses: CommercialLicense[] }> {
  const { userId } = requireSignedIn(actor);
  const [user, licenses] = await Promise.all([findUserById(deps.db, userId), listCommercialLicenses(deps.db, userId)]);
  return { licensee: user ? publicName(user) : `Listener #${userId}`, licenses };
}
