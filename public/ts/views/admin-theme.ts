import { ApiError, api, apiReply, messageOf } from '../lib/api.js';
import { attempt, field, h, page, replace, statusLine, type StatusLine } from '../lib/dom.js';
import { navigate, type View } from '../lib/router.js';
import { reloadTheme } from '../lib/theme.js';
import { currentUser, isAdmin } from '../lib/session.js';
import type { Track } from '../lib/types.js';
import { trackCard } from './track-card.js';

type TokenValue = string | number | null;
type Tokens = Record<string, TokenValue>;
interface ThemeDoc {
  id: number;
  updatedAt: string;
  updatedBy: string;
  tokens: Tokens;
  isActive?: boolean;
}

/** colorPrimary → --color-primary, as /theme.css names them. */
const cssVar = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
const label = (name: string) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());
const isColor = (v: TokenValue) => typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v);
const isImage = (name: string) => name.endsWith('Url');

function cssValue(name: string, value: TokenValue): string {
  if (value === null || value === '') return 'none';
  if (isImage(name)) return `url("${value}")`;
  return typeof value === 'number' && !/Weight/.test(name) ? `${value}px` : String(value);
}

/** WCAG contrast of two #rrggbb colours: the warning shown while editing (the server reports the same on save). */
function contrast(a: string, b: string): number {
  const lum = (hex: string) =>
    [1, 3, 5]
      .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
}

/** An image for an image token: uploaded to the store's theme assets (checked there by its bytes), then used by URL. */
function imageUpload(what: string, use: (url: string) => void, status: StatusLine): HTMLElement {
  const file = h('input', {
    type: 'file',
    accept: 'image/png,image/jpeg,image/webp',
    'aria-label': `Upload an image for ${what.toLowerCase()}`,
  });
  file.addEventListener('change', () =>
    attempt(status, async () => {
      const image = file.files?.[0];
      if (!image) return 'No image chosen.';
      const form = new FormData();
      form.set('file', image);
      const res = await fetch('/api/admin/design-system/assets', { method: 'POST', body: form, credentials: 'same-origin' });
      const body = (await res.json()) as { url?: string; error?: { message: string } };
      if (!res.ok || !body.url) throw new Error(body.error?.message ?? `The upload failed (${res.status}).`);
      use(body.url);
      return `Image uploaded for ${what.toLowerCase()}; save to publish it.`;
    }),
  );
  return file;
}

/**
 * The theme editor: every token with a fitting control, a live preview of
 * storefront parts styled by the draft (custom properties set on the preview
 * only), contrast warnings, save guarded by the ETag (a 412 says someone else
 * saved), and the history with one-click rollback.
 */
