import { api, putImage } from '../lib/api.js';
import { attempt, field, formOf, h, statusLine } from '../lib/dom.js';
import type { Artist } from '../lib/types.js';

/** The artist's public profile: address (slug), bio, location, links. */
export async function profileSection(): Promise<HTMLElement> {
  const { artist } = await api<{ artist: Artist }>('GET', '/api/artist/profile');
  const slug = h('input', { name: 'slug', value: artist.slug, maxlength: 60, pattern: '[a-z0-9]+(-[a-z0-9]+)*' });
  const location = h('input', { name: 'location', value: artist.location ?? '', maxlength: 100 });
  const bio = h('textarea', { name: 'bio', maxlength: 5000, rows: 4 });
  bio.value = artist.bio ?? '';
  const links = h('textarea', { name: 'links', rows: 3 });
  links.value = artist.links.join('\n');
  const status = statusLine();
  const picture = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/webp', 'aria-label': 'Artist picture' });
  const replacePicture = h('button', { type: 'button', class: 'secondary' }, 'Replace picture');
  replacePicture.addEventListener('click', () =>
    attempt(status, async () => {
      await putImage<{ artist: Artist }>('/api/artist/profile/avatar', 'avatar', picture);
      picture.value = '';
      return 'Picture replaced.';
    }),
  );
  const form = formOf(
    { class: 'card stack', 'aria-label': 'Artist profile' },
    [
      artist.avatarUrl
        ? h('img', { class: 'avatar', src: artist.avatarUrl, alt: `Picture of ${artist.name}`, width: 96, height: 96 })
        : null,
      picture,
      replacePicture,
      field('Address', slug, `Your page: /artists/${artist.slug}`),
      field('Location', location),
      field('Bio', bio),
      field('Links', links, 'One https address a line, at most 10.'),
      h('button', { type: 'submit' }, 'Save profile'),
      status,
    ],
    () => {
      void attempt(status, async () => {
        await api('PATCH', '/api/artist/profile', {
          slug: slug.value.trim(),
          location: location.value,
          bio: bio.value,
          links: links.value
            .split('\n')
            .map((l) => l.trim())
            .filter(Boolean),
        });
        return 'Profile saved.';
      });
    },
  );
  return form;
}
