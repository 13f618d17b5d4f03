/**
 * A select list whose rows come back already in the repo's camelCase shape:
 * `user_id` (or `p.user_id`) is selected `AS "userId"`. An entry that carries its own `AS`
 * (an expression, or a field named otherwise) is kept as written.
 */
export function camelColumns(list: string): string {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .map((entry) => (/\sAS\s/i.test(entry) || !entry.includes('_') ? entry : `${entry} AS "${camelCase(entry)}"`))
    .join(', ');
}

function camelCase(column: string): string {
  return column.slice(column.lastIndexOf('.') + 1).replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
