/**
 * What PayPal's published reference refuses in the requests the store
 * sends, and how PayPal says so — so the stand-in fails them the same way
 * and the store's handling of a refusal is tested. Lengths and patterns are
 * those of PayPal's OpenAPI documents (checkout_orders_v2.json,
 * notifications_webhooks_v1.json): `purchase_unit_request`, `item`,
 * `money`, `verify_webhook_signature`, and the `PayPal-Request-Id` header.
 */

export interface RequestIssue {
  status: 400 | 422;
  /** PayPal's issue code, e.g. INVALID_STRING_MAX_LENGTH. */
  issue: string;
  /** A JSON pointer to the field, in PayPal's style. */
  field: string;
  description: string;
}

/** PayPal refuses decimals in these, and more than two in every other currency. */
const WHOLE_UNIT_CURRENCIES = new Set(['HUF', 'JPY', 'TWD']);
/** components.schemas.money.value. */
const MONEY_VALUE = /^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$/;
/** components.schemas.item.quantity. */
const QUANTITY = /^[1-9][0-9]{0,9}$/;
/** verify_webhook_signature.webhook_id and auth_algo. */
const ALPHANUMERIC = /^[a-zA-Z0-9]+$/;

const tooLong = (field: string): RequestIssue => ({
  status: 400,
  issue: 'INVALID_STRING_MAX_LENGTH',
  field,
  description: 'The value of a field is too long.',
});
const tooShort = (field: string): RequestIssue => ({
  status: 400,
  issue: 'INVALID_STRING_MIN_LENGTH',
  field,
  description: 'The value of a field is too short.',
});
const syntax = (field: string): RequestIssue => ({
  status: 400,
  issue: 'INVALID_PARAMETER_SYNTAX',
  field,
  description: 'The value of a field does not conform to the expected format.',
});
const missing = (field: string): RequestIssue => ({
  status: 400,
  issue: 'MISSING_REQUIRED_PARAMETER',
  field,
  description: 'A required field / parameter is missing.',
});

/** A string field: absent is fine unless required; otherwise within its lengths (PayPal counts characters). */
function text(value: unknown, field: string, { min = 1, max, required = false }: { min?: number; max: number; required?: boolean }) {
  if (value === undefined) return required ? missing(field) : undefined;
  if (typeof value !== 'string') return syntax(field);
  const length = [...value].length;
  if (length < min) return tooShort(field);
  if (length > max) return tooLong(field);
  return undefined;
}

function money(value: unknown, field: string): RequestIssue | undefined {
  const m = value as { currency_code?: unknown; value?: unknown } | undefined;
  if (!m || typeof m !== 'object') return missing(field);
  if (typeof m.currency_code !== 'string' || m.currency_code.length !== 3) return syntax(`${field}/currency_code`);
  if (typeof m.value !== 'string' || m.value.length > 32 || !MONEY_VALUE.test(m.value)) return syntax(`${field}/value`);
  const decimals = m.value.split('.')[1]?.length ?? 0;
  if (WHOLE_UNIT_CURRENCIES.has(m.currency_code) && decimals > 0)
    return {
      status: 422,
      issue: 'DECIMALS_NOT_SUPPORTED',
      field: `${field}/value`,
      description: 'Currency code does not support decimals.',
    };
  if (decimals > 2)
    return {
      status: 422,
      issue: 'DECIMAL_PRECISION',
      field: `${field}/value`,
      description: 'If the currency supports decimals, only two decimal place precision is supported.',
    };
  return undefined;
}

/** The first thing PayPal would refuse in a create-order body's purchase units, or undefined. */
export function orderRequestIssue(body: { purchase_units?: unknown }): RequestIssue | undefined {
  const units = body.purchase_units;
  if (!Array.isArray(units) || units.length === 0) return missing('/purchase_units');
  if (units.length > 10) return syntax('/purchase_units');
  for (const [u, raw] of units.entries()) {
    const unit = raw as Record<string, unknown>;
    const at = `/purchase_units/@reference_id=='${typeof unit.reference_id === 'string' ? unit.reference_id : u}'`;
    const issue =
      text(unit.reference_id, `${at}/reference_id`, { max: 256 }) ??
      text(unit.custom_id, `${at}/custom_id`, { max: 127 }) ??
      text(unit.invoice_id, `${at}/invoice_id`, { max: 127 }) ??
      text(unit.description, `${at}/description`, { max: 127 }) ??
      text(unit.soft_descriptor, `${at}/soft_descriptor`, { max: 22 }) ??
      money(unit.amount, `${at}/amount`) ??
      itemIssue(unit.items, at);
    if (issue) return issue;
  }
  return undefined;
}

function itemIssue(items: unknown, at: string): RequestIssue | undefined {
  if (items === undefined) return undefined;
  if (!Array.isArray(items)) return syntax(`${at}/items`);
  for (const [i, raw] of items.entries()) {
    const item = raw as Record<string, unknown>;
    const field = `${at}/items/${i}`;
    const issue =
      text(item.name, `${field}/name`, { max: 127, required: true }) ??
      text(item.sku, `${field}/sku`, { min: 0, max: 127 }) ??
      text(item.description, `${field}/description`, { min: 0, max: 127 }) ??
      money(item.unit_amount, `${field}/unit_amount`) ??
      (typeof item.quantity !== 'string' || !QUANTITY.test(item.quantity) ? syntax(`${field}/quantity`) : undefined);
    if (issue) return issue;
  }
  return undefined;
}

/** A PayPal-Request-Id header PayPal would refuse (1–108 characters). */
export function requestIdIssue(value: string | undefined): RequestIssue | undefined {
  return value === undefined ? undefined : text(value, 'PayPal-Request-Id', { max: 108 });
}

/** What verify-webhook-signature refuses: the ids and algorithm must match PayPal's patterns. */
export function verifyRequestIssue(body: Record<string, unknown>): RequestIssue | undefined {
  for (const [field, max] of [
    ['webhook_id', 50],
    ['auth_algo', 100],
  ] as const) {
    const value = body[field];
    if (typeof value !== 'string') return missing(`/${field}`);
    if (value.length > max) return tooLong(`/${field}`);
    if (!ALPHANUMERIC.test(value)) return syntax(`/${field}`);
  }
  for (const [field, max] of [
    ['cert_url', 500],
    ['transmission_id', 50],
    ['transmission_sig', 500],
    ['transmission_time', 100],
  ] as const) {
    const issue = text(body[field], `/${field}`, { max, required: true });
    if (issue) return issue;
  }
  if (!body.webhook_event || typeof body.webhook_event !== 'object') return missing('/webhook_event');
  return undefined;
}
