import { discountCodesSection, downloadCodesSection, pricingFields } from './studio-pricing.js';
import { api, messageOf, putImage } from '../lib/api.js';
import { barChart } from '../lib/chart.js';
import { earningsSection } from './earnings.js';
import { payoutSettingsSection } from './payouts.js';
import { attempt, field, h, page, replace, statusLine, type StatusLine } from '../lib/dom.js';
import { amount, clock, minor, money, price, storeCurrency } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import { currentUser, isArtist } from '../lib/session.js';
import type { ArtistStats as Stats, ManagedTrack } from '../lib/types.js';
import { cover } from './track-card.js';
import { profileSection } from './studio-profile.js';
import { releasesSection } from './studio-releases.js';

export function requireArtist(): boolean {
  if (isArtist(currentUser())) return true;
  navigate(currentUser() ? '/account' : '/signin?next=/studio', { replace: true });
  return false;
}
export const notAllowed = { title: 'Artist studio', content: h('p', {}, 'Artists only.') };

/**
 * Uploads with a real progress bar: XMLHttpRequest reports upload progress,
 * fetch does not. The server's validation message is shown as it is.
 */
export function upload(form: FormData, onProgress: (fraction: number) => void, url = '/api/artist/tracks'): Promise<ManagedTrack> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => e.lengthComputable && onProgress(e.loaded / e.total));
    xhr.addEventListener('load', () => {
      const body = xhr.response as { track?: ManagedTrack; error?: { message: string } } | null;
      if (xhr.status === 201 && body?.track) resolve(body.track);
      else reject(new Error(body?.error?.message ?? `The upload failed (${xhr.status}).`));
    });
    xhr.addEventListener('error', () => reject(new Error('The upload was interrupted. Check your connection and try again.')));
    xhr.send(form);
  });
}

function uploadForm(onDone: (track: ManagedTrack) => void): HTMLElement {
  const file = h('input', {
    type: 'file',
    name: 'audio',
    accept: 'audio/mpeg,audio/flac,audio/ogg,audio/wav,audio/aiff,audio/mp4,.mp3,.flac,.ogg,.opus,.wav,.aif,.aiff,.m4a',
    required: true,
  });
  const drop = h(
    'div',
    { class: 'dropzone' },
    h('p', {}, 'Drag an audio file here (MP3, FLAC, Ogg, Opus, WAV, AIFF, or M4A with AAC or ALAC), or choose one:'),
    field('Audio file', file),
  );
  const chosen = h('p', { class: 'note' });
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 100 });
  const genre = h('input', { type: 'text', name: 'genre', maxlength: 50 });
  const description = h('textarea', { name: 'description', maxlength: 5000, rows: 3 });
  const priceInput = h('input', {
    type: 'text',
    name: 'priceEur',
    value: storeCurrency().decimals === 0 ? '100' : '0.99',
    inputmode: 'decimal',
    pattern: '\\d{1,7}(\\.\\d{1,2})?',
  });
  const free = h('input', { type: 'checkbox', name: 'isFree' });
  const preview = h('input', { type: 'number', name: 'freePreviewDuration', value: 40, min: 0, max: 600 });
  const coverInput = h('input', { type: 'file', name: 'cover', accept: 'image/png,image/jpeg,image/webp' });
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Upload progress' });
  const status = statusLine();
  const submit = h('button', { type: 'submit' }, 'Upload');
  const showFile = () => {
    const f = file.files?.[0];
    chosen.textContent = f ? `${f.name} · ${(f.size / 1_048_576).toFixed(1)} MB` : '';
    if (f && !name.value) name.value = f.name.replace(/\.[^.]+$/, '');
  };
  file.addEventListener('change', showFile);
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files.length) {
      file.files = e.dataTransfer.files;
      showFile();
    }
  });
  const form = h(
    'form',
    { class: 'stack upload' },
    drop,
    chosen,
    field('Title', name),
    field('Genre', genre),
    field('Description', description),
    h('div', { class: 'row' }, field(`Price (${storeCurrency().code})`, priceInput), h('label', { class: 'check' }, free, ' Free track')),
    field('Preview length (seconds)', preview, 'Listeners who have not bought the track hear this much; 0 for none.'),
    field('Cover image (optional)', coverInput, 'PNG, JPEG or WebP.'),
    progress,
    submit,
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file.files?.length) return status.say('Choose an audio file first.', 'error');
    const data = new FormData();
    data.set('name', name.value.trim());
    data.set('genre', genre.value.trim());
    data.set('description', description.value.trim());
    data.set('priceEur', priceInput.value.trim());
    data.set('isFree', String(free.checked));
    data.set('freePreviewDuration', preview.value);
    data.set('audio', file.files[0]!);
    if (coverInput.files?.[0]) data.set('cover', coverInput.files[0]);
    submit.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    status.say('Uploading…');
    try {
      const track = await upload(data, (f) => {
        progress.value = f;
        status.say(f < 1 ? `Uploading… ${Math.round(f * 100)}%` : 'Checking the audio and cutting the preview…');
      });
      status.say(`“${track.name}” uploaded (${clock(track.durationSeconds)}). It is a draft until you publish it.`, 'ok');
      form.reset();
      chosen.textContent = '';
      onDone(track);
    } catch (err) {
      status.say(messageOf(err), 'error');
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function stateOf(t: ManagedTrack): string {
  return t.isDeleted ? 'deleted' : t.isPublished ? 'published' : 'draft';
}

function trackRows(tracks: ManagedTrack[], stats: Stats, refresh: () => void, status: StatusLine): HTMLElement {
  if (!tracks.length) return h('p', { class: 'empty' }, 'No tracks yet. Upload your first one above.');
  const act = async (what: string, call: () => Promise<unknown>) => {
    if (await attempt(status, async () => (await call(), what))) refresh();
  };
  return h(
    'table',
    { class: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Your tracks'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Title', 'State', 'Price', 'Plays', 'Revenue', 'Actions'].map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      tracks.map((t) => {
        const s = stats.tracks.find((x) => x.trackId === t.id);
        return h(
          'tr',
          { 'data-track-id': t.id },
          h('td', {}, t.isDeleted ? t.name : h('a', { href: `/studio/tracks/${t.id}` }, t.name)),
          h('td', {}, h('span', { class: `badge state-${stateOf(t)}` }, stateOf(t))),
          h('td', {}, price(t)),
          h('td', { class: 'num' }, String(t.playCount)),
          h('td', { class: 'num' }, s ? amount(s.revenueEur) : '€0.00'),
          h(
            'td',
            {},
            t.isDeleted
              ? null
              : h(
                  'div',
                  { class: 'actions' },
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'secondary',
                      onclick: () =>
                        act(t.isPublished ? 'Unpublished.' : 'Published: it is in the store now.', () =>
                          api('PATCH', `/api/artist/tracks/${t.id}`, { isPublished: !t.isPublished }),
                        ),
                    },
                    t.isPublished ? 'Unpublish' : 'Publish',
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      onclick: () =>
                        confirm(`Delete “${t.name}”? Buyers keep it; nobody else can find or buy it.`) &&
                        act('Deleted.', () => api('DELETE', `/api/artist/tracks/${t.id}`)),
                    },
                    'Delete',
                  ),
                ),
          ),
        );
      }),
    ),
  );
}

