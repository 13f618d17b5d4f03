import os from 'node:os';
import pino from 'pino';
import { buildInfo } from './version';

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

/** Which process wrote a line, when several app servers log to one place: host and process id. */
const INSTANCE = `${os.hostname()}:${process.pid}`;

/**
 * Creates the process logger; `destination` lets tests capture the output.
 * Every line names its level in words, the service, this instance and the
 * version running.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'song-nexus', instance: INSTANCE, version: buildInfo().version },
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Error texts can quote input (PostgreSQL's "Key (email)=(…) already exists"): no address survives.
      serializers: {
        err: (err: unknown) =>
          typeof err === 'string' ? redactAddresses(err) : err instanceof Error ? redactErrorText(pino.stdSerializers.err(err)) : err,
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Anything shaped like an email address: personal data, whatever the parameter is called. */
const ADDRESS = /[^\s@/?&=#]+@[^\s@/?&=#]+\.[^\s@/?&=#]+/;
const ADDRESSES = new RegExp(ADDRESS.source, 'g');

const decode = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

/**
 * The URL with the values of secret-looking query parameters replaced, and
 * every value or path segment that holds an email address (by its shape,
 * decoded, under any name) redacted too.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const pathPart = q < 0 ? url : url.slice(0, q);
  const redactedPath = pathPart
    .split('/')
    .map((segment) => (ADDRESS.test(decode(segment)) ? '[redacted]' : segment))
    .join('/');
  if (q < 0) return redactedPath;
  const params = new URLSearchParams();
  let changed = false;
  for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
    const keyHasAddress = ADDRESS.test(key);
    const secret = keyHasAddress || SECRET_QUERY_KEYS.test(key) || ADDRESS.test(value);
    changed ||= secret;
    params.append(keyHasAddress ? '[redacted]' : key, secret ? '[redacted]' : value);
  }
  return changed ? `${redactedPath}?${params.toString()}` : `${redactedPath}${url.slice(q)}`;
}

/** Text with every email-shaped part replaced. */
export function redactAddresses(text: string): string {
  return text.replace(ADDRESSES, '[redacted]');
}

function redactErrorText(serialized: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) out[key] = typeof value === 'string' ? redactAddresses(value) : value;
  return out;
}

/** Removes database passwords from connection URLs in messages. */
export function redactConnectionString(text: string): string {
  return text.replace(/(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1[redacted]@');
}
