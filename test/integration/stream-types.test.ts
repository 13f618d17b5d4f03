import request from 'supertest';
import { testApp } from '../support/app';
import { buildStoredTrack } from '../support/factories';
import { useTestDatabase } from '../support/db';
import { testStorage } from '../support/storage';
import { tempDir } from '../support/temp-dir';

/**
 * What the stream says a file is, from the track's row on a real
 * PostgreSQL: the master's type, the preview clip's own where it has one,
 * and plain bytes when neither is known (a row from before types were
 * recorded) — never a guessed audio type.
 */

const db = useTestDatabase();
const uploads = tempDir('sn-stream-types-');
const app = () => testApp(db.pool, { env: { UPLOAD_DIR: uploads }, storage: testStorage(uploads) });

it('sends the master’s type, the clip’s own, or application/octet-stream when the row names none', async () => {
  const storage = testStorage(uploads);
  const untyped = await buildStoredTrack(db.pool, storage, { audioMime: null, isFree: true, priceEur: '0' });
  const res = await request(app()).get(`/api/tracks/${untyped.track.id}/stream`).set('Range', 'bytes=0-9').expect(206);
  expect(res.headers['content-type']).toBe('application/octet-stream');
  expect(res.headers['x-audio-preview']).toBe('false');

  const flacClip = await buildStoredTrack(db.pool, storage, { audioMime: 'audio/x-aiff', previewMime: 'audio/flac' });
  const preview = await request(app()).head(`/api/tracks/${flacClip.track.id}/stream`).expect(200);
  expect([preview.headers['x-audio-preview'], preview.headers['content-type']]).toEqual(['true', 'audio/flac']);

  const mp3 = await buildStoredTrack(db.pool, storage, { isFree: true, priceEur: '0' });
  const full = await request(app()).head(`/api/tracks/${mp3.track.id}/stream`).expect(200);
  expect(full.headers['content-type']).toBe('audio/mpeg');
});
