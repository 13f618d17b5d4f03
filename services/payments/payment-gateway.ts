/**
 * What the checkout needs from a payment provider, in the store's own terms
 * (integer cents, our statuses). `paypal-gateway.ts` implements it over
 * PayPal's SDK, for PayPal and for the local stand-in alike; tests wrap it to
 * inject faults.
 */

export interface GatewayOrderItem {
  /** `track-<id>` or `release-<id>`. */
  sku: string;
  name: string;
  priceMinor: number;
}

export interface CreateGatewayOrder {
  /** Our order id, sent as custom_id; the PayPal-Request-Id derives from it. */
  orderId: number;
  invoiceId: string;
  currency: string;
  items: GatewayOrderItem[];
  totalMinor: number;
  returnUrl: string;
  cancelUrl: string;
}

export interface GatewayCapture {
  id: string;
  status: 'COMPLETED' | 'PENDING' | 'DECLINED' | 'FAILED' | 'REFUNDED' | 'PARTIALLY_REFUNDED';
  amountMinor: number;
  currency: string;
  /** What PayPal kept of it (`seller_receivable_breakdown.paypal_fee`), once the capture completed. */
  feeMinor: number | undefined;
}

/** PayPal's view of an order, as much as settling it needs. */
export interface GatewayOrder {
  id: string;
  status: 'CREATED' | 'SAVED' | 'APPROVED' | 'VOIDED' | 'COMPLETED' | 'PAYER_ACTION_REQUIRED';
  payerEmail: string | undefined;
  /** The payer's country (ISO 3166-1 alpha-2) from their PayPal address, when PayPal tells it. */
  payerCountry: string | undefined;
  approveUrl: string | undefined;
  /** The order's capture, once there is one. */
  capture: GatewayCapture | undefined;
}

export type CaptureResult =
  | { outcome: 'captured'; order: GatewayOrder }
  /** The buyer's funding was refused; they may approve again at `approveUrl`. */
  | { outcome: 'declined'; approveUrl: string | undefined }
  | { outcome: 'not_approved' }
  | { outcome: 'already_captured' };

export interface GatewayRefund {
  status: 'COMPLETED' | 'PENDING' | 'ALREADY_REFUNDED';
  /** PayPal's refund id, and the part of its fee it gave back (`seller_payable_breakdown.paypal_fee`), when it tells. */
  refundId?: string;
  feeReturnedMinor?: number;
}

/** One payment to an artist in a payout batch. */
export interface PayoutRequestItem {
  /** Ours, unique: PayPal ignores an item whose sender_item_id it has seen. */
  senderItemId: string;
  email: string;
  amountMinor: number;
  currency: string;
  note: string;
}

export type PayoutItemStatus = 'SUCCESS' | 'FAILED' | 'PENDING' | 'UNCLAIMED' | 'RETURNED' | 'ONHOLD' | 'BLOCKED' | 'REFUNDED' | 'REVERSED';

/** A payout batch as PayPal holds it. */
export interface GatewayPayoutBatch {
  batchId: string;
  items: { itemId: string; senderItemId: string | undefined; status: PayoutItemStatus; transactionId: string | undefined }[];
}

export type PayoutBatchSent = { outcome: 'sent'; batchId: string } | { outcome: 'refused'; reason: string };

export interface WebhookDelivery {
  headers: Record<string, string | undefined>;
  /** The body exactly as received. */
  rawBody: string;
}

export interface PaymentGateway {
  /** Signs in to PayPal (an OAuth token): resolves when the store's credentials are accepted, else GatewayUnavailable with the cause. */
  checkCredentials?(): Promise<void>;
  createOrder(order: CreateGatewayOrder): Promise<{ paypalOrderId: string; approveUrl: string }>;
  getOrder(paypalOrderId: string): Promise<GatewayOrder | undefined>;
  /** `requestId` is the PayPal-Request-Id: the same id never captures twice. */
  captureOrder(paypalOrderId: string, requestId: string): Promise<CaptureResult>;
  refundCapture(captureId: string, requestId: string): Promise<GatewayRefund>;
  /**
   * Sends a payout batch under our `senderBatchId`: PayPal pays a
   * sender_batch_id once, so sending again (after an answer was lost)
   * resolves to the batch PayPal already has.
   */
  /** Sends a batch; `refused` when PayPal would not take it (nothing paid), with PayPal's error name and message. */
  createPayoutBatch(batch: { senderBatchId: string; subject: string; items: PayoutRequestItem[] }): Promise<PayoutBatchSent>;
  getPayoutBatch(batchId: string): Promise<GatewayPayoutBatch>;
  /** Asks the provider whether a webhook delivery is genuine and meant for our webhook. */
  verifyWebhook(delivery: WebhookDelivery): Promise<boolean>;
}

/** The provider could not be reached or failed (timeout, 5xx): nothing is known about the outcome. */
export class GatewayUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayUnavailable';
  }
}

/** A gateway for a provider that cannot be reached at all: every call is GatewayUnavailable. */
export function unreachableGateway(reason: string): PaymentGateway {
  const fail = () => Promise.reject(new GatewayUnavailable(reason));
  return {
    createOrder: fail,
    getOrder: fail,
    captureOrder: fail,
    refundCapture: fail,
    createPayoutBatch: fail,
    getPayoutBatch: fail,
    verifyWebhook: fail,
  };
}
