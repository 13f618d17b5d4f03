import { AppError } from '../../lib/errors';
import { GatewayUnavailable } from './payment-gateway';

/** Runs a payment-provider call; an outage becomes a 502 `payment_provider_unavailable` the client may retry. */
export async function callProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof GatewayUnavailable) {
      throw new AppError(
        502,
        'payment_provider_unavailable',
        'PayPal could not be reached. Nothing was charged twice; try again in a moment.',
        undefined,
        { 'Retry-After': '5' },
      );
    }
    throw err;
  }
}
