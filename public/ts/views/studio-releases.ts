import { downloadCodesSection, pricingFields } from './studio-pricing.js';
import { api, putImage } from '../lib/api.js';
import { attempt, field, formOf, h, page, replace, rowList, type StatusLine, statusLine } from '../lib/dom.js';
import { clock } from '../lib/format.js';
import { navigate, type View } from '../lib/router.js';
import type { ManagedRelease, ManagedTrack, Release } from '../lib/types.js';
import { notAllowed, requireArtist, upload } from './studio.js';
import { releaseExtras } from './studio-extras.js';

const TYPES: [Release['type'], string][] = [
  ['album', 'Album'],
  ['ep', 'EP'],
  ['single', 'Single'],
  ['compilation', 'Compilation'],
];

const stateOf = (r: Pick<ManagedRelease, 'isPublished' | 'publishAt'>) =>
  r.isPublished ? 'Published' : r.publishAt ? `Scheduled for ${new Date(r.publishAt).toLocaleString()}` : 'Draft';

/** The studio's list of the artist's releases and the form that starts a new one. */
export async function releasesSection(): Promise<HTMLElement> {
  const { releases } = await api<{ releases: (Release & { isPublished?: boolean; publishAt?: string | null })[] }>(
    'GET',
    '/api/artist/releases?pageSize=100',
  );
  const title = h('input', { name: 'title', required: true, maxlength: 200 });
  const type = h(
    'select',
    { name: 'type' },
    TYPES.map(([v, label]) => h('option', { value: v }, label)),
  );
  const status = statusLine();
  const form = formOf(
    { class: 'card stack', 'aria-label': 'New release' },
    [field('Release title', title), field('Release type', type), h('button', { type: 'submit' }, 'Create release'), status],
    () => {
      void attempt(status, async () => {
        const { release } = await api<{ release: ManagedRelease }>('POST', '/api/artist/releases', {
          title: title.value,
          type: type.value,
        });
        navigate(`/studio/releases/${release.id}`);
        return 'Release created.';
      });
    },
  );
  return h(
    'section',
    {},
    rowList(
      'ul',
      releases,
      (r) => [h('a', { class: 'grow', href: `/studio/releases/${r.id}` }, r.title), h('small', {}, `${r.type} · ${r.trackCount} tracks`)],
      'No releases yet: start one below, then upload its tracks into it.',
    ),
    form,
  );
}

/**
 * A release's track order: drag a row, or focus it and press Alt+↑/↓ (or
 * its buttons); "Save order" sends the whole order in one call.
 */
function trackOrder(
  release: ManagedRelease,
  standalone: ManagedTrack[],
  onSaved: (r: ManagedRelease) => void,
  status: StatusLine,
): HTMLElement {
  let order = release.tracks.filter((t) => !t.isDeleted);
  const takeOut = (i: number) => {
    const [item] = order.splice(i, 1);
    draw();
    status.say(`${item!.name} will leave the release (it stays yours, as a single track). Save the order to keep it.`);
  };
  const candidates = h('select', { 'aria-label': 'A track of yours to add' });
  const drawCandidates = () =>
    replace(
      candidates,
      h('option', { value: '' }, 'Add a track you uploaded…'),
      standalone.filter((t) => !order.some((o) => o.id === t.id)).map((t) => h('option', { value: t.id }, t.name)),
    );
  candidates.addEventListener('change', () => {
    const track = standalone.find((t) => String(t.id) === candidates.value);
    if (!track) return;
    order.push(track);
    draw();
    status.say(`${track.name} will be number ${order.length}. Save the order to keep it.`);
  });
  const list = h('ol', { class: 'rows reorder', 'aria-label': 'Track order' });
  let dragged: number | undefined;
  const move = (from: number, to: number) => {
    if (to < 0 || to >= order.length || from === to) return;
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    order = next;
    draw();
    (list.children[to] as HTMLElement | undefined)?.focus();
    status.say(`${item!.name} is now number ${to + 1}. Save the order to keep it.`);
  };
  const row = (t: ManagedTrack, i: number) => {
    const li = h(
      'li',
      { class: 'row', draggable: 'true', tabindex: 0, 'data-track-id': t.id, 'aria-label': `${i + 1}. ${t.name}` },
      h('span', { class: 'grow' }, `${i + 1}. ${t.name}`),
      h('small', {}, clock(t.durationSeconds)),
      h(
        'button',
        { type: 'button', class: 'link', 'aria-label': `Move ${t.name} up`, disabled: i === 0, onclick: () => move(i, i - 1) },
        '↑',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          'aria-label': `Move ${t.name} down`,
          disabled: i === order.length - 1,
          onclick: () => move(i, i + 1),
        },
        '↓',
      ),
      h('button', { type: 'button', class: 'link', 'aria-label': `Take out ${t.name}`, onclick: () => takeOut(i) }, 'Take out'),
    );
    li.addEventListener('keydown', (e) => {
      if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      e.preventDefault();
      move(i, e.key === 'ArrowUp' ? i - 1 : i + 1);
    });
    li.addEventListener('dragstart', (e) => {
      dragged = i;
      li.classList.add('dragging');
      e.dataTransfer?.setData('text/plain', String(t.id));
    });
    li.addEventListener('dragend', () => li.classList.remove('dragging'));
    li.addEventListener('dragover', (e) => e.preventDefault());
    li.addEventListener('drop', (e) => {
      e.preventDefault();
      if (dragged !== undefined) move(dragged, i);
      dragged = undefined;
    });
    return li;
  };
  const draw = () => {
    replace(list, order.map(row));
    drawCandidates();
  };
  draw();
  const save = h('button', { type: 'button' }, 'Save order');
  save.addEventListener('click', () =>
    attempt(status, async () => {
      const { release: saved } = await api<{ release: ManagedRelease }>('PUT', `/api/artist/releases/${release.id}/tracks`, {
        trackIds: order.map((t) => t.id),
      });
      onSaved(saved);
      return 'Order saved.';
    }),
  );
  return h('section', { class: 'card wide stack' }, h('h2', {}, 'Tracks'), list, standalone.length ? candidates : null, save);
}

