import type { ApiReleaseExtra } from '../contract/api.js';
import { api, sendFile } from '../lib/api.js';
import { attempt, h, replace, type StatusLine } from '../lib/dom.js';
import { extraLabel } from '../lib/format.js';

/** A release's extras in the studio: what its ZIPs hold beside the tracks (a PDF booklet, images), added and removed. */
export function releaseExtras(releaseId: number, status: StatusLine): HTMLElement {
  const list = h('ul', { class: 'extras' });
  const file = h('input', { type: 'file', accept: 'application/pdf,image/png,image/jpeg,image/webp', 'aria-label': 'Extra file' });
  const add = h('button', { type: 'button' }, 'Attach');
  const url = `/api/artist/releases/${releaseId}/extras`;
  const show = (extras: ApiReleaseExtra[]) =>
    replace(
      list,
      extras.length === 0 ? h('li', {}, 'No extras yet.') : null,
      ...extras.map((extra) => {
        const remove = h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${extra.name}` }, 'Remove');
        remove.addEventListener('click', () =>
          attempt(status, async () => {
            await api('DELETE', `${url}/${extra.id}`);
            await load();
            return `${extra.name} removed.`;
          }),
        );
        return h('li', {}, extraLabel(extra), ' ', remove);
      }),
    );
  const load = async () => show((await api<{ extras: ApiReleaseExtra[] }>('GET', url)).extras);
  add.addEventListener('click', () =>
    attempt(status, async () => {
      const { extra } = await sendFile<{ extra: ApiReleaseExtra }>('POST', url, 'file', file, 'Choose a file first.');
      file.value = '';
      await load();
      return `${extra.name} attached.`;
    }),
  );
  void load();
  return h(
    'section',
    { class: 'card stack' },
    h('h2', {}, 'Extras'),
    h(
      'p',
      { class: 'muted' },
      'A PDF booklet or images (PNG, JPEG, WebP; up to 20 MB each, 10 per release), put into every download of the release.',
    ),
    list,
    file,
    add,
  );
}
