/**
 * A select list whose rows come back already in the repo's camelCase shape:
 * `user_id` (or `p.user_id`) is selected `AS "userId"`. An entry that carries its own `AS`
 * (an expression, or a field named otherwise) is kept as written. Entries
 * are split at the commas outside parentheses and quotes, so expressions
 * may hold commas of their own.
 */
export function camelColumns(list: string): string {
  return topLevelEntries(list)
    .map((entry) => entry.trim())
    .map((entry) => (/\sAS\s/i.test(entry) || !entry.includes('_') ? entry : `${entry} AS "${camelCase(entry)}"`))
    .join(', ');
}

function camelCase(column: string): string {
  return column.slice(column.lastIndexOf('.') + 1).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The comma-separated entries of a list, splitting only at depth 0 outside '…' and "…". */
function topLevelEntries(list: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      entries.push(list.slice(start, i));
      start = i + 1;
    }
  }
  entries.push(list.slice(start));
  return entries;
}
