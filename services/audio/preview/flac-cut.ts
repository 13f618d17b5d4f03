import type { Clip } from './clip';

/**
 * FLAC previews: the STREAMINFO block (with the clip's own sample count, an
 * unknown MD5 and unknown frame sizes, and marked as the last metadata
 * block), then whole frames from the start until the clip holds at least the
 * requested length. Frame boundaries are found by parsing each frame header
 * and confirming the frame with its CRC-16, since FLAC frames carry no length.
 */

const CRC8 = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  return c;
});
const CRC16 = Array.from({ length: 256 }, (_, n) => {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  return c;
});
const crc8 = (buf: Buffer, start: number, end: number) => {
  let c = 0;
  for (let i = start; i < end; i++) c = CRC8[c ^ buf[i]!]!;
  return c;
};
const crc16 = (buf: Buffer, start: number, end: number) => {
  let c = 0;
  for (let i = start; i < end; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ buf[i]!]!;
  return c;
};

export interface FlacStreamInfo {
  /** Offset of the STREAMINFO block's 34 bytes. */
  offset: number;
  sampleRate: number;
  totalSamples: number;
  /** Offset of the first audio frame (after the last metadata block). */
  firstFrame: number;
}

export function parseFlac(buf: Buffer): FlacStreamInfo {
  if (buf.length < 42 || buf.toString('latin1', 0, 4) !== 'fLaC') throw new Error('not a FLAC stream');
  if ((buf[4]! & 0x7f) !== 0) throw new Error('FLAC stream does not start with STREAMINFO');
  let offset = 4;
  for (;;) {
    if (offset + 4 > buf.length) throw new Error('truncated FLAC metadata');
    const last = (buf[offset]! & 0x80) !== 0;
    offset += 4 + buf.readUIntBE(offset + 1, 3);
    if (last) break;
  }
  const si = 8;
  const sampleRate = (buf[si + 10]! << 12) | (buf[si + 11]! << 4) | (buf[si + 12]! >> 4);
  const totalSamples = (buf[si + 13]! & 0x0f) * 2 ** 32 + buf.readUInt32BE(si + 14);
  if (!sampleRate) throw new Error('FLAC STREAMINFO has no sample rate');
  return { offset: si, sampleRate, totalSamples, firstFrame: offset };
}

/** Samples in the frame whose header starts at `at`, or undefined if no valid header is there. */
function frameHeader(buf: Buffer, at: number): { samples: number } | undefined {
  if (at + 6 > buf.length || buf[at] !== 0xff || (buf[at + 1]! & 0xfe) !== 0xf8) return undefined;
  const blockCode = buf[at + 2]! >> 4;
  const rateCode = buf[at + 2]! & 0x0f;
  if (blockCode === 0 || rateCode === 15 || (buf[at + 3]! & 0x01) !== 0 || buf[at + 3]! >> 4 >= 11) return undefined;
  // UTF-8-like coded frame or sample number: its length is told by the first byte.
  let p = at + 4;
  const lead = buf[p]!;
  const extra =
    lead < 0x80 ? 0 : lead >= 0xfe ? 6 : lead >= 0xfc ? 5 : lead >= 0xf8 ? 4 : lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : -1;
  if (extra < 0) return undefined;
  p += 1 + extra;
  let samples: number;
  if (blockCode === 1) samples = 192;
  else if (blockCode <= 5) samples = 576 * 2 ** (blockCode - 2);
  else if (blockCode === 6) samples = buf[p++]! + 1;
  else if (blockCode === 7) {
    samples = buf.readUInt16BE(p) + 1;
    p += 2;
  } else samples = 256 * 2 ** (blockCode - 8);
  if (rateCode === 12) p += 1;
  else if (rateCode === 13 || rateCode === 14) p += 2;
  if (p >= buf.length || crc8(buf, at, p) !== buf[p]) return undefined;
  return { samples };
}

/** Whole frames from `firstFrame`, each confirmed by its CRC-16. */
export function* flacFrames(buf: Buffer, firstFrame: number): Generator<{ start: number; end: number; samples: number }> {
  let start = firstFrame;
  let header = frameHeader(buf, start);
  while (header) {
    // The frame ends where the next valid header begins and the CRC-16 up to it matches.
    let end = -1;
    for (let next = start + 16; next + 1 < buf.length; next++) {
      if (buf[next] !== 0xff || (buf[next + 1]! & 0xfe) !== 0xf8) continue;
      if (frameHeader(buf, next) && crc16(buf, start, next - 2) === buf.readUInt16BE(next - 2)) {
        end = next;
        break;
      }
    }
    if (end < 0 && buf.length - start >= 18 && crc16(buf, start, buf.length - 2) === buf.readUInt16BE(buf.length - 2)) end = buf.length;
    if (end < 0) return; // truncated or damaged: stop at the last whole frame
    yield { start, end, samples: header.samples };
    start = end;
    header = frameHeader(buf, start);
  }
}

/**
 * Whether the bytes end with a whole frame: some frame header in them starts
 * a frame whose CRC-16 matches at the very end. A file cut short fails this.
 */
export function endsWithWholeFrame(tail: Buffer): boolean {
  for (let at = tail.length - 18; at >= 0; at--) {
    if (tail[at] !== 0xff || (tail[at + 1]! & 0xfe) !== 0xf8 || !frameHeader(tail, at)) continue;
    if (crc16(tail, at, tail.length - 2) === tail.readUInt16BE(tail.length - 2)) return true;
  }
  return false;
}

export function cutFlac(buf: Buffer, seconds: number): Clip {
  const info = parseFlac(buf);
  const target = seconds * info.sampleRate;
  let samples = 0;
  let end = info.firstFrame;
  for (const frame of flacFrames(buf, info.firstFrame)) {
    if (samples >= target) break;
    samples += frame.samples;
    end = frame.end;
  }
  if (samples === 0) throw new Error('no FLAC frames');
  const streamInfo = Buffer.from(buf.subarray(info.offset, info.offset + 34));
  streamInfo.writeUIntBE(0, 4, 3); // min frame size: unknown
  streamInfo.writeUIntBE(0, 7, 3); // max frame size: unknown
  streamInfo[13] = (streamInfo[13]! & 0xf0) | Math.floor(samples / 2 ** 32);
  streamInfo.writeUInt32BE(samples % 2 ** 32, 14);
  streamInfo.fill(0, 18, 34); // MD5 of the whole track no longer applies: 0 = unknown
  const blockHeader = Buffer.from([0x80, 0, 0, 34]); // last metadata block, STREAMINFO, 34 bytes
  return {
    data: Buffer.concat([Buffer.from('fLaC', 'latin1'), blockHeader, streamInfo, buf.subarray(info.firstFrame, end)]),
    durationSeconds: samples / info.sampleRate,
  };
}
