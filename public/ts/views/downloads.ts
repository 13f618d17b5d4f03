import type { ApiFormat } from '../contract/api.js';
import { api, messageOf } from '../lib/api.js';
import { h, statusLine } from '../lib/dom.js';

const formatsOf = (trackId: number) => api<{ formats: ApiFormat[] }>('GET', `/api/tracks/${trackId}/formats`).then((r) => r.formats);

/** Starts the browser's own download of a ready file (no bytes through this page's memory). */
function save(url: string): void {
  const link = h('a', { href: url, download: '', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Download in the format the buyer picks: at once when it is made, else the
 * store prepares it ("Preparing FLAC…", asked again every few seconds) and
 * the download starts when it is ready.
 */
export function downloadControl(trackId: number, title: string): HTMLElement {
  const select = h('select', { 'aria-label': `Format for ${title}` }, h('option', { value: 'original' }, 'Original'));
  const button = h('button', { type: 'button', class: 'secondary' }, 'Download');
  const status = statusLine();
  let loaded = false;
  const load = async () => {
    if (loaded) return;
    loaded = true;
    const formats = await formatsOf(trackId).catch(() => []);
    if (formats.length) select.replaceChildren(...formats.map((f) => h('option', { value: f.format }, f.label)));
  };
  select.addEventListener('focus', () => void load());
  select.addEventListener('pointerdown', () => void load());
  button.addEventListener('click', async () => {
    const format = select.value;
    const url = `/api/tracks/${trackId}/download?format=${encodeURIComponent(format)}`;
    if (format === 'original') return save(url);
    button.disabled = true;
    try {
      for (let i = 0; i < 200; i++) {
        const made = (await formatsOf(trackId)).find((f) => f.format === format);
        if (made?.ready) {
          status.say('');
          return save(url);
        }
        // Asking for it queues it (once, however often asked); a 202 says it is on its way.
        if (i === 0)
          await fetch(url, { credentials: 'same-origin' }).then((r) =>
            r.ok || r.status === 202
              ? undefined
              : r
                  .json()
                  .then((b: { error?: { message?: string } }) => Promise.reject(new Error(b.error?.message ?? 'The download failed.'))),
          );
        status.say(`Preparing ${select.selectedOptions[0]?.textContent ?? format}…`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      status.say('This is taking long; try again in a minute.', 'error');
    } catch (err) {
      status.say(messageOf(err), 'error');
    } finally {
      button.disabled = false;
    }
  });
  return h('span', { class: 'download' }, select, button, status);
}

/** The formats a track can be downloaded in once bought, for its page ("FLAC, MP3 320 kbps, …"). */
export async function formatList(trackId: number): Promise<HTMLElement | null> {
  const formats = await formatsOf(trackId).catch(() => []);
  if (!formats.length) return null;
  return h('p', { class: 'note formats' }, `Download formats: ${formats.map((f) => f.label).join(', ')}.`);
}
