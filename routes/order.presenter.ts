import type { ApiAdminOrder, ApiOrder, ApiPurchase } from '../contract/api';
import type { PurchaseRow } from '../db/repos/purchases.repo';
import type { OrderWithItems } from '../services/checkout/orders.service';

/** An order as its buyer sees it; `approveUrl` only while paying is still possible. */
export function presentOrder({ order, items, gift }: OrderWithItems): ApiOrder {
  return {
    id: order.id,
    status: order.status,
    amount: order.amount,
    currency: order.currency,
    description: order.description,
    items: items.map((i) => ({
      kind: i.releaseId === null ? 'track' : 'release',
      trackId: i.trackId,
      releaseId: i.releaseId,
      title: i.title,
      artist: i.artist,
      price: i.price,
      license: i.license,
      streamingDays: i.streamingDays,
      minimumPrice: i.minimumPrice,
      discountAmount: i.discountAmount,
      extraAmount: i.extraAmount,
      discountCode: i.discountCode,
    })),
    approveUrl: order.status === 'CREATED' ? order.approveUrl : null,
    failureReason: order.failureReason,
    createdAt: order.createdAt.toISOString(),
    completedAt: order.completedAt?.toISOString() ?? null,
    refundedAt: order.refundedAt?.toISOString() ?? null,
    gift: gift ? { email: gift.email, items: gift.items.map((i) => ({ ...i, claimedAt: i.claimedAt?.toISOString() ?? null })) } : null,
  };
}

/** An order as an admin sees it: with the buyer and PayPal's references. */
export function presentOrderForAdmin(entry: OrderWithItems): ApiAdminOrder {
  const { order } = entry;
  return {
    ...presentOrder(entry),
    userId: order.userId,
    payerEmail: order.payerEmail,
    paypalOrderId: order.paypalOrderId,
    captureId: order.transactionId,
    invoiceId: order.invoiceId,
    updatedAt: order.updatedAt.toISOString(),
  };
}

export function presentPurchase(purchase: PurchaseRow): ApiPurchase {
  return {
    trackId: purchase.trackId,
    title: purchase.trackName,
    artist: purchase.artist,
    orderId: purchase.orderId,
    licenseType: purchase.licenseType,
    source: purchase.orderId !== null ? 'order' : purchase.downloadCodeId !== null ? 'code' : 'free',
    purchasedAt: purchase.purchasedAt.toISOString(),
    expiresAt: purchase.expiresAt?.toISOString() ?? null,
    revokedAt: purchase.revokedAt?.toISOString() ?? null,
    trackDeleted: purchase.isDeleted,
    releaseId: purchase.releaseId,
    releaseTitle: purchase.releaseTitle,
  };
}
