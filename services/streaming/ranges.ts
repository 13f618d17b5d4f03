/**
 * Byte ranges per RFC 9110 §14, as pure functions. The decision for a
 * request is one of:
 * - `full`: send the whole representation with 200 (no Range, a Range the
 *   server ignores — another unit, bad syntax, several ranges — or an
 *   If-Range that does not match);
 * - `partial`: one satisfiable range, 206 with Content-Range;
 * - `unsatisfiable`: 416 with `Content-Range: bytes *\/length`.
 *
 * Several ranges in one request are answered with the whole representation
 * (200), which RFC 9110 allows (a server may ignore Range): audio players ask
 * for one range at a time, and multipart/byteranges would only cost memory
 * and code for clients that do not exist.
 */

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

const SPEC = /^(\d*)-(\d*)$/;

export function evaluateRange(
  header: string | undefined,
  length: number,
  options: { ifRange?: string; etag: string } = { etag: '' },
): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  // If-Range: only a strong ETag equal to ours lets the Range apply (§13.1.5);
  // a date or a weak tag never does here, so the client gets the whole, current file.
  if (options.ifRange !== undefined && (options.ifRange.startsWith('W/') || options.ifRange !== options.etag)) {
    return { kind: 'full' };
  }
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return { kind: 'full' }; // another range unit: ignored
  const specs = match[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (specs.length === 0) return { kind: 'full' };
  const ranges: { start: number; end: number }[] = [];
  for (const spec of specs) {
    const m = SPEC.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return { kind: 'full' }; // invalid syntax: ignore the header
    if (m[1] === '') {
      // suffix: the last N bytes
      const suffix = Number(m[2]);
      if (!Number.isSafeInteger(suffix)) return { kind: 'full' };
      if (suffix > 0 && length > 0) ranges.push({ start: Math.max(0, length - suffix), end: length - 1 });
      continue;
    }
    const start = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]); // open-ended: to the end
    if (!Number.isSafeInteger(start) || (last !== Infinity && !Number.isSafeInteger(last))) return { kind: 'full' };
    if (last < start) return { kind: 'full' }; // invalid: last-pos before first-pos
    if (start < length) ranges.push({ start, end: Math.min(last, length - 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  if (specs.length > 1) return { kind: 'full' };
  return { kind: 'partial', ...ranges[0]! };
}

/**
 * Whether an If-None-Match header matches the current ETag: "*" or any
 * listed tag, compared weakly (RFC 9110 §8.8.3.2: W/ prefixes ignored).
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
