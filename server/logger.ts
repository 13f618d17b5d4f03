import pino from 'pino';

export type Logger = pino.Logger;

// Secrets never reach the log: cookies, authorization headers, and any field
// that carries a token, whatever object it sits in.
const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.connectionString',
  'token',
  'password',
];

/** Query parameters whose values are replaced in logged URLs: secrets, and addresses (personal data). */
const SECRET_QUERY_KEYS = /^(token|code|secret|password|key|signature|email)$/i;

/** Creates the process logger; `destination` lets tests capture the output. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'song-nexus' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** The URL with the values of secret-looking query parameters replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of [...params.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) {
      params.set(key, '[redacted]');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** Removes database passwords from connection URLs in messages. */
export function redactConnectionString(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1[redacted]@');
}
