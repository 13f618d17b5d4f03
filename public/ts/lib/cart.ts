import type { LicenseType } from '../contract/api.js';

/**
 * The cart: tracks and releases kept in this browser (localStorage), each
 * with the license chosen and, for name-your-price items, the amount the
 * buyer typed. Prices are never kept here: the cart page reads them from the
 * catalog, and the order's amount comes from the server.
 */
export interface CartItem {
  kind: 'track' | 'release';
  id: number;
  /** Name-your-price: what the buyer offers, as a decimal string. */
  amount?: string;
  license?: LicenseType;
}

const KEY = 'song-nexus-cart';
const listeners = new Set<() => void>();
const same = (a: Pick<CartItem, 'kind' | 'id'>, b: Pick<CartItem, 'kind' | 'id'>) => a.kind === b.kind && a.id === b.id;

function read(): CartItem[] {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    if (!Array.isArray(stored)) return [];
    // Older carts held track ids only.
    return stored
      .map((entry: unknown) => (typeof entry === 'number' ? { kind: 'track', id: entry } : entry))
      .filter(
        (entry): entry is CartItem =>
          typeof entry === 'object' &&
          entry !== null &&
          ((entry as CartItem).kind === 'track' || (entry as CartItem).kind === 'release') &&
          Number.isInteger((entry as CartItem).id) &&
          (entry as CartItem).id > 0,
      );
  } catch {
    return [];
  }
}

function write(items: CartItem[]): void {
  localStorage.setItem(KEY, JSON.stringify(items));
  for (const listener of listeners) listener();
}

export const cartItems = read;
export const cartCount = () => read().length;
export const inCart = (kind: CartItem['kind'], id: number) => read().some((i) => same(i, { kind, id }));
/** Adds an item, or replaces the one already there (another license or amount). */
export const addToCart = (item: CartItem) => write([...read().filter((i) => !same(i, item)), item]);
export const updateCartItem = (item: CartItem) => write(read().map((i) => (same(i, item) ? item : i)));
export const removeFromCart = (...items: Pick<CartItem, 'kind' | 'id'>[]) => write(read().filter((i) => !items.some((o) => same(i, o))));
export const clearCart = () => write([]);
export const onCartChange = (listener: () => void) => listeners.add(listener);

// Another tab changed the cart.
window.addEventListener('storage', (event) => {
  if (event.key === KEY) for (const listener of listeners) listener();
});
