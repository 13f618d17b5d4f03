/** Display formats. Money stays a decimal string from the server; sums are in integer cents. */

import { euros, toCents } from '../contract/money.js';

export { euros, toCents };

export const price = (track: { isFree: boolean; priceEur: string }): string => (track.isFree ? 'Free' : euros(toCents(track.priceEur)));

/** 75.4 → "1:15"; an unknown length (null) → "–:––". */
export function clock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–:––';
  if (!Number.isFinite(seconds) || seconds < 0) return '0:00';
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const date = (iso: string): string =>
  new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
