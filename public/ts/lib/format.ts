/** Display formats. Money stays a decimal string from the server; sums are in the currency's integer minor units. */

import type { ApiReleaseExtra } from '../contract/api.js';
import { currencyOf, displayMoney, EUR, toMinor, type Currency, type CurrencyCode } from '../contract/money.js';

let store: Currency = EUR;

/** The store's currency, as GET /api/store names it (set once at start). */
export function useCurrency(code: string, decimals: 0 | 2): void {
  store = { ...currencyOf(code as CurrencyCode), decimals };
}
export const storeCurrency = (): Currency => store;

/** Minor units of a decimal string from the server: "0.99" → 99. */
export const minor = (value: string): number => toMinor(value, store);
/** An amount for people: 297 → "€2.97", 1200 (JPY) → "¥1,200". */
export const money = (minorUnits: number): string => displayMoney(minorUnits, store);
/** A decimal string from the server, for people: "2.97" → "€2.97". */
export const amount = (value: string): string => money(minor(value));

/** What an item costs, for a card or a button: "Free", "€0.99", or "€5.00 or more". */
export function price(item: { isFree?: boolean; priceEur: string; priceModel?: string; price?: string }): string {
  if (item.isFree || item.priceModel === 'free') return 'Free';
  const least = amount(item.price ?? item.priceEur);
  if (item.priceModel === 'name_your_price') return minor(item.price ?? item.priceEur) === 0 ? 'Name your price' : `${least} or more`;
  return least;
}

/** 75.4 → "1:15"; an unknown length (null) → "–:––". */
export function clock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '–:––';
  if (!Number.isFinite(seconds) || seconds < 0) return '0:00';
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const date = (iso: string): string =>
  new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

/** "2.4 MB", "380 KB". */
export const fileSize = (bytes: number) =>
  bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1000))} KB`;

const KINDS: Record<string, string> = { 'application/pdf': 'PDF', 'image/png': 'PNG', 'image/jpeg': 'JPEG', 'image/webp': 'WebP' };
export const extraLabel = (extra: ApiReleaseExtra) => `${extra.name} (${KINDS[extra.mime] ?? extra.mime}, ${fileSize(extra.sizeBytes)})`;
