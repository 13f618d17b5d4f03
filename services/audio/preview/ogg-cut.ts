import type { Clip } from './clip';

/**
 * Ogg Vorbis and Ogg Opus previews: whole pages from the start until one
 * whose granule position reaches the requested length. That last page is
 * marked end-of-stream, keeps only the packets that end on it, and gets the
 * exact requested position as its granule — the end-trimming both codecs
 * define — so the clip decodes to precisely the requested length.
 */

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n << 24;
  for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});
function oggCrc(page: Buffer): number {
  let c = 0;
  for (const b of page) c = ((c << 8) ^ CRC[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  return c;
}

export interface OggPage {
  offset: number;
  length: number;
  headerType: number;
  granule: bigint;
  serial: number;
  segments: number[];
  /** Offset of the page body (after the segment table). */
  body: number;
}

export function* oggPages(buf: Buffer): Generator<OggPage> {
  let offset = 0;
  while (offset + 27 <= buf.length && buf.toString('latin1', offset, offset + 4) === 'OggS') {
    const count = buf[offset + 26]!;
    if (offset + 27 + count > buf.length) return;
    const segments = [...buf.subarray(offset + 27, offset + 27 + count)];
    const body = offset + 27 + count;
    const length = 27 + count + segments.reduce((a, b) => a + b, 0);
    if (offset + length > buf.length) return; // truncated page
    yield {
      offset,
      length,
      headerType: buf[offset + 5]!,
      granule: buf.readBigInt64LE(offset + 6),
      serial: buf.readUInt32LE(offset + 14),
      segments,
      body,
    };
    offset += length;
  }
}

export type OggCodec = 'vorbis' | 'opus';

/** The codec of the first logical stream and how its granule positions count time. */
export function oggCodec(buf: Buffer): { codec: OggCodec; rate: number; preSkip: number } {
  const first = oggPages(buf).next().value as OggPage | undefined;
  if (!first) throw new Error('not an Ogg stream');
  const packet = buf.subarray(first.body, first.body + (first.segments[0] ?? 0));
  if (packet.length >= 16 && packet[0] === 1 && packet.toString('latin1', 1, 7) === 'vorbis') {
    return { codec: 'vorbis', rate: packet.readUInt32LE(12), preSkip: 0 };
  }
  if (packet.length >= 19 && packet.toString('latin1', 0, 8) === 'OpusHead') {
    return { codec: 'opus', rate: 48_000, preSkip: packet.readUInt16LE(10) };
  }
  throw new Error('Ogg stream is neither Vorbis nor Opus');
}

export function cutOgg(buf: Buffer, seconds: number): Clip {
  const { rate, preSkip } = oggCodec(buf);
  const target = BigInt(Math.round(seconds * rate)) + BigInt(preSkip);
  const kept: Buffer[] = [];
  let serial: number | undefined;
  let last: bigint | undefined;
  for (const page of oggPages(buf)) {
    if (serial === undefined) serial = page.serial;
    if (page.serial !== serial) throw new Error('multiplexed Ogg streams are not supported');
    const reachesTarget = page.granule !== -1n && page.granule >= target;
    if (!reachesTarget) {
      kept.push(buf.subarray(page.offset, page.offset + page.length));
      if (page.granule !== -1n) last = page.granule;
      if (page.headerType & 0x04) break; // the stream ended before the target: the whole track
      continue;
    }
    // The final page: drop a packet that continues past it, end the stream, trim to the target.
    let segments = page.segments;
    while (segments.length > 0 && segments[segments.length - 1] === 255) segments = segments.slice(0, -1);
    const bodyLength = segments.reduce((a, b) => a + b, 0);
    const out = Buffer.alloc(27 + segments.length + bodyLength);
    buf.copy(out, 0, page.offset, page.offset + 26);
    out[5] = (out[5]! | 0x04) & 0x07;
    out.writeBigInt64LE(target, 6);
    out[26] = segments.length;
    Buffer.from(segments).copy(out, 27);
    buf.copy(out, 27 + segments.length, page.body, page.body + bodyLength);
    out.writeUInt32LE(0, 22);
    out.writeUInt32LE(oggCrc(out), 22);
    kept.push(out);
    last = target;
    break;
  }
  if (last === undefined) throw new Error('no Ogg audio pages');
  // A stream shorter than the target ends on its own last page, already marked end-of-stream.
  return { data: Buffer.concat(kept), durationSeconds: Number(last - BigInt(preSkip)) / rate };
}
