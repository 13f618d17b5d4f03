import { evaluateRange, noneMatch } from '../../services/streaming/ranges';

const LEN = 1000;
const ETAG = '"abc"';
const r = (header: string | undefined, ifRange?: string) => evaluateRange(header, LEN, { etag: ETAG, ifRange });

describe('RFC 9110 byte ranges', () => {
  it('serves the whole representation without a Range header', () => {
    expect(r(undefined)).toEqual({ kind: 'full' });
  });

  it('serves single, open-ended and suffix ranges, clamped to the length', () => {
    expect(r('bytes=0-99')).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(r('bytes=500-')).toEqual({ kind: 'partial', start: 500, end: 999 });
    expect(r('bytes=-100')).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(r('bytes=-5000')).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(r('bytes=990-5000')).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(r('bytes=999-999')).toEqual({ kind: 'partial', start: 999, end: 999 });
    expect(r(' BYTES = 10-19 ')).toEqual({ kind: 'partial', start: 10, end: 19 });
  });

  it('takes an empty list member as nothing (a trailing comma is one range)', () => {
    expect(r('bytes=0-9,')).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(r('bytes=, 10-19')).toEqual({ kind: 'partial', start: 10, end: 19 });
  });

  it('answers unsatisfiable ranges with 416', () => {
    expect(evaluateRange('bytes=-5', 0, { etag: ETAG })).toEqual({ kind: 'unsatisfiable' }); // no last bytes of nothing
    expect(r('bytes=1000-')).toEqual({ kind: 'unsatisfiable' });
    expect(r('bytes=5000-6000')).toEqual({ kind: 'unsatisfiable' });
    expect(r('bytes=-0')).toEqual({ kind: 'unsatisfiable' });
    expect(evaluateRange('bytes=0-0', 0, { etag: ETAG })).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores other units and invalid syntax (whole representation)', () => {
    for (const bad of [
      'items=0-10',
      'bytes=',
      'bytes=abc',
      'bytes=10-5',
      'bytes=-',
      'bytes=1-2-3',
      'bytes=0x10-20',
      `bytes=0-${'9'.repeat(30)}`,
      `bytes=-${'9'.repeat(30)}`, // a suffix too long to be a number
      'xbytes=0-9', // not the bytes unit, though it ends like one
    ]) {
      expect({ bad, decision: r(bad) }).toEqual({ bad, decision: { kind: 'full' } });
    }
  });

  it('answers several ranges with the whole representation', () => {
    expect(r('bytes=0-9,20-29')).toEqual({ kind: 'full' });
    expect(r('bytes=0-9, 5000-6000')).toEqual({ kind: 'full' });
    expect(r('bytes=5000-6000, 7000-')).toEqual({ kind: 'unsatisfiable' });
  });

  it('applies the range only when If-Range is our strong ETag', () => {
    expect(r('bytes=0-9', ETAG)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(r('bytes=0-9', '"other"')).toEqual({ kind: 'full' });
    expect(r('bytes=0-9', `W/${ETAG}`)).toEqual({ kind: 'full' });
    // A weak tag never lets a range apply, even one equal to ours.
    expect(evaluateRange('bytes=0-9', LEN, { etag: 'W/"abc"', ifRange: 'W/"abc"' })).toEqual({ kind: 'full' });
    expect(r('bytes=0-9', 'Sat, 01 Jan 2000 00:00:00 GMT')).toEqual({ kind: 'full' });
  });
});

describe('If-None-Match', () => {
  it('matches the current tag weakly, in a list, or as *', () => {
    expect(noneMatch('"abc"', ETAG)).toBe(true);
    expect(noneMatch('W/"abc"', ETAG)).toBe(true);
    expect(noneMatch(' "x" , "abc" ', ETAG)).toBe(true);
    expect(noneMatch('*', ETAG)).toBe(true);
    expect(noneMatch(' * ', ETAG)).toBe(true);
  });

  it('does not match another tag, a fragment of it, or nothing', () => {
    expect(noneMatch(undefined, ETAG)).toBe(false);
    expect(noneMatch('', ETAG)).toBe(false);
    expect(noneMatch('"ab"', ETAG)).toBe(false);
    expect(noneMatch('abc', ETAG)).toBe(false);
    expect(noneMatch('"aW/bc"', ETAG)).toBe(false); // only a leading W/ marks a weak tag
  });
});
