import { ConfigError, parseConfig } from '../../server/config';

const PRODUCTION_OK = {
  NODE_ENV: 'production',
  APP_ORIGIN: 'https://music.example.com',
  DATABASE_URL: 'postgres://app:secret@db.internal:5432/song_nexus',
  SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
  MAIL_FROM: 'Song-Nexus <no-reply@music.example.com>',
  PAYPAL_ENV: 'live',
  PAYPAL_CLIENT_ID: 'id',
  PAYPAL_CLIENT_SECRET: 'secret',
  PAYPAL_WEBHOOK_ID: 'wh',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('has working development defaults with no variables at all', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      host: '127.0.0.1',
      appOrigin: 'http://localhost:3000',
      databaseUrl: undefined,
      demoSeed: true,
      bodyLimitBytes: 100 * 1024,
      trustProxy: false,
      paypal: { env: 'standin' },
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('is frozen all the way down', () => {
    const config = parseConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.rateLimit)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('lists every invalid variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', BODY_LIMIT_KB: '-1' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must be a postgres/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/BODY_LIMIT_KB/);
  });

  it('refuses production without an origin, a database, mail and real PayPal settings, naming each', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    for (const name of [
      'APP_ORIGIN',
      'DATABASE_URL',
      'SMTP_URL',
      'MAIL_FROM',
      'PAYPAL_ENV',
      'PAYPAL_CLIENT_ID',
      'PAYPAL_CLIENT_SECRET',
      'PAYPAL_WEBHOOK_ID',
    ]) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('refuses the PayPal stand-in and plain http in production', () => {
    expect(problemsOf({ ...PRODUCTION_OK, PAYPAL_ENV: 'standin' })).toEqual([expect.stringMatching(/^PAYPAL_ENV: .*stand-in/)]);
    // A staging store may run the stand-in, on its own address, when it says so.
    const staging = { ...PRODUCTION_OK, PAYPAL_ENV: 'standin', ALLOW_PAYPAL_STANDIN: 'staging' };
    expect(problemsOf(staging)).toEqual([expect.stringMatching(/^PAYPAL_STANDIN_URL: required with ALLOW_PAYPAL_STANDIN=staging/)]);
    expect(problemsOf({ ...staging, PAYPAL_STANDIN_URL: 'http://10.0.0.5:4010' })).toEqual([]);
    expect(problemsOf({ ...PRODUCTION_OK, PAYPAL_ENV: 'standin', ALLOW_PAYPAL_STANDIN: 'yes' })).toEqual([
      expect.stringMatching(/^ALLOW_PAYPAL_STANDIN/),
    ]);
    expect(problemsOf({ ...PRODUCTION_OK, APP_ORIGIN: 'http://music.example.com' })).toEqual([
      expect.stringMatching(/^APP_ORIGIN: must be https/),
    ]);
  });

  it('accepts a complete production configuration and turns production behaviour on', () => {
    const config = parseConfig(PRODUCTION_OK);
    expect(config).toMatchObject({ isProduction: true, host: '0.0.0.0', demoSeed: false, appOrigin: 'https://music.example.com' });
  });

  it('normalises the origin and parses trust proxy forms', () => {
    expect(parseConfig({ APP_ORIGIN: 'https://shop.example.com/some/path/' }).appOrigin).toBe('https://shop.example.com');
    expect(parseConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 });
  });

  it('chooses the storage driver, requiring a bucket for S3', () => {
    expect(parseConfig({}).storage).toEqual({ driver: 'local', s3: undefined });
    expect(problemsOf({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET: required when STORAGE_DRIVER=s3']);
    expect(parseConfig({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'http://minio:9000' }).storage.s3).toMatchObject({
      bucket: 'b',
      region: 'us-east-1',
      forcePathStyle: true,
      prefix: '',
    });
    expect(parseConfig({ MAX_UPLOAD_MB: '5' }).maxUploadBytes).toBe(5 * 1024 * 1024);
  });

  it('names every missing partner at once: the bucket and all three PayPal credentials', () => {
    expect(problemsOf({ STORAGE_DRIVER: 's3', PAYPAL_ENV: 'sandbox', PAYPAL_CLIENT_ID: 'id' })).toEqual([
      'S3_BUCKET: required when STORAGE_DRIVER=s3',
      'PAYPAL_CLIENT_SECRET: required with PAYPAL_ENV=sandbox',
      'PAYPAL_WEBHOOK_ID: required with PAYPAL_ENV=sandbox',
    ]);
  });

  it('chooses who sends the bytes, refusing a delivery the storage cannot serve', () => {
    expect(parseConfig({}).delivery).toEqual({ mode: 'node', nginxLocation: '/_protected/', urlTtlSeconds: 300, mediaOrigins: [] });
    expect(parseConfig({ DELIVERY: 'nginx', DELIVERY_NGINX_LOCATION: '/x/internal/' }).delivery.nginxLocation).toBe('/x/internal/');
    expect(problemsOf({ DELIVERY: 'nginx', DELIVERY_NGINX_LOCATION: '/../etc' })[0]).toMatch(/^DELIVERY_NGINX_LOCATION: must be a path/);
    expect(problemsOf({ DELIVERY: 'nginx', STORAGE_DRIVER: 's3', S3_BUCKET: 'b' })).toEqual(['DELIVERY: nginx needs STORAGE_DRIVER=local']);
    expect(problemsOf({ DELIVERY: 's3' })).toEqual(['DELIVERY: s3 needs STORAGE_DRIVER=s3']);
    const s3 = { DELIVERY: 's3', STORAGE_DRIVER: 's3', S3_BUCKET: 'music' };
    // The page may play media from where the presigned URLs point, and from nowhere else.
    expect(parseConfig({ ...s3, DELIVERY_URL_TTL_S: '60' }).delivery).toMatchObject({
      urlTtlSeconds: 60,
      mediaOrigins: ['https://music.s3.us-east-1.amazonaws.com'],
    });
    expect(parseConfig({ ...s3, S3_ENDPOINT: 'http://127.0.0.1:9000/' }).delivery.mediaOrigins).toEqual(['http://127.0.0.1:9000']);
    expect(parseConfig({ ...s3, S3_ENDPOINT: 'https://s3.example.net', S3_FORCE_PATH_STYLE: 'false' }).delivery.mediaOrigins).toEqual([
      'https://music.s3.example.net',
    ]);
  });
});
