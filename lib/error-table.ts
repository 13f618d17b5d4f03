import { ERROR_CATALOGUE } from './error-catalogue';

/** The README's error table: one row per code of the catalogue, by status then code. */
export function errorTable(): string {
  const rows = Object.entries(ERROR_CATALOGUE)
    .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
    .map(([code, { status, message }]) => `| ${status} | \`${code}\` | ${message} |`);
  return ['| status | code | message |', '|---|---|---|', ...rows].join('\n');
}
