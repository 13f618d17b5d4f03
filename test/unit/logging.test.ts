import { Writable } from 'node:stream';
import { censorSecrets, createLogger, redactConnectionString, redactUrl } from '../../lib/logger';

describe('log redaction', () => {
  it('replaces secret query values in URLs and leaves the rest', () => {
    expect(redactUrl('/auth/magic?token=abc&next=%2Flibrary')).toBe('/auth/magic?token=%5Bredacted%5D&next=%2Flibrary');
    expect(redactUrl('/checkout/return?token=EC-123&PayerID=9')).not.toContain('EC-123');
    expect(redactUrl('/api/tracks?q=rock')).toBe('/api/tracks?q=rock');
    expect(redactUrl('/auth/magic?token=t&email=ann%40example.test')).toBe('/auth/magic?token=%5Bredacted%5D&email=%5Bredacted%5D');
  });

  it('redacts addresses by their shape, under any parameter name and in the path', () => {
    for (const url of [
      '/api/admin/users?q=bob%40example.com',
      '/api/admin/users?q=bob@example.com&page=2',
      '/api/admin/users?search=%20Bob.Smith%2Btag%40Example.COM',
      '/api/users/bob%40example.com/sessions',
      '/api/x?bob%40example.com=1',
    ]) {
      const logged = redactUrl(url);
      expect({ url, leaks: /bob/i.test(decodeURIComponent(logged)) }).toEqual({ url, leaks: false });
    }
    expect(redactUrl('/api/admin/users?q=bob%40example.com&page=2')).toBe('/api/admin/users?q=%5Bredacted%5D&page=2');
    expect(redactUrl('/api/tracks?q=rock%20%26%20roll&page=2')).toBe('/api/tracks?q=rock%20%26%20roll&page=2');
    expect(redactUrl('/api/tracks?q=%E0%A4%A')).toBe('/api/tracks?q=%E0%A4%A');
  });

  it('removes passwords from database URLs', () => {
    expect(redactConnectionString('connect postgres://app:s3cr3t@db:5432/x failed')).toBe(
      'connect postgres://app:[redacted]@db:5432/x failed',
    );
  });

  it('censors token, password and cookie fields wherever pino logs them', () => {
    const { logger, written } = capturedLogger();
    logger.info({ token: 'tok-1', body: { token: 'tok-2', password: 'pw-1' }, req: { headers: { cookie: 'sid=c-1' } } }, 'x');
    const pgError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      detail: 'Key (email)=(carol@example.com) already exists.',
    });
    logger.error({ err: pgError }, 'unhandled error');
    expect(written()).toContain('users_email_key');
    for (const secret of ['tok-1', 'tok-2', 'pw-1', 'c-1', 'carol@']) expect(written()).not.toContain(secret);
    expect(written()).toContain('[redacted]');
  });

  it('censors secrets at any depth, in headers by any case, in arrays and in errors, in a child logger too, and leaves the rest alone', () => {
    const captured = capturedLogger();
    const logger = captured.logger.child({ job: 'mail' });
    const logged = {
      payout: { settings: { paypal: { clientSecret: 'cs-1', connectionString: 'postgres://a:b@c/d' } } },
      upstream: { headers: { Authorization: 'Bearer au-1', 'Proxy-Authorization': 'pa-1', 'Set-Cookie': ['sc-1'], accept: 'audio/*' } },
      items: [{ token: 'arr-1' }, { name: 'kept-1' }],
    };
    logger.info(logged, 'x');
    logger.error({ err: Object.assign(new Error('boom'), { password: 'err-1' }) }, 'failed');
    for (const secret of ['cs-1', 'a:b@', 'au-1', 'pa-1', 'sc-1', 'arr-1', 'err-1']) expect(captured.written()).not.toContain(secret);
    for (const kept of ['audio/*', 'kept-1', '"job":"mail"', 'boom']) expect(captured.written()).toContain(kept);
    // What was logged is not changed, and a line with nothing to censor is not copied.
    expect(logged.items[0]?.token).toBe('arr-1');
    const plain = { method: 'GET', url: '/api/tracks/1/stream', status: 206, user: 4 };
    expect(censorSecrets(plain)).toBe(plain);
    expect(censorSecrets({ token: null })).toEqual({ token: null });
  });
});

/** A logger whose lines are kept, and what it has written so far. */
function capturedLogger() {
  let out = '';
  const sink = new Writable({
    write(chunk, _e, done) {
      out += String(chunk);
      done();
    },
  });
  return { logger: createLogger('info', sink), written: () => out };
}