/**
 * Many files at once into the release, in parallel: each with its own
 * progress bar and the server's verdict; one failure sinks none of the
 * others. The server numbers tracks as they finish; afterwards the new ones
 * are put in the order the files were chosen, after the tracks already there.
 */
function bulkUpload(releaseId: number, onDone: (release: ManagedRelease) => void): HTMLElement {
  const files = h('input', {
    type: 'file',
    multiple: true,
    accept: 'audio/*,.mp3,.flac,.ogg,.opus,.wav,.aif,.aiff,.m4a',
    'aria-label': 'Audio files',
  });
  const rows = h('ul', { class: 'rows uploads' });
  const start = h('button', { type: 'button' }, 'Upload into this release');
  start.addEventListener('click', async () => {
    const chosen = [...(files.files ?? [])];
    if (!chosen.length) return;
    start.disabled = true;
    const jobs = chosen.map((file) => {
      const bar = h('progress', { max: 1, value: 0, 'aria-label': `Upload of ${file.name}` });
      const verdict = h('small', { role: 'status' }, 'Waiting…');
      rows.append(h('li', { class: 'row' }, h('span', { class: 'grow' }, file.name), bar, verdict));
      const form = new FormData();
      form.set('audio', file);
      return upload(
        form,
        (f) => ((bar.value = f), (verdict.textContent = `${Math.round(f * 100)}%`)),
        `/api/artist/releases/${releaseId}/tracks`,
      ).then(
        (track) => {
          bar.value = 1;
          verdict.textContent = 'Added.';
          return track.id;
        },
        (err: unknown) => {
          verdict.textContent = err instanceof Error ? err.message : 'The upload failed.';
          verdict.dataset.kind = 'error';
          return undefined;
        },
      );
    });
    const added = (await Promise.all(jobs)).filter((id): id is number => id !== undefined);
    start.disabled = false;
    files.value = '';
    let { release } = await api<{ release: ManagedRelease }>('GET', `/api/artist/releases/${releaseId}`);
    const current = release.tracks.filter((t) => !t.isDeleted).map((t) => t.id);
    const wanted = [...current.filter((t) => !added.includes(t)), ...added];
    if (wanted.join() !== current.join()) {
      release = (await api<{ release: ManagedRelease }>('PUT', `/api/artist/releases/${releaseId}/tracks`, { trackIds: wanted })).release;
    }
    onDone(release);
  });
  return h(
    'section',
    { class: 'card wide stack' },
    h('h2', {}, 'Add tracks'),
    field(
      'Audio files',
      files,
      'MP3, FLAC, Ogg, WAV, AIFF or M4A (AAC or ALAC). Each file becomes a track at the end of the release; its title comes from the file name.',
    ),
    start,
    rows,
  );
}

/** Publish now, schedule, unpublish. */
function publication(release: ManagedRelease, onSaved: (r: ManagedRelease) => void, status: StatusLine): HTMLElement {
  const when = h('input', { type: 'datetime-local', name: 'publishAt' });
  const call = (body: Record<string, unknown>, done: string) =>
    attempt(status, async () => {
      onSaved((await api<{ release: ManagedRelease }>('PATCH', `/api/artist/releases/${release.id}`, body)).release);
      return done;
    });
  return h(
    'section',
    { class: 'card stack' },
    h('h2', {}, 'Publication'),
    h('p', {}, stateOf(release)),
    release.isPublished
      ? h('button', { type: 'button', class: 'secondary', onclick: () => call({ isPublished: false }, 'Unpublished.') }, 'Unpublish')
      : h('button', { type: 'button', onclick: () => call({ isPublished: true }, 'Published.') }, 'Publish now'),
    field('Publish at', when),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () =>
          when.value ? call({ publishAt: new Date(when.value).toISOString() }, 'Scheduled.') : status.say('Choose a time first.', 'error'),
      },
      'Schedule',
    ),
  );
}

