import { Writable } from 'node:stream';
import { createLogger, redactConnectionString, redactUrl } from '../../server/logger';

describe('log redaction', () => {
  it('replaces secret query values in URLs and leaves the rest', () => {
    expect(redactUrl('/auth/magic?token=abc&next=%2Flibrary')).toBe('/auth/magic?token=%5Bredacted%5D&next=%2Flibrary');
    expect(redactUrl('/checkout/return?token=EC-123&PayerID=9')).not.toContain('EC-123');
    expect(redactUrl('/api/tracks?q=rock')).toBe('/api/tracks?q=rock');
    expect(redactUrl('/auth/magic?token=t&email=ann%40example.test')).toBe('/auth/magic?token=%5Bredacted%5D&email=%5Bredacted%5D');
  });

  it('removes passwords from database URLs', () => {
    expect(redactConnectionString('connect postgres://app:s3cr3t@db:5432/x failed')).toBe(
      'connect postgres://app:[redacted]@db:5432/x failed',
    );
  });

  it('censors token, password and cookie fields wherever pino logs them', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _e, done) {
        out += String(chunk);
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ token: 'tok-1', body: { token: 'tok-2', password: 'pw-1' }, req: { headers: { cookie: 'sid=c-1' } } }, 'x');
    for (const secret of ['tok-1', 'tok-2', 'pw-1', 'c-1']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
