import type { Config } from './config';

/** Cookie header → name/value map (first occurrence of a name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // a malformed escape: ignore this cookie
    }
  }
  return cookies;
}

/**
 * With Secure, the `__Host-` prefix makes browsers refuse the cookie unless
 * it is Secure, host-only and for path / — so a subdomain cannot plant one.
 */
export function sessionCookieName(config: Pick<Config, 'cookieSecure'>): string {
  return config.cookieSecure ? '__Host-sn_session' : 'sn_session';
}

function attributes(config: Pick<Config, 'cookieSecure'>): string {
  return `Path=/; HttpOnly; SameSite=Lax${config.cookieSecure ? '; Secure' : ''}`;
}

/** Set-Cookie value for a session token, expiring with the session. */
export function sessionCookie(config: Pick<Config, 'cookieSecure'>, token: string, expiresAt: Date): string {
  return `${sessionCookieName(config)}=${token}; ${attributes(config)}; Expires=${expiresAt.toUTCString()}`;
}

export function clearedSessionCookie(config: Pick<Config, 'cookieSecure'>): string {
  return `${sessionCookieName(config)}=; ${attributes(config)}; Max-Age=0`;
}