/** The release's metadata form. */
function details(release: ManagedRelease, onSaved: (r: ManagedRelease) => void, status: StatusLine): HTMLElement {
  const input = (name: string, value: string | null, attrs: Record<string, unknown> = {}) =>
    h('input', { name, value: value ?? '', ...attrs });
  const title = input('title', release.title, { required: true, maxlength: 200 });
  const type = h(
    'select',
    { name: 'type' },
    TYPES.map(([v, label]) => h('option', { value: v, selected: v === release.type }, label)),
  );
  const pricing = pricingFields(release);
  const date = input('releaseDate', release.releaseDate, { type: 'date' });
  const tags = input('tags', release.tags.join(', '));
  const upc = input('upc', release.upc, { inputmode: 'numeric', maxlength: 13 });
  const catalogue = input('catalogueNumber', release.catalogueNumber, { maxlength: 50 });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 5000 });
  description.value = release.description ?? '';
  const credits = h('textarea', { name: 'credits', rows: 3, maxlength: 5000 });
  credits.value = release.credits ?? '';
  const form = formOf(
    { class: 'card stack', 'aria-label': 'Release details' },
    [
      field('Title', title),
      field('Type', type),
      ...pricing.controls,
      field('Release date', date),
      field('Tags', tags, 'Comma-separated, at most 10.'),
      field('UPC / EAN', upc),
      field('Catalogue number', catalogue),
      field('Description', description),
      field('Credits', credits),
      h('button', { type: 'submit' }, 'Save details'),
    ],
    () => {
      void attempt(status, async () => {
        const body = {
          title: title.value,
          type: type.value,
          ...pricing.body(),
          releaseDate: date.value || null,
          tags: tags.value,
          upc: upc.value.trim() || null,
          catalogueNumber: catalogue.value,
          description: description.value,
          credits: credits.value,
        };
        onSaved((await api<{ release: ManagedRelease }>('PATCH', `/api/artist/releases/${release.id}`, body)).release);
        return 'Details saved.';
      });
    },
  );
  return form;
}

/** The release's cover: replace or remove. */
function releaseCover(release: ManagedRelease, onSaved: (r: ManagedRelease) => void, status: StatusLine): HTMLElement {
  const file = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', 'aria-label': 'Cover image' });
  const replaceCover = h('button', { type: 'button' }, 'Replace cover');
  replaceCover.addEventListener('click', () =>
    attempt(status, async () => {
      onSaved((await putImage<{ release: ManagedRelease }>(`/api/artist/releases/${release.id}/cover`, 'cover', file)).release);
      return 'Cover replaced.';
    }),
  );
  return h(
    'section',
    { class: 'card stack' },
    h('h2', {}, 'Cover'),
    release.coverUrl
      ? h('img', { class: 'cover small', src: release.coverUrl, alt: `Cover of ${release.title}`, width: 160, height: 160 })
      : null,
    file,
    replaceCover,
  );
}

/** One release in the studio: details, cover, publication, bulk upload, track order, delete. */
export const studioReleaseView: View = async ({ id }) => {
  if (!requireArtist()) return notAllowed;
  const status = statusLine();
  const root = h('div', { class: 'stack' });
  const first = (await api<{ release: ManagedRelease }>('GET', `/api/artist/releases/${encodeURIComponent(id!)}`)).release;
  const standaloneTracks = async () =>
    (await api<{ tracks: ManagedTrack[] }>('GET', '/api/artist/tracks?pageSize=100')).tracks.filter(
      (t) => t.releaseId === null && !t.isDeleted,
    );
  let standalone = await standaloneTracks();
  // Kept across redraws, so each file's progress and verdict stay in view.
  const uploads = bulkUpload(first.id, (r) => draw(r));
  const extras = releaseExtras(first.id, status);
  const refreshed = async (r: ManagedRelease) => {
    standalone = await standaloneTracks();
    draw(r);
  };
  const draw = (release: ManagedRelease) => {
    const saved = (r: ManagedRelease) => draw(r);
    const remove = h('button', { type: 'button', class: 'danger' }, 'Delete release');
    remove.addEventListener('click', () =>
      attempt(status, async () => {
        if (!window.confirm(`Delete “${release.title}”? Buyers keep what they bought.`)) return 'Nothing deleted.';
        await api('DELETE', `/api/artist/releases/${release.id}`);
        navigate('/studio');
        return 'Deleted.';
      }),
    );
    replace(
      root,
      h('h1', {}, release.title),
      h(
        'p',
        {},
        h('a', { href: `/releases/${release.id}` }, 'See it as listeners do'),
        ' · ',
        h('a', { href: '/studio' }, 'Back to the studio'),
      ),
      status,
      publication(release, saved, status),
      uploads,
      trackOrder(release, standalone, (r) => void refreshed(r), status),
      details(release, saved, status),
      releaseCover(release, saved, status),
      extras,
      downloadCodesSection('release', release.id),
      remove,
    );
  };
  draw(first);
  return page('Release — Artist studio', root);
};
