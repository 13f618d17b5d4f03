import { api } from './api.js';
import { h } from './dom.js';

/** The admin's logo (a theme token) before the store's name in the header, or none. */
export async function showLogo(): Promise<void> {
  const theme = await api<{ tokens: { logoUrl: string | null } }>('GET', '/api/design-system').catch(() => undefined);
  const brand = document.querySelector('.brand');
  if (!brand) return;
  brand.querySelector('img.logo')?.remove();
  if (theme?.tokens.logoUrl) brand.prepend(h('img', { src: theme.tokens.logoUrl, alt: '', class: 'logo' }));
}

/**
 * Shows a saved theme at once: this page loads a fresh /theme.css and logo,
 * and the browser's cached copy of /theme.css (other visitors wait up to its
 * max-age of 60 s) is replaced so this admin's next pages show it too.
 */
export async function reloadTheme(): Promise<void> {
  await fetch('/theme.css', { cache: 'reload' }).catch(() => undefined);
  const link = document.getElementById('theme-css') as HTMLLinkElement | null;
  if (link) link.href = `/theme.css?v=${Date.now()}`;
  await showLogo();
}
