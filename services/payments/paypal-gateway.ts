import axios, { type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import {
  ApiError,
  CheckoutPaymentIntent,
  Client,
  Environment,
  ItemCategory,
  OrdersController,
  PaymentsController,
  PaypalExperienceUserAction,
  PaypalWalletContextShippingPreference,
  type Order,
  type OAuthToken,
} from '@paypal/paypal-server-sdk';
import { currencyNamed, formatMinor, parseMinor } from '../../lib/money';
import { forPaypal } from './paypal-text';
import { paypalPayouts } from './paypal-payouts';
import {
  GatewayUnavailable,
  unreachableGateway,
  type CaptureResult,
  type GatewayCapture,
  type GatewayOrder,
  type PaymentGateway,
  type WebhookDelivery,
} from './payment-gateway';

/**
 * The one module that talks to PayPal, through `@paypal/paypal-server-sdk`
 * (PayPal's supported successor of the deprecated `@paypal/checkout-server-sdk`).
 *
 * The SDK knows only PayPal's two hosts. For the stand-in it is built for
 * the sandbox and its HTTP client (axios, through the SDK's
 * `unstable_httpClientOptions`) gets an adapter that sends each request to
 * the stand-in instead — so every byte still goes through the SDK's request
 * building and response validation.
 *
 * The SDK has no webhook calls; verify-webhook-signature is a plain HTTPS call
 * with the SDK's own OAuth token.
 */

const API_BASE = { live: 'https://api-m.paypal.com', sandbox: 'https://api-m.sandbox.paypal.com' } as const;

/** An axios adapter that sends requests meant for `from` to `to`. */
function redirectingAdapter(from: string, to: string): AxiosAdapter {
  const http = axios.getAdapter('http');
  return (config: InternalAxiosRequestConfig) => {
    const url = config.url?.startsWith(from) ? `${to}${config.url.slice(from.length)}` : config.url;
    return http({ ...config, url });
  };
}

/** PayPal's side of the configuration (PAYPAL_*). */
export interface PaypalSettings {
  env: 'sandbox' | 'live' | 'standin';
  clientId: string;
  clientSecret: string;
  webhookId: string;
  /** The stand-in's base URL (PAYPAL_ENV=standin). */
  standinUrl: string | undefined;
  /** How long one PayPal call may take. */
  timeoutMs: number;
}

/** PayPal's error body, when the failure came with one. */
interface PaypalErrorBody {
  name?: string;
  details?: { issue?: string }[];
  links?: { rel?: string; href?: string }[];
}

function errorBody(err: ApiError): PaypalErrorBody {
  if (typeof err.body !== 'string') return {};
  try {
    return JSON.parse(err.body) as PaypalErrorBody;
  } catch {
    return {};
  }
}

const issueOf = (err: ApiError) => errorBody(err).details?.[0]?.issue;

/** PayPal's own words for a refusal: its error name, issue codes and debug id, or OAuth's error (never the request itself). */
function refusalOf(err: ApiError): string {
  const body = err.result as
    | { name?: string; debug_id?: string; details?: { issue?: string; field?: string }[]; error?: string; error_description?: string }
    | undefined;
  if (body?.error) return `${body.error}${body.error_description ? ` (${body.error_description})` : ''}`;
  const issues = (body?.details ?? []).map((d) => `${d.issue ?? '?'}${d.field ? ` at ${d.field}` : ''}`).join(', ');
  return `${body?.name ?? 'error'}${issues ? ` (${issues})` : ''}${body?.debug_id ? ` debug_id ${body.debug_id}` : ''}`;
}

/** Why a call failed, in words for the log: PayPal's status, error, issues and debug id, or the network's error and its code. */
function causeOf(err: unknown): string {
  if (err instanceof ApiError) return `${err.statusCode} ${refusalOf(err)}`;
  if (!(err instanceof Error)) return String(err);
  const inner = err.cause instanceof Error ? err.cause : undefined;
  const code = (inner ?? err) as { code?: unknown };
  return `${err.message}${inner ? `: ${inner.message}` : ''}${typeof code.code === 'string' && !(inner ?? err).message.includes(code.code) ? ` (${code.code})` : ''}`;
}

/**
 * Turns what cannot be a caller's mistake into GatewayUnavailable, with the
 * cause in its message: the network, a timeout, 5xx, 429, unreadable
 * answers, and 401/403 — PayPal refusing the store's own credentials.
 */
function unavailable(err: unknown, what: string): never {
  if (err instanceof ApiError && err.statusCode < 500 && ![401, 403, 429].includes(err.statusCode)) throw err;
  throw new GatewayUnavailable(`PayPal ${what} failed: ${causeOf(err)}`, { cause: err });
}

function toCapture(order: Order): GatewayCapture | undefined {
  const capture = order.purchaseUnits?.[0]?.payments?.captures?.[0];
  const minor = parseMinor(capture?.amount?.value, capture?.amount?.currencyCode);
  if (!capture?.id || !capture.status || minor === undefined || !capture.amount) return undefined;
  const fee = capture.sellerReceivableBreakdown?.paypalFee;
  return {
    id: capture.id,
    status: capture.status as GatewayCapture['status'],
    amountMinor: minor,
    currency: capture.amount.currencyCode,
    feeMinor: fee && fee.currencyCode === capture.amount.currencyCode ? parseMinor(fee.value, fee.currencyCode) : undefined,
  };
}

function toGatewayOrder(order: Order): GatewayOrder {
  if (!order.id || !order.status) throw new GatewayUnavailable('PayPal answered with an order without id or status');
  const link = order.links?.find((l) => l.rel === 'approve' || l.rel === 'payer-action');
  return {
    id: order.id,
    status: order.status as GatewayOrder['status'],
    payerEmail: order.payer?.emailAddress,
    payerCountry: /^[A-Z]{2}$/.test(order.payer?.address?.countryCode ?? '') ? order.payer!.address!.countryCode : undefined,
    approveUrl: link?.href,
    capture: toCapture(order),
  };
}

export function createPaypalGateway(settings: PaypalSettings): PaymentGateway {
  const live = settings.env === 'live';
  const apiBase = settings.env === 'standin' ? settings.standinUrl : API_BASE[live ? 'live' : 'sandbox'];
  if (!apiBase) return unreachableGateway('no PayPal stand-in URL is configured (PAYPAL_STANDIN_URL)');
  let token: OAuthToken | undefined;
  const client = new Client({
    environment: live ? Environment.Production : Environment.Sandbox,
    timeout: settings.timeoutMs,
    clientCredentialsAuthCredentials: {
      oAuthClientId: settings.clientId,
      oAuthClientSecret: settings.clientSecret,
      oAuthOnTokenUpdate: (fresh) => void (token = fresh),
    },
    ...(settings.env === 'standin' ? { unstable_httpClientOptions: { adapter: redirectingAdapter(API_BASE.sandbox, apiBase) } } : {}),
  });
  const orders = new OrdersController(client);
  const payments = new PaymentsController(client);

  async function accessToken(): Promise<string> {
    token = await client.clientCredentialsAuthManager.updateToken(token);
    return token.accessToken;
  }

  return {
    ...paypalPayouts({ apiBase, timeoutMs: settings.timeoutMs, accessToken }),

    async checkCredentials() {
      try {
        await accessToken();
      } catch (err) {
        return unavailable(err, 'sign-in (OAuth token)');
      }
    },

    async createOrder(order) {
      const currency = currencyNamed(order.currency);
      if (!currency) throw new RangeError(`not a PayPal currency: ${order.currency}`);
      const money = (minor: number) => ({ currencyCode: currency.code, value: formatMinor(minor, currency) });
      try {
        const { result } = await orders.createOrder({
          paypalRequestId: `song-nexus-order-${order.orderId}`,
          prefer: 'return=representation',
          body: {
            intent: CheckoutPaymentIntent.Capture,
            purchaseUnits: [
              {
                referenceId: 'default',
                customId: String(order.orderId),
                invoiceId: order.invoiceId,
                amount: { ...money(order.totalMinor), breakdown: { itemTotal: money(order.totalMinor) } },
                items: order.items.map((item) => ({
                  name: forPaypal(item.name, 127),
                  sku: item.sku,
                  quantity: '1',
                  category: ItemCategory.DigitalGoods,
                  unitAmount: money(item.priceMinor),
                })),
              },
            ],
            paymentSource: {
              paypal: {
                experienceContext: {
                  returnUrl: order.returnUrl,
                  cancelUrl: order.cancelUrl,
                  userAction: PaypalExperienceUserAction.PayNow,
                  shippingPreference: PaypalWalletContextShippingPreference.NoShipping,
                },
              },
            },
          },
        });
        const created = toGatewayOrder(result);
        if (!created.approveUrl) throw new GatewayUnavailable('PayPal created an order without an approve link');
        return { paypalOrderId: created.id, approveUrl: created.approveUrl };
      } catch (err) {
        // Nothing a buyer can change makes PayPal accept an order it refused: the store's mistake, answered 502 and logged.
        if (err instanceof ApiError && err.statusCode < 500)
          throw new GatewayUnavailable(`PayPal refused the order: ${err.statusCode} ${refusalOf(err)}`, { cause: err });
        return unavailable(err, 'order creation');
      }
    },

    async getOrder(paypalOrderId) {
      try {
        return toGatewayOrder((await orders.getOrder({ id: paypalOrderId })).result);
      } catch (err) {
        if (err instanceof ApiError && err.statusCode === 404) return undefined;
        return unavailable(err, 'order lookup');
      }
    },

    async captureOrder(paypalOrderId, requestId): Promise<CaptureResult> {
      try {
        const { result } = await orders.captureOrder({ id: paypalOrderId, paypalRequestId: requestId, prefer: 'return=representation' });
        return { outcome: 'captured', order: toGatewayOrder(result) };
      } catch (err) {
        if (err instanceof ApiError && err.statusCode === 422) {
          const issue = issueOf(err);
          if (issue === 'INSTRUMENT_DECLINED') {
            return { outcome: 'declined', approveUrl: errorBody(err).links?.find((l) => l.rel === 'redirect')?.href };
          }
          if (issue === 'ORDER_NOT_APPROVED') return { outcome: 'not_approved' };
          if (issue === 'ORDER_ALREADY_CAPTURED') return { outcome: 'already_captured' };
        }
        return unavailable(err, 'capture');
      }
    },

    async refundCapture(captureId, requestId) {
      try {
        const { result } = await payments.refundCapturedPayment({ captureId, paypalRequestId: requestId, prefer: 'return=representation' });
        const returned = result.sellerPayableBreakdown?.paypalFee;
        return {
          status: result.status === 'COMPLETED' ? 'COMPLETED' : 'PENDING',
          refundId: result.id,
          feeReturnedMinor: returned ? parseMinor(returned.value, returned.currencyCode) : undefined,
        };
      } catch (err) {
        if (err instanceof ApiError && err.statusCode === 422 && issueOf(err) === 'CAPTURE_FULLY_REFUNDED')
          return { status: 'ALREADY_REFUNDED' };
        return unavailable(err, 'refund');
      }
    },

    async verifyWebhook({ headers, rawBody }: WebhookDelivery) {
      const header = (name: string) => headers[name] ?? '';
      // The event is spliced in as received: re-serialising it could change
      // the bytes PayPal's signature covers.
      const body = `{"auth_algo":${JSON.stringify(header('paypal-auth-algo'))},"cert_url":${JSON.stringify(header('paypal-cert-url'))},"transmission_id":${JSON.stringify(header('paypal-transmission-id'))},"transmission_sig":${JSON.stringify(header('paypal-transmission-sig'))},"transmission_time":${JSON.stringify(header('paypal-transmission-time'))},"webhook_id":${JSON.stringify(settings.webhookId)},"webhook_event":${rawBody}}`;
      let res: Response;
      try {
        res = await fetch(`${apiBase}/v1/notifications/verify-webhook-signature`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${await accessToken()}`, 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (err) {
        return unavailable(err, 'webhook verification');
      }
      if (res.status >= 500) throw new GatewayUnavailable(`PayPal webhook verification answered ${res.status}`);
      const answer = (await res.json().catch(() => ({}))) as { verification_status?: string };
      return res.ok && answer.verification_status === 'SUCCESS';
    },
  };
}
