import { h } from './dom.js';

/** The theme's logo, read from /theme.css (`--logo-url: url("…")` or `none`): no request of its own. */
function logoUrl(): string | undefined {
  const value = getComputedStyle(document.documentElement).getPropertyValue('--logo-url').trim();
  return /^url\("([^"]+)"\)$/.exec(value)?.[1];
}

/** The admin's logo (a theme token) before the store's name in the header, or none. */
export function showLogo(): void {
  const brand = document.querySelector('.brand');
  if (!brand) return;
  brand.querySelector('img.logo')?.remove();
  const src = logoUrl();
  if (src) brand.prepend(h('img', { src, alt: '', class: 'logo' }));
}

/**
 * Shows a saved theme at once: this page loads a fresh /theme.css (and logo),
 * and the browser's cached copy (other visitors wait up to its max-age of
 * 60 s) is replaced so this admin's next pages show it too.
 */
export async function reloadTheme(): Promise<void> {
  await fetch('/theme.css', { cache: 'reload' }).catch(() => undefined);
  const old = document.getElementById('theme-css') as HTMLLinkElement | null;
  if (!old) return;
  const fresh = h('link', { rel: 'stylesheet', href: `/theme.css?v=${Date.now()}` });
  await new Promise<void>((resolve) => {
    fresh.addEventListener('load', () => resolve());
    fresh.addEventListener('error', () => resolve());
    old.after(fresh);
  });
  old.remove();
  fresh.id = 'theme-css';
  showLogo();
}
