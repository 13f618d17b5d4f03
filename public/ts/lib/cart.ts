/**
 * The cart: track ids kept in this browser (localStorage). Prices are never
 * kept here; the cart page reads them from the catalog and the order's
 * amount comes from the server.
 */
const KEY = 'song-nexus-cart';
const listeners = new Set<() => void>();

function read(): number[] {
  try {
    const ids = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isInteger(id) && id > 0) : [];
  } catch {
    return [];
  }
}

function write(ids: number[]): void {
  localStorage.setItem(KEY, JSON.stringify([...new Set(ids)]));
  for (const listener of listeners) listener();
}

export const cartIds = read;
export const inCart = (id: number) => read().includes(id);
export const addToCart = (id: number) => write([...read(), id]);
export const removeFromCart = (...ids: number[]) => write(read().filter((id) => !ids.includes(id)));
export const clearCart = () => write([]);
export const onCartChange = (listener: () => void) => listeners.add(listener);

// Another tab changed the cart.
window.addEventListener('storage', (event) => {
  if (event.key === KEY) for (const listener of listeners) listener();
});
