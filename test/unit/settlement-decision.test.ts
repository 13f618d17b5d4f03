import type { OrderStatus } from '../../db/repos/orders.repo';
import { decideSettlement } from '../../services/checkout/settlement-decision';
import type { GatewayCapture } from '../../services/payments/payment-gateway';

const order = (status: OrderStatus, amount = '2.97', currency = 'EUR') => ({ status, amount, currency });
const capture = (status: GatewayCapture['status'], amountMinor = 297, currency = 'EUR'): { capture: GatewayCapture } => ({
  capture: { id: 'CAP-1', status, amountMinor, currency, feeMinor: undefined },
});

describe('the settlement decision', () => {
  it.each([
    [
      'completes an open order captured for exactly its amount',
      order('CREATED'),
      capture('COMPLETED'),
      { kind: 'complete', captureId: 'CAP-1' },
    ],
    ['completes a pending order whose capture cleared', order('PENDING'), capture('COMPLETED'), { kind: 'complete', captureId: 'CAP-1' }],
    [
      'fails an order captured for another amount',
      order('CREATED'),
      capture('COMPLETED', 296),
      { kind: 'fail', captureId: 'CAP-1', reason: 'amount_mismatch' },
    ],
    [
      'fails an order captured in another currency',
      order('CREATED'),
      capture('COMPLETED', 297, 'USD'),
      { kind: 'fail', captureId: 'CAP-1', reason: 'amount_mismatch' },
    ],
    ['makes a created order pending', order('CREATED'), capture('PENDING'), { kind: 'pending', captureId: 'CAP-1' }],
    ['leaves a pending order pending', order('PENDING'), capture('PENDING'), { kind: 'unchanged' }],
    ['fails a declined capture', order('PENDING'), capture('DECLINED'), { kind: 'fail', captureId: 'CAP-1', reason: 'capture_declined' }],
    ['fails a failed capture', order('CREATED'), capture('FAILED'), { kind: 'fail', captureId: 'CAP-1', reason: 'capture_declined' }],
    ['records a capture refunded before we heard of it', order('CREATED'), capture('REFUNDED'), { kind: 'refunded', captureId: 'CAP-1' }],
    ['records a partly refunded capture', order('CREATED'), capture('PARTIALLY_REFUNDED'), { kind: 'refunded', captureId: 'CAP-1' }],
    ['leaves an open order PayPal holds no capture for', order('CREATED'), { capture: undefined }, { kind: 'unchanged' }],
    ['never reopens a refunded order (a late COMPLETED capture)', order('REFUNDED'), capture('COMPLETED'), { kind: 'unchanged' }],
    ['never touches a completed order again', order('COMPLETED'), capture('DECLINED'), { kind: 'unchanged' }],
    ['never revives a failed order', order('FAILED'), capture('COMPLETED'), { kind: 'unchanged' }],
  ])('%s', (_what, current, view, expected) => {
    expect(decideSettlement(current, view)).toEqual(expected);
  });
});
