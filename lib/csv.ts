/**
 * CSV for spreadsheets (RFC 4180): fields with a comma, quote or line break
 * are quoted, quotes doubled. Text that a spreadsheet would run as a formula
 * (starting with =, +, -, @, a tab or a carriage return) gets a leading
 * apostrophe, so a title like "=HYPERLINK(…)" stays text. Numbers are
 * written as they are.
 */
export function csvText(value: string | null | undefined): string {
  const text = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line of already-formatted cells: text through csvText, numbers as they are. */
export const csvLine = (cells: (string | number | null | undefined)[]) =>
  cells.map((c) => (typeof c === 'number' ? String(c) : csvText(c))).join(',');
