const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Free text as PayPal's fields take it: at most `max` characters (PayPal's
 * item `name` and `description` take 127), never cut inside a character
 * that is more than one code unit (an emoji, a flag, an accented letter
 * made of two), with control characters turned into spaces and a broken
 * surrogate replaced. A shortened text ends in "…" so the buyer sees it was
 * shortened. Empty text becomes `fallback` (PayPal refuses an empty name).
 */
export function forPaypal(text: string, max: number, fallback = 'Item'): string {
  const clean = text.replace(LONE_SURROGATE, '\ufffd').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return fallback;
  if (clean.length <= max) return clean;
  let out = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(clean)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}
