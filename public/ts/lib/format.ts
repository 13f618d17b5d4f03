/** Display formats. Money stays a decimal string from the server; sums are in integer cents. */

export const toCents = (eur: string): number => {
  const [whole = '0', frac = ''] = eur.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
};

export const euros = (cents: number): string => `€${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

export const price = (track: { isFree: boolean; priceEur: string }): string => (track.isFree ? 'Free' : euros(toCents(track.priceEur)));

/** 75.4 → "1:15". */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '0:00';
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const date = (iso: string): string =>
  new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
