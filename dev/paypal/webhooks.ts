import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { newId } from './paypal-errors';

/**
 * The stand-in's webhooks, signed the way PayPal signs them: an RSA-SHA256
 * signature over `transmission id|transmission time|webhook id|CRC32 of the
 * body`, sent in PAYPAL-TRANSMISSION-* headers with a certificate URL. A
 * receiver cannot check the signature itself; it asks the verify-webhook-
 * signature endpoint, as with PayPal, which recomputes it with the key pair
 * made when the stand-in started.
 */

export interface WebhookEvent {
  id: string;
  event_version: '1.0';
  create_time: string;
  resource_type: string;
  resource_version: '2.0';
  event_type: string;
  summary: string;
  resource: unknown;
  links: object[];
}

export interface Delivery {
  event: WebhookEvent;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** HTTP status of the last attempt; undefined while in flight, 0 when unreachable. */
  status?: number;
}

export interface VerifyRequest {
  auth_algo?: unknown;
  cert_url?: unknown;
  transmission_id?: unknown;
  transmission_sig?: unknown;
  transmission_time?: unknown;
  webhook_id?: unknown;
  webhook_event?: unknown;
}

const signedText = (transmissionId: string, time: string, webhookId: string, body: string) =>
  `${transmissionId}|${time}|${webhookId}|${zlib.crc32(Buffer.from(body, 'utf8')) >>> 0}`;

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    /** Where events go; no deliveries when undefined (as when no webhook is registered). */
    private readonly target: { url: string; webhookId: string } | undefined,
    private readonly certUrl: () => string,
  ) {}

  /** Queues an event for delivery after the current response; returns the event. */
  emit(eventType: string, resourceType: string, resource: unknown, summary: string): WebhookEvent {
    const event: WebhookEvent = {
      id: `WH-${newId(8)}-${newId(17)}`,
      event_version: '1.0',
      create_time: new Date().toISOString(),
      resource_type: resourceType,
      resource_version: '2.0',
      event_type: eventType,
      summary,
      resource,
      links: [],
    };
    if (this.target) {
      const target = this.target;
      const delivery = this.sign(event, target);
      this.deliveries.push(delivery);
      const sending = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.send(delivery));
      this.inFlight.add(sending);
      void sending.finally(() => this.inFlight.delete(sending));
    }
    return event;
  }

  /** Resolves when every queued delivery has had its answer. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** PayPal's verify-webhook-signature: SUCCESS only for a signature this stand-in made for this webhook id. */
  verify(request: VerifyRequest, webhookId: string): 'SUCCESS' | 'FAILURE' {
    const { transmission_id: id, transmission_time: time, transmission_sig: sig, webhook_event: event } = request;
    if (request.auth_algo !== 'SHA256withRSA' || request.cert_url !== this.certUrl() || request.webhook_id !== webhookId) return 'FAILURE';
    if (typeof id !== 'string' || typeof time !== 'string' || typeof sig !== 'string' || typeof event !== 'object' || !event)
      return 'FAILURE';
    const text = signedText(id, time, webhookId, JSON.stringify(event));
    const ok = crypto.verify('sha256', Buffer.from(text), this.keys.publicKey, Buffer.from(sig, 'base64'));
    return ok ? 'SUCCESS' : 'FAILURE';
  }

  publicKeyPem(): string {
    return this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  private sign(event: WebhookEvent, target: { url: string; webhookId: string }): Delivery {
    const body = JSON.stringify(event);
    const transmissionId = crypto.randomUUID();
    const time = new Date().toISOString();
    const signature = crypto.sign('sha256', Buffer.from(signedText(transmissionId, time, target.webhookId, body)), this.keys.privateKey);
    return {
      event,
      url: target.url,
      body,
      headers: {
        'Content-Type': 'application/json',
        'PAYPAL-TRANSMISSION-ID': transmissionId,
        'PAYPAL-TRANSMISSION-TIME': time,
        'PAYPAL-TRANSMISSION-SIG': signature.toString('base64'),
        'PAYPAL-CERT-URL': this.certUrl(),
        'PAYPAL-AUTH-ALGO': 'SHA256withRSA',
      },
    };
  }

  /** One attempt and up to two retries, as PayPal retries a failed delivery. */
  private async send(delivery: Delivery): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await fetch(delivery.url, {
          method: 'POST',
          headers: delivery.headers,
          body: delivery.body,
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        delivery.status = res.status;
        if (res.ok) return;
      } catch {
        delivery.status = 0;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}
