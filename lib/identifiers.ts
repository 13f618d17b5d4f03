/**
 * The music industry's identifiers, checked the way their standards define
 * them: ISRC (ISO 3901) and the UPC-A / EAN-13 barcodes (GS1 GTIN-12/13).
 */

/**
 * An ISRC as stored (12 characters, upper case, no hyphens:
 * country CC, registrant XXX, year YY, designation NNNNN), or undefined when
 * `text` is not one. Hyphens and spaces as people write them are accepted.
 */
export function normaliseIsrc(text: string): string | undefined {
  const compact = text.replace(/[-\s]/g, '').toUpperCase();
  return /^[A-Z]{2}[A-Z0-9]{3}\d{7}$/.test(compact) ? compact : undefined;
}

/** Whether `digits` is a UPC-A (12) or EAN-13 (13) code whose last digit is its GS1 check digit. */
export function isValidGtin(digits: string): boolean {
  if (!/^\d{12,13}$/.test(digits)) return false;
  return gtinCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

/** The GS1 check digit of a code's other digits: weights 3 and 1 alternate from the right. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** Tags as stored: trimmed, lower case, inner spaces single, duplicates and empties dropped, order kept. */
export function normaliseTags(tags: string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const t = tag.trim().toLowerCase().replace(/\s+/g, ' ');
    if (t) seen.add(t);
  }
  return [...seen];
}
