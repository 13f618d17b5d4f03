/**
 * Client-side routes: links inside the app change the page without reloading,
 * so the player keeps playing across pages. The server answers every one of
 * these paths with the same shell (routes/pages.routes.ts).
 */
export type View = (params: Record<string, string>, query: URLSearchParams) => Promise<{ title: string; content: Node }>;

interface Route {
  pattern: RegExp;
  keys: string[];
  view: View;
}

const routes: Route[] = [];
let render: (view: View | undefined, params: Record<string, string>, query: URLSearchParams) => void = () => undefined;

/** `/tracks/:id` style patterns. */
export function route(path: string, view: View): void {
  const keys: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, key: string) => (keys.push(key), '([^/]+)'))}/?$`);
  routes.push({ pattern, keys, view });
}

export function resolve(): void {
  const { pathname, search } = window.location;
  for (const r of routes) {
    const m = r.pattern.exec(pathname);
    if (m) return render(r.view, Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])), new URLSearchParams(search));
  }
  render(undefined, {}, new URLSearchParams(search));
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  resolve();
}

/**
 * A "go back to" path from a query parameter, only if it is a path of this
 * store ("/cart"; never "//other.site" or a full URL): else undefined. The
 * server applies the same rule to the magic link's `next`.
 */
export { returnPath } from '../contract/pages.js';

/** Paths the server serves itself (API, media, confirm page): followed as ordinary links. */
const SERVER_PATHS = /^\/(api|auth|dev|assets|css|js|checkout\/return|checkout\/cancel)(\/|$)/;

export function startRouter(renderer: typeof render): void {
  render = renderer;
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest?.('a');
    if (!link || link.target || link.hasAttribute('download') || link.origin !== window.location.origin) return;
    if (SERVER_PATHS.test(link.pathname)) return;
    event.preventDefault();
    if (link.pathname + link.search !== window.location.pathname + window.location.search) navigate(link.pathname + link.search);
  });
  window.addEventListener('popstate', resolve);
  resolve();
}
