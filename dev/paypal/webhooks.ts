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

  /**
   * PayPal's verify-webhook-signature: SUCCESS only for a signature this stand-in made for this webhook id,
   * over the exact bytes of `webhook_event` in the request (`rawEvent`) — an event parsed and written out
   * again, or changed by a byte, fails.
   */
  verify(request: VerifyRequest, rawEvent: string | undefined, webhookId: string): 'SUCCESS' | 'FAILURE' {
    const { transmission_id: id, transmission_time: time, transmission_sig: sig, webhook_event: event } = request;
    if (request.auth_algo !== 'SHA256withRSA' || request.cert_url !== this.certUrl() || request.webhook_id !== webhookId) return 'FAILURE';
    if (typeof id !== 'string' || typeof time !== 'string' || typeof sig !== 'string' || typeof event !== 'object' || !event)
      return 'FAILURE';
    if (rawEvent === undefined) return 'FAILURE';
    const text = signedText(id, time, webhookId, rawEvent);
    const ok = crypto.verify('sha256', Buffer.from(text), this.keys.publicKey, Buffer.from(sig, 'base64'));
    return ok ? 'SUCCESS' : 'FAILURE';
  }

  publicKeyPem(): string {
    return this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  private sign(event: WebhookEvent, target: { url: string; webhookId: string }): Delivery {
    // Written with a space after each colon and comma, as no JSON.stringify writes it: a receiver that
    // parses the body and writes it out again to verify it sends other bytes, and fails.
    const body = spacedJson(event);
    const time = new Date().toISOString();
    // PayPal's reference holds transmission_sig to /^(?!\d+$)\w+\S+/: base64 beginning with '+' or '/' (1 in 32) is
    // never sent. Signed again under a new transmission id until it begins with a word character.
    let transmissionId: string;
    let signature: string;
    do {
      transmissionId = crypto.randomUUID();
      signature = crypto
        .sign('sha256', Buffer.from(signedText(transmissionId, time, target.webhookId, body)), this.keys.privateKey)
        .toString('base64');
    } while (!/^\w/.test(signature));
    return {
      event,
      url: target.url,
      body,
      headers: {
        'Content-Type': 'application/json',
        'PAYPAL-TRANSMISSION-ID': transmissionId,
        'PAYPAL-TRANSMISSION-TIME': time,
        'PAYPAL-TRANSMISSION-SIG': signature,
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

/** JSON with ": " and ", " between members and items (still JSON, never what JSON.stringify writes). */
function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${spacedJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * The exact text of the member `key` of the JSON object `json` (its top level), or undefined: what a
 * receiver sent for it, byte for byte. Walks strings (with escapes) and nesting; the text is valid JSON,
 * already parsed by the caller.
 */
export function rawMember(json: string, key: string): string | undefined {
  let depth = 0;
  let i = 0;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      const end = stringEnd(json, i);
      let next = end;
      while (/\s/.test(json[next] ?? '')) next++;
      // A member's name (a string followed by a colon), not a value that happens to read the same.
      if (depth === 1 && json[next] === ':' && JSON.parse(json.slice(i, end)) === key) {
        let start = next + 1;
        while (/\s/.test(json[start] ?? '')) start++;
        return json.slice(start, valueEnd(json, start)).trimEnd();
      }
      i = end;
    } else {
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      i++;
    }
  }
  return undefined;
}

/** Just past the string literal that starts at `at` (its escapes skipped). */
function stringEnd(json: string, at: number): number {
  let j = at + 1;
  while (j < json.length && json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Where the JSON value starting at `start` ends. */
function valueEnd(json: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < json.length) {
    const c = json[i]!;
    if (c === '"') {
      i = stringEnd(json, i);
      if (depth === 0) return i;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return i; // the end of the enclosing object: a bare value ended before it
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && c === ',') return i;
    i++;
  }
  return i;
}
