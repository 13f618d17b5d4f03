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
        // redirect: 'manual': a ready file may be a redirect to object storage, which is the browser's download to follow.
        if (i === 0)
          await fetch(url, { credentials: 'same-origin', redirect: 'manual' }).then((r) =>
            r.ok || r.status === 202 || r.type === 'opaqueredirect'
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

/**
 * A whole release as one ZIP in the chosen format: while its tracks are
 * prepared the store answers 202 with how many are ready ("Preparing FLAC —
 * 3 of 8 tracks"); once they all are, the browser downloads the archive.
 */
export function releaseDownloadControl(releaseId: number, title: string, formats: ApiFormat[]): HTMLElement {
  const select = h(
    'select',
    { 'aria-label': `Format for ${title}` },
    formats.map((f) => h('option', { value: f.format }, f.label)),
  );
  const button = h('button', { type: 'button', class: 'secondary' }, 'Download release');
  const status = statusLine();
  button.addEventListener('click', async () => {
    const url = `/api/releases/${releaseId}/download?format=${encodeURIComponent(select.value)}`;
    button.disabled = true;
    try {
      for (let i = 0; i < 300; i++) {
        // Only the answer's status is wanted here: the archive itself is left to the browser's download.
        const abort = new AbortController();
        // A ready archive is its bytes (200), or a redirect to object storage (DELIVERY=s3) left for the browser's download to follow.
        const reply = await fetch(url, { credentials: 'same-origin', signal: abort.signal, redirect: 'manual' });
        if (reply.status === 200 || reply.type === 'opaqueredirect') {
          abort.abort();
          status.say('');
          return save(url);
        }
        const body = (await reply.json()) as { ready?: number; total?: number; error?: { message?: string } };
        if (reply.status !== 202) throw new Error(body.error?.message ?? 'The download failed.');
        status.say(`Preparing ${select.selectedOptions[0]?.textContent ?? select.value} — ${body.ready} of ${body.total} tracks…`);
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
      status.say('This is taking long; try again in a minute.', 'error');
    } catch (err) {
      if ((err as Error).name !== 'AbortError') status.say(messageOf(err), 'error');
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'download release-download' }, select, button, status);
}
