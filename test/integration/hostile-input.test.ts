import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../lib/logger';
import { TEST_ORIGIN, testApp } from '../support/app';
import { signInAs } from '../support/auth';
import { useTestDatabase } from '../support/db';
import { buildPasskey, buildTrack } from '../support/factories';

/** Input that used to reach PostgreSQL or the log as it came: each gets a 4xx, and the log keeps no address. */

const db = useTestDatabase();
let logged = '';
const sink = new Writable({
  write(chunk, _e, done) {
    logged += String(chunk);
    done();
  },
});
const app = () => testApp(db.pool, { logger: createLogger('info', sink) });

describe('a NUL character in any text input', () => {
  it('is refused with 400 validation_failed naming the field, wherever it comes in', async () => {
    const artist = await signInAs(db.pool, 'artist');
    const admin = await signInAs(db.pool, 'admin');
    const track = await buildTrack(db.pool, { artistUserId: artist.user.id });
    const passkey = await buildPasskey(db.pool, { userId: artist.user.id });
    const cases: [string, request.Test, string][] = [
      ['genre', request(app()).get('/api/tracks?genre=%00'), 'genre'],
      ['q', request(app()).get('/api/tracks?q=a%00b'), 'q'],
      ['display name', request(app()).post('/api/me/artist').set('Cookie', admin.cookie).send({ displayName: 'Mr\u0000X' }), 'displayName'],
      ['track name', request(app()).patch(`/api/artist/tracks/${track.id}`).set('Cookie', artist.cookie).send({ name: 'a\u0000' }), 'name'],
      [
        'passkey name',
        request(app()).patch(`/api/me/passkeys/${passkey.id}`).set('Cookie', artist.cookie).send({ name: '\u0000' }),
        'name',
      ],
      ['admin search', request(app()).get('/api/admin/users?q=%00').set('Cookie', admin.cookie), 'q'],
      [
        'nested key',
        request(app())
          .patch(`/api/artist/tracks/${track.id}`)
          .set('Cookie', artist.cookie)
          .send({ ['na\u0000me']: 'x' }),
        'na\u0000me',
      ],
      [
        'multipart field',
        request(app())
          .post('/api/artist/tracks')
          .set('Cookie', artist.cookie)
          .field('name', 'x\u0000y')
          .attach('audio', Buffer.from('ID3'), 'a.mp3'),
        'name',
      ],
    ];
    for (const [what, req, field] of cases) {
      const res = await req.set('Origin', TEST_ORIGIN);
      expect({ what, status: res.status, code: res.body.error?.code, path: res.body.error?.details?.issues?.[0]?.path }).toEqual({
        what,
        status: 400,
        code: 'validation_failed',
        path: field,
      });
    }
    const unchanged = await db.pool.query('SELECT name FROM tracks WHERE id = $1', [track.id]);
    expect(unchanged.rows[0].name).toBe(track.name);
  });
});

describe('public names', () => {
  it('never shows the email-derived username: the chosen display name, else a neutral name', async () => {
    const quiet = await signInAs(db.pool, 'artist', { email: 'jane.doe@example.test', username: 'jane_doe', displayName: null });
    const named = await signInAs(db.pool, 'artist', { displayName: 'The Harbour Lights' });
    const anon = await request(app()).get(`/api/artists/${quiet.user.id}`).expect(200);
    expect(anon.body.artist.name).toBe(`Artist #${quiet.user.id}`);
    expect(JSON.stringify(anon.body)).not.toMatch(/jane/i);
    expect((await request(app()).get(`/api/artists/${named.user.id}`).expect(200)).body.artist.name).toBe('The Harbour Lights');
  });
});

describe('the access log', () => {
  it('holds no email address from a query string, whatever the parameter is called', async () => {
    const admin = await signInAs(db.pool, 'admin');
    logged = '';
    await request(app()).get('/api/admin/users?q=bob%40example.com').set('Cookie', admin.cookie).expect(200);
    await request(app()).get('/api/tracks?q=bob%40example.com').expect(200);
    expect(logged).toContain('"url":"/api/admin/users?q=%5Bredacted%5D"');
    expect(decodeURIComponent(logged)).not.toContain('bob@');
  });
});
