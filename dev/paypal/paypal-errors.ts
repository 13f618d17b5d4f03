import crypto from 'node:crypto';
import type { Response } from 'express';

/** PayPal-looking ids: upper-case hex, 17 characters for orders and captures (related_ids: ^[A-Z0-9]+$, at most 20). */
export const newId = (length = 17) => crypto.randomBytes(16).toString('hex').toUpperCase().slice(0, length);

/** The alphabet of PayPal account ids (`account_id`: ^[2-9A-HJ-NP-Z]{13}$ — no 0, 1, I or O). */
const ACCOUNT_ID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** A payer id as PayPal makes them: 13 characters of that alphabet. */
export const newPayerId = () =>
  Array.from({ length: 13 }, () => ACCOUNT_ID_ALPHABET[crypto.randomInt(ACCOUNT_ID_ALPHABET.length)]).join('');

/** PayPal's error envelope: name, message, details[].issue, debug_id, links. */
export function paypalError(
  res: Response,
  status: number,
  name: string,
  message: string,
  issue?: string,
  description?: string,
  links: object[] = [],
) {
  res.status(status).json({
    name,
    message,
    debug_id: newId(13).toLowerCase(),
    details: issue ? [{ issue, description: description ?? issue }] : [],
    links,
  });
}

/** A request PayPal's reference refuses: 400 INVALID_REQUEST or 422 UNPROCESSABLE_ENTITY, with the field and issue. */
export function requestRefused(res: Response, refusal: { status: 400 | 422; issue: string; field: string; description: string }) {
  const [name, message] =
    refusal.status === 400
      ? ['INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.']
      : ['UNPROCESSABLE_ENTITY', 'The requested action could not be performed, semantically incorrect, or failed business validation.'];
  res.status(refusal.status).json({
    name,
    message,
    debug_id: newId(13).toLowerCase(),
    details: [{ field: refusal.field, location: 'body', issue: refusal.issue, description: refusal.description }],
    links: [{ href: `https://developer.paypal.com/docs/api/orders/v2/#error-${refusal.issue}`, rel: 'information_link', method: 'GET' }],
  });
}

export const invalidRequest = (res: Response, issue: string, field: string) =>
  paypalError(res, 400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', issue, field);

export const unprocessable = (res: Response, issue: string, description: string, links: object[] = []) =>
  paypalError(
    res,
    422,
    'UNPROCESSABLE_ENTITY',
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
    issue,
    description,
    links,
  );

export const resourceNotFound = (res: Response) =>
  paypalError(
    res,
    404,
    'RESOURCE_NOT_FOUND',
    'The specified resource does not exist.',
    'INVALID_RESOURCE_ID',
    'Specified resource ID does not exist. Please check the resource ID and try again.',
  );

/** Cents of a PayPal amount string, or NaN when it is not one. */
export function cents(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,7}(\.\d{1,2})?$/.test(value)) return NaN;
  const [whole, fraction = ''] = value.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