/** Plays per day over the range, all tracks together, as an SVG bar chart. */
function playsChart(stats: Stats, days: number): HTMLElement {
  const byDay = new Map<string, number>();
  for (const d of stats.daily) byDay.set(d.day.slice(0, 10), (byDay.get(d.day.slice(0, 10)) ?? 0) + d.plays);
  const today = new Date();
  const series = Array.from({ length: days }, (_, i) => {
    const day = new Date(today.getTime() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    return { day, plays: byDay.get(day) ?? 0 };
  });
  const max = Math.max(1, ...series.map((s) => s.plays));
  return barChart(
    series.map((s) => ({ label: s.day, value: s.plays, title: `${s.day}: ${s.plays} plays` })),
    {
      ariaLabel: `Plays per day over the last ${days} days; most in one day: ${max}`,
      caption: `Plays per day, last ${days} days (most: ${max})`,
    },
  );
}

function totals(stats: Stats): HTMLElement {
  const sum = (k: 'plays' | 'uniqueListeners' | 'purchases' | 'previewPlays' | 'fullPlays') => stats.tracks.reduce((n, t) => n + t[k], 0);
  const revenue = [...stats.tracks, ...stats.releases].reduce((n, t) => n + minor(t.revenueEur), 0);
  const item = (label: string, value: string) => h('div', { class: 'stat' }, h('dt', {}, label), h('dd', {}, value));
  return h(
    'dl',
    { class: 'stats' },
    item('Plays', String(sum('plays'))),
    item('Full / preview', `${sum('fullPlays')} / ${sum('previewPlays')}`),
    item('Purchases', String(sum('purchases'))),
    item('Releases sold', String(stats.releases.reduce((n, r) => n + r.purchases, 0))),
    item('Revenue', money(revenue)),
  );
}

/** The artist studio: upload, the track list with publish/unpublish/delete, statistics. */
export const studioView: View = async () => {
  if (!requireArtist()) return notAllowed;
  const status = statusLine();
  const list = h('div', {});
  const statsBox = h('div', {});
  const refresh = async () => {
    const [{ tracks }, stats] = await Promise.all([
      api<{ tracks: ManagedTrack[] }>('GET', '/api/artist/tracks?pageSize=100'),
      api<Stats>('GET', '/api/artist/stats'),
    ]);
    replace(
      list,
      trackRows(tracks, stats, () => void refresh(), status),
    );
    replace(statsBox, totals(stats), playsChart(stats, 30));
  };
  const [releases, profile, codes, money, payouts] = await Promise.all([
    releasesSection(),
    profileSection(),
    discountCodesSection(),
    earningsSection('artist'),
    payoutSettingsSection(),
    refresh(),
  ]);
  return page(
    'Artist studio',
    h('h1', {}, 'Artist studio'),
    h('h2', {}, 'Your releases'),
    releases,
    h('h2', {}, 'Upload a single track'),
    uploadForm(() => void refresh()),
    h('h2', {}, 'Your tracks'),
    status,
    list,
    h('h2', {}, 'Last 30 days'),
    statsBox,
    money,
    payouts,
    h('h2', {}, 'Your artist page'),
    profile,
    codes,
  );
};

/** Cover art: shows the current one; replace (PNG, JPEG or WebP, checked by the server) or remove. */
function coverEditor(track: ManagedTrack): HTMLElement {
  const picture = h('div', { class: 'cover-preview' }, cover(track));
  const file = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp' });
  const status = statusLine();
  const show = (updated: ManagedTrack) => {
    Object.assign(track, updated);
    replace(picture, cover(track));
    remove.hidden = !track.coverUrl;
  };
  const replaceButton = h('button', { type: 'button' }, 'Replace cover');
  replaceButton.addEventListener('click', () =>
    attempt(status, async () => {
      show((await putImage<{ track: ManagedTrack }>(`/api/artist/tracks/${track.id}/cover`, 'cover', file)).track);
      file.value = '';
      return 'Cover replaced.';
    }),
  );
  const remove = h('button', { type: 'button', class: 'danger', hidden: !track.coverUrl }, 'Remove cover');
  remove.addEventListener('click', () =>
    attempt(status, async () => {
      show((await api<{ track: ManagedTrack }>('DELETE', `/api/artist/tracks/${track.id}/cover`)).track);
      return 'Cover removed.';
    }),
  );
  return h(
    'section',
    { class: 'card wide stack' },
    h('h2', {}, 'Cover art'),
    picture,
    field('New cover image', file, 'PNG, JPEG or WebP, at most 5 MB and 4000 × 4000 pixels.'),
    h('div', { class: 'actions' }, replaceButton, remove),
    status,
  );
}

/** Editing one track: metadata, price, preview length (the server re-cuts the preview). */
export const studioTrackView: View = async ({ id }) => {
  if (!requireArtist()) return notAllowed;
  const { tracks } = await api<{ tracks: ManagedTrack[] }>('GET', '/api/artist/tracks?pageSize=100');
  const track = tracks.find((t) => t.id === Number(id));
  if (!track)
    return {
      title: 'Not found',
      content: h('section', { class: 'card' }, h('h1', {}, 'No such track'), h('a', { href: '/studio' }, 'Back to the studio')),
    };
  const name = h('input', { type: 'text', required: true, maxlength: 100, value: track.name });
  const genre = h('input', { type: 'text', maxlength: 50, value: track.genre ?? '' });
  const description = h('textarea', { maxlength: 5000, rows: 4 }, track.description ?? '');
  const pricing = pricingFields(track);
  const preview = h('input', { type: 'number', min: 0, max: 600, value: track.freePreviewDuration });
  const published = h('input', { type: 'checkbox', checked: track.isPublished });
  const status = statusLine();
  const form = h(
    'form',
    { class: 'stack card wide' },
    h('h1', {}, `Edit “${track.name}”`),
    field('Title', name),
    field('Genre', genre),
    field('Description', description),
    ...pricing.controls,
    field('Preview length (seconds)', preview, `The track is ${clock(track.durationSeconds)} long. Changing this cuts a new preview.`),
    h('label', { class: 'check' }, published, ' Published (visible and for sale in the store)'),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save'), h('a', { href: '/studio' }, 'Back to the studio')),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.say('Saving…');
    await attempt(status, async () => {
      await api('PATCH', `/api/artist/tracks/${track.id}`, {
        name: name.value.trim(),
        genre: genre.value.trim() || null,
        description: description.value.trim() || null,
        ...pricing.body(),
        isPublished: published.checked,
        freePreviewDuration: Number(preview.value),
      });
      return 'Saved.';
    });
  });
  return {
    title: `Edit ${track.name} — Song-Nexus`,
    content: h('div', { class: 'stack' }, form, coverEditor(track), downloadCodesSection('track', track.id)),
  };
};
