import { z } from 'zod';

/**
 * An address as typed, checked the way browsers check `<input type=email>`
 * (the WHATWG rule): what the sign-in form lets through, the server takes —
 * `admin@localhost` and a one-letter domain included. Trimmed; at most 254
 * characters (RFC 5321's path limit). Whether it receives mail is the mail's test.
 */
export const emailAddress = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ pattern: z.regexes.html5Email }));
