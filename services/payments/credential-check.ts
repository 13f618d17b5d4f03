import type { PaymentGateway } from './payment-gateway';

/** A failed check is tried again when readiness asks, at most this often. */
const RECHECK_MS = 60_000;

/**
 * Whether PayPal accepts the store's credentials, known before the first
 * sale: checked at start (the result logged, never the secret) and reported
 * by /readyz as a dependency that degrades the store rather than stopping
 * it (browsing and listening need no PayPal). A failure is checked again,
 * at most once a minute, so a PayPal outage at start does not stick.
 */
export class PaymentCredentials {
  private last: { ok: boolean; reason?: string; at: number } | undefined;

  constructor(
    private readonly gateway: Pick<PaymentGateway, 'checkCredentials'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks PayPal now. */
  async verify(): Promise<{ ok: boolean; reason?: string }> {
    try {
      await this.gateway.checkCredentials?.();
      this.last = { ok: true, at: this.now() };
    } catch (err) {
      this.last = { ok: false, reason: err instanceof Error ? err.message : String(err), at: this.now() };
    }
    return this.last;
  }

  /** For readiness: true when the last check passed (or none ran); a failure older than a minute is checked again. */
  async healthy(): Promise<boolean> {
    if (this.last && !this.last.ok && this.now() - this.last.at >= RECHECK_MS) await this.verify();
    return this.last?.ok ?? true;
  }
}
