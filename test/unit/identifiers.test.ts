import crypto from 'node:crypto';
import { slugOf } from '../../services/catalog/artist-profile.service';
import { gtinCheckDigit, isValidGtin, normaliseIsrc, normaliseTags } from '../../lib/identifiers';

describe('ISRC', () => {
  it.each([
    ['USRC17607839', 'USRC17607839'],
    ['US-RC1-76-07839', 'USRC17607839'],
    ['gb-aaa-25-00001', 'GBAAA2500001'],
  ])('accepts %s as %s', (text, stored) => {
    expect(normaliseIsrc(text)).toBe(stored);
  });

  it.each(['', 'USRC1760783', 'USRC176078390', 'U1RC17607839', 'USRC17A07839', 'US_RC17607839'])('refuses %j', (text) => {
    expect(normaliseIsrc(text)).toBeUndefined();
  });
});

describe('UPC / EAN', () => {
  it('accepts real codes and refuses them with any other check digit', () => {
    for (const code of ['036000291452', '4006381333931', '5012345678900']) {
      expect(isValidGtin(code)).toBe(true);
      for (let d = 0; d <= 9; d++) {
        if (String(d) !== code.at(-1)) expect(isValidGtin(code.slice(0, -1) + d)).toBe(false);
      }
    }
  });

  it('holds for every code: the body with its check digit is valid, a changed digit is not', () => {
    for (let i = 0; i < 2000; i++) {
      const length = i % 2 ? 11 : 12;
      const body = [...crypto.randomBytes(length)].map((b) => String(b % 10)).join('');
      const code = body + gtinCheckDigit(body);
      expect(isValidGtin(code)).toBe(true);
      const at = i % code.length;
      const changed = code.slice(0, at) + String((Number(code[at]) + 1 + (i % 9)) % 10) + code.slice(at + 1);
      // One changed digit always breaks the GS1 check (weights 1 and 3 are coprime to 10).
      expect(isValidGtin(changed)).toBe(false);
    }
  });

  it('refuses anything that is not 12 or 13 digits', () => {
    for (const text of ['', '03600029145', '04006381333931', '03600029145a', ' 036000291452']) expect(isValidGtin(text)).toBe(false);
  });
});

describe('tags', () => {
  it('are trimmed, lower case, single-spaced and unique, in their first order', () => {
    expect(normaliseTags(['  Ambient ', 'ambient', 'Field  Recordings', '', 'LO-FI'])).toEqual(['ambient', 'field recordings', 'lo-fi']);
  });
});

describe('artist slugs', () => {
  it.each([
    ['Nightowl Collective', 'nightowl-collective'],
    ['Sol Ferreira!', 'sol-ferreira'],
    ['Maré Alta', 'mare-alta'],
    ['2024', 'artist-2024'],
    ['   ', 'artist'],
    ['日本', 'artist'],
  ])('%j becomes %j', (name, slug) => {
    expect(slugOf(name)).toBe(slug);
  });
});
