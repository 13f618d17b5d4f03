import { GatewayUnavailable } from './payment-gateway';
import { fail } from '../../lib/errors';

/** Runs a payment-provider call; an outage becomes a 502 `payment_provider_unavailable` the client may retry. */
export async function callProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof GatewayUnavailable) {
      // The outage's own words (PayPal's issue and debug id, a timeout) go to the log with the 502.
      throw fail('payment_provider_unavailable', { headers: { 'Retry-After': '5' }, cause: err });
    }
    throw err;
  }
}
