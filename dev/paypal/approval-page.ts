import type { Request, Response } from 'express';
import { escapeHtml } from '../../lib/html';

/**
 * What the buyer sees behind an order's `approve` link, and what each button
 * does. Like PayPal, approving redirects to the order's return_url with
 * `token` and `PayerID`; cancelling redirects to its cancel_url with `token`.
 * The funding choice stands for what the buyer's bank will do: "pending"
 * makes the capture come back PENDING (an eCheck), "declined" makes it fail
 * with INSTRUMENT_DECLINED so the buyer must come back and choose again.
 */

export type Funding = 'balance' | 'pending' | 'declined';

export interface ApprovableOrder {
  id: string;
  amount: { currency_code: string; value: string };
  returnUrl: string | undefined;
  cancelUrl: string | undefined;
}

export function approvalPage(res: Response, order: ApprovableOrder): void {
  const id = escapeHtml(order.id);
  res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>PayPal stand-in — approve payment</title></head>
<body><main><h1>PayPal (local stand-in)</h1><p>Pay ${escapeHtml(order.amount.value)} ${escapeHtml(order.amount.currency_code)} for order ${id}.</p>
<form method="post" action="/checkoutnow/approve"><input type="hidden" name="token" value="${id}">
<label>Buyer email <input name="email" type="email" value="buyer@standin.test"></label>
<label>Country (the payer's address; ISO code, empty for none) <input name="country" value="" maxlength="2" pattern="[A-Za-z]{2}"></label>
<fieldset><legend>Pay with</legend>
<label><input type="radio" name="funding" value="balance" checked> PayPal balance (completes at once)</label>
<label><input type="radio" name="funding" value="pending"> Bank transfer (capture stays pending)</label>
<label><input type="radio" name="funding" value="declined"> Card that will be declined</label>
</fieldset>
<button type="submit">Approve payment</button></form>
<form method="post" action="/checkoutnow/cancel"><input type="hidden" name="token" value="${id}"><button type="submit">Cancel and return</button></form>
</main></body></html>`);
}

/** Appends `params` to a URL that may already carry a query. */
export function withQuery(url: string | undefined, params: Record<string, string>): string {
  const target = url ?? '/';
  return `${target}${target.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
}

export const fundingOf = (req: Request): Funding => {
  const value = String(req.body?.funding ?? 'balance');
  return value === 'pending' || value === 'declined' ? value : 'balance';
};

/** The payer's country from the approval form: two letters, upper-cased, or none. */
export const countryOf = (req: Request): string | undefined => {
  const value = String(req.body?.country ?? '')
    .trim()
    .toUpperCase();
  return /^[A-Z]{2}$/.test(value) ? value : undefined;
};
