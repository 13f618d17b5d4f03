import os from 'node:os';
import pino from 'pino';
import { buildInfo } from './version';

export type Logger = pino.Logger;

// Secrets never reach the log: cookies and authorization headers (under any
// `headers`), and any field that carries a token, a password or a secret,
// wherever it sits in what is logged (up to CENSOR_DEPTH objects deep).
const SECRET_FIELDS = new Set(['token', 'password', 'secret', 'clientSecret', 'connectionString']);
const SECRET_HEADERS = new Set(['cookie', 'authorization', 'proxy-authorization', 'set-cookie']);
const CENSOR = '[redacted]';
const CENSOR_DEPTH = 4;

const isPlain = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null || Array.isArray(value);
};

/**
 * `value` with its secret fields replaced: the very same object when it has
 * none (as nearly every line: an access-log line allocates nothing here),
 * else a copy along the paths that changed. Class instances (errors, pools)
 * are left to their serializers.
 */
export function censorSecrets<T>(value: T, depth = 0, headers = false): T {
  if (!isPlain(value) || depth > CENSOR_DEPTH) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const field = value[key];
    const censored =
      field != null && (SECRET_FIELDS.has(key) || (headers && SECRET_HEADERS.has(key.toLowerCase())))
        ? CENSOR
        : censorSecrets(field, depth + 1, key === 'headers');
    if (censored === field) continue;
    copy ??= Array.isArray(value) ? ([...(value as unknown[])] as unknown as Record<string, unknown>) : { ...value };
    copy[key] = censored;
  }
  return (copy ?? value) as T;
}

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
      // pino's own `redact` copies every line it writes (~20 KB of garbage per access-log line): censorSecrets copies only what it censors.
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => censorSecrets(fields),
      },
      // Error texts can quote input (PostgreSQL's "Key (email)=(…) already exists"): no address survives.
      serializers: {
        err: (err: unknown) =>
          typeof err === 'string'
            ? redactAddresses(err)
            : err instanceof Error
              ? censorSecrets(redactErrorText(pino.stdSerializers.err(err)))
              : censorSecrets(err),
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
