/**
 * What the checkout result page (/checkout/result?status=…) can be told
 * after PayPal sends the buyer back: a capture's outcome, or why there was none.
 */
export const CHECKOUT_RESULTS = [
  'completed',
  'pending',
  'declined',
  'failed',
  'refunded',
  'cancelled',
  'signed_out',
  'unknown',
  'not_approved',
  'unavailable',
] as const;

export type CheckoutResult = (typeof CHECKOUT_RESULTS)[number];

/** A capture's outcome, as POST /api/checkout/orders/:id/capture answers it. */
export type CaptureOutcome = Extract<CheckoutResult, 'completed' | 'pending' | 'declined' | 'failed' | 'refunded'>;