export const themeEditorView: View = async (_params, q) => {
  if (!isAdmin(currentUser())) {
    navigate('/', { replace: true });
    return { title: 'Admins only', content: h('p', {}, 'Admins only.') };
  }
  const loaded = await apiReply<ThemeDoc>('GET', '/api/design-system');
  let etag = loaded.headers.get('ETag') ?? '';
  const draft: Tokens = { ...loaded.body.tokens };
  const sample = (await api<{ tracks: Track[] }>('GET', '/api/tracks?limit=3')).tracks;

  const preview = h(
    'div',
    // inert: a picture of the store to look at, not controls to use.
    { class: 'theme-preview', inert: true },
    h(
      'div',
      { class: 'site-header' },
      h('span', { class: 'brand' }, 'Song-Nexus'),
      h('span', { class: 'nav-sample' }, 'Store · Library · Cart'),
    ),
    h('p', { class: 'heading-sample' }, 'Discover music'),
    h('p', {}, 'Body text in the base font, with ', h('u', { class: 'link-sample' }, 'a link'), '.'),
    h('p', {}, h('button', { type: 'button' }, 'Pay with PayPal'), ' ', h('button', { type: 'button', class: 'secondary' }, 'Add to cart')),
    h(
      'div',
      { class: 'grid' },
      sample.map((t) => trackCard(t, sample)),
    ),
    h(
      'div',
      { class: 'player preview-player' },
      h('button', { type: 'button', class: 'player-play', tabindex: -1 }, '▶'),
      h('span', {}, 'The player'),
    ),
  );
  const warnings = h('div', { class: 'warnings', role: 'status', 'aria-live': 'polite' });
  const status = statusLine();

  const applyDraft = () => {
    for (const [name, value] of Object.entries(draft)) preview.style.setProperty(cssVar(name), cssValue(name, value));
    const checks = [
      ['Text on background', String(draft.colorTextPrimary), String(draft.colorBackground)],
      ['Button text on button', String(draft.buttonTextColor), String(draft.buttonBackgroundColor)],
    ] as const;
    replace(
      warnings,
      checks.map(([what, fg, bg]) => {
        if (!isColor(fg) || !isColor(bg)) return null;
        const ratio = contrast(fg, bg);
        return h(
          'p',
          { class: ratio >= 4.5 ? 'ok' : 'warning' },
          `${what}: contrast ${ratio}:1 — `,
          ratio >= 4.5 ? 'passes WCAG AA' : 'below WCAG AA (4.5:1); hard to read',
        );
      }),
    );
  };

  const controls = Object.entries(draft).map(([name, value]) => {
    const set = (v: TokenValue) => {
      draft[name] = v;
      applyDraft();
    };
    if (isColor(value)) {
      const picker = h('input', { type: 'color', value, name });
      const text = h('input', { type: 'text', value, pattern: '#[0-9a-fA-F]{6}', size: 8, 'aria-label': `${label(name)} as hex` });
      picker.addEventListener('input', () => {
        text.value = picker.value;
        set(picker.value);
      });
      text.addEventListener('input', () => isColor(text.value) && ((picker.value = text.value), set(text.value)));
      const control = field(label(name), picker);
      control.append(h('div', { class: 'color-pair' }, picker, text));
      return h('div', { class: 'token' }, control);
    }
    if (typeof value === 'number') {
      const input = h('input', { type: 'number', value, name, step: /Weight/.test(name) ? 100 : 1 });
      input.addEventListener('input', () => input.value !== '' && set(Number(input.value)));
      return h('div', { class: 'token' }, field(label(name), input));
    }
    const input = h('input', { type: 'text', value: value ?? '', name, placeholder: isImage(name) ? 'https://… or /assets/theme/…' : '' });
    input.addEventListener('input', () => set(isImage(name) && !input.value.trim() ? null : input.value));
    const control = field(label(name), input);
    if (isImage(name)) control.append(imageUpload(label(name), (url) => ((input.value = url), set(url)), status));
    return h('div', { class: 'token' }, control);
  });

  const save = h('button', { type: 'submit' }, 'Save and publish');
  const form = h('form', { class: 'theme-form' }, h('div', { class: 'tokens' }, controls), save, status);
  const history = h('ol', { class: 'rows history', 'aria-label': 'Theme history' });

  const showHistory = async () => {
    const { themes } = await api<{ themes: ThemeDoc[] }>('GET', '/api/admin/design-system/history?pageSize=10');
    replace(
      history,
      themes.map((t) =>
        h(
          'li',
          { class: 'row' },
          h('span', { class: 'swatch', 'data-color': String(t.tokens.colorPrimary) }),
          h('span', { class: 'grow' }, `#${t.id} · ${new Date(t.updatedAt).toLocaleString()} · ${t.updatedBy}`),
          t.isActive
            ? h('strong', {}, 'active')
            : h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  onclick: async () => {
                    try {
                      await api('POST', `/api/admin/design-system/${t.id}/activate`);
                      await reloadTheme();
                      navigate(`/admin/theme?rolledBack=${t.id}`, { replace: true });
                    } catch (err) {
                      status.say(messageOf(err), 'error');
                    }
                  },
                },
                `Roll back to #${t.id}`,
              ),
        ),
      ),
    );
    // Swatches are coloured through the CSSOM (the CSP forbids style attributes).
    for (const swatch of history.querySelectorAll<HTMLElement>('.swatch')) swatch.style.backgroundColor = swatch.dataset.color ?? '';
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      const reply = await apiReply<{ contrast: { text: { passesAA: boolean }; button: { passesAA: boolean } } }>(
        'PUT',
        '/api/admin/design-system',
        draft,
        { 'If-Match': etag },
      );
      etag = reply.headers.get('ETag') ?? etag;
      const { text, button } = reply.body.contrast;
      status.say(
        text.passesAA && button.passesAA
          ? 'Saved. The store shows the new theme now.'
          : 'Saved, but some colours are below WCAG AA contrast.',
        'ok',
      );
      await reloadTheme();
      await showHistory();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        replace(
          status,
          'Someone else saved the theme while you were editing. ',
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => navigate('/admin/theme', { replace: true }) },
            'Load their version',
          ),
          ' (your changes here are not saved).',
        );
        status.dataset.kind = 'error';
      } else {
        status.say(messageOf(err), 'error');
      }
    } finally {
      save.disabled = false;
    }
  });

  applyDraft();
  await showHistory();
  const rolledBack = q.get('rolledBack');
  if (rolledBack) status.say(`Rolled back to theme #${rolledBack}: the store shows it now.`, 'ok');
  return page(
    'Theme editor',
    h('h1', {}, 'Theme editor'),
    adminNav(),
    h('div', { class: 'editor' }, form, h('div', { class: 'preview-column' }, h('h2', {}, 'Preview of the storefront'), warnings, preview)),
    h('h2', {}, 'History'),
    history,
  );
};

export function adminNav(): HTMLElement {
  return h(
    'nav',
    { class: 'subnav', 'aria-label': 'Admin' },
    h('a', { href: '/admin/theme' }, 'Theme'),
    h('a', { href: '/admin/users' }, 'Users'),
    h('a', { href: '/admin/orders' }, 'Orders'),
    h('a', { href: '/admin/money' }, 'Money'),
    h('a', { href: '/admin/audit' }, 'Audit log'),
  );
}
