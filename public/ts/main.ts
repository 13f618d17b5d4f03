import { APP_PAGES, type AppPage } from './contract/pages.js';
import type { ApiStore } from './contract/api.js';
import { api, ApiError, messageOf } from './lib/api.js';
import { useCurrency } from './lib/format.js';
import { cartCount, onCartChange } from './lib/cart.js';
import { h, replace } from './lib/dom.js';
import { route, startRouter, type View } from './lib/router.js';
import { showLogo } from './lib/theme.js';
import { currentUser, isAdmin, isArtist, loadSession, onSessionChange } from './lib/session.js';
import { mountPlayer } from './player.js';
import { accountView, signInView } from './views/account.js';
import { emailConfirmView } from './views/account-lifecycle.js';
import { adminMoneyView } from './views/admin-money.js';
import { auditView } from './views/admin-audit.js';
import { payoutConfirmView } from './views/payouts.js';
import { ordersView, usersView } from './views/admin.js';
import { themeEditorView } from './views/admin-theme.js';
import { checkoutResultView, libraryView } from './views/buying.js';
import { cartView } from './views/cart.js';
import { licensesView, redeemView } from './views/redeem.js';
import { catalogView } from './views/catalog.js';
import { studioTrackView, studioView } from './views/studio.js';
import { trackView } from './views/track.js';
import { artistView, releaseView } from './views/release.js';
import { releasesView } from './views/releases.js';
import { studioReleaseView } from './views/studio-releases.js';

const view = document.getElementById('view')!;
const nav = document.getElementById('nav')!;

function renderNav(): void {
  const user = currentUser();
  const count = cartCount();
  const here = window.location.pathname;
  const link = (href: string, text: string) =>
    h('a', { href, 'aria-current': here === href || (href !== '/' && here.startsWith(href)) ? 'page' : null }, text);
  replace(
    nav,
    link('/', 'Store'),
    link('/releases', 'Releases'),
    user ? link('/library', 'Library') : null,
    isArtist(user) ? link('/studio', 'Studio') : null,
    isAdmin(user) ? link('/admin/theme', 'Admin') : null,
    h(
      'a',
      { href: '/cart', class: 'cart-link', 'aria-current': here === '/cart' ? 'page' : null },
      'Cart',
      h('span', { class: 'count', 'aria-label': `${count} item${count === 1 ? '' : 's'}` }, String(count)),
    ),
    user ? link('/account', 'Account') : link('/signin', 'Sign in'),
  );
}

const notFound: View = async () => ({
  title: 'Not found — Song-Nexus',
  content: h(
    'section',
    { class: 'card' },
    h('h1', {}, 'Page not found'),
    h('p', {}, 'There is nothing at this address.'),
    h('a', { href: '/' }, 'Back to the store'),
  ),
});

let renderCount = 0;
async function render(page: View | undefined, params: Record<string, string>, query: URLSearchParams): Promise<void> {
  const mine = ++renderCount;
  view.setAttribute('aria-busy', 'true');
  renderNav();
  try {
    const { title, content } = await (page ?? notFound)(params, query);
    if (mine !== renderCount) return; // a newer navigation won
    document.title = title;
    replace(view, content);
  } catch (err) {
    if (mine !== renderCount) return;
    const gone = err instanceof ApiError && err.status === 404;
    document.title = gone ? 'Not found — Song-Nexus' : 'Something went wrong — Song-Nexus';
    replace(
      view,
      h(
        'section',
        { class: 'card', role: 'alert' },
        h('h1', {}, gone ? 'Not found' : 'Something went wrong'),
        h('p', {}, messageOf(err)),
        h('a', { href: '/' }, 'Back to the store'),
      ),
    );
  } finally {
    if (mine === renderCount) {
      view.removeAttribute('aria-busy');
      // Move focus to the new page for keyboard and screen-reader users.
      if (renderCount > 1) view.focus();
    }
  }
}

// Every page of the contract has its view (a page without one fails the type check);
// routes/pages.routes.ts answers the same paths with this page's shell.
const VIEWS: Record<AppPage, View> = {
  '/': catalogView,
  '/tracks/:id': trackView,
  '/releases': releasesView,
  '/releases/:id': releaseView,
  '/artists/:id': artistView,
  '/signin': signInView,
  '/account': accountView,
  '/account/email': emailConfirmView,
  '/cart': cartView,
  '/checkout/result': checkoutResultView,
  '/library': libraryView,
  '/library/licenses': licensesView,
  '/redeem': redeemView,
  '/studio': studioView,
  '/studio/tracks/:id': studioTrackView,
  '/studio/releases/:id': studioReleaseView,
  '/admin': themeEditorView,
  '/admin/theme': themeEditorView,
  '/admin/users': usersView,
  '/admin/orders': ordersView,
  '/admin/money': adminMoneyView,
  '/admin/audit': auditView,
  '/payouts/confirm': payoutConfirmView,
};
for (const page of APP_PAGES) route(page, VIEWS[page]);

mountPlayer(document.getElementById('player')!);
showLogo();
onCartChange(renderNav);
onSessionChange(renderNav);
/** The store's currency, for every amount shown; EUR when it cannot be read (the pages then say so on their own errors). */
async function loadStore(): Promise<void> {
  try {
    const store = await api<ApiStore>('GET', '/api/store');
    useCurrency(store.currency, store.decimals);
  } catch {
    // keep the default
  }
}

void Promise.all([loadSession(), loadStore()]).then(() => startRouter((page, params, query) => void render(page, params, query)));
