/**
 * MPEG audio (Layer III) frame headers: enough to walk a file frame by frame,
 * count its samples and find frame boundaries. Reference: ISO/IEC 11172-3 and
 * 13818-3 frame header layout.
 */

export interface Mp3Frame {
  /** Byte offset of the frame's header in the buffer. */
  offset: number;
  /** Whole frame length in bytes, header included. */
  length: number;
  sampleRate: number;
  /** PCM samples per channel this frame decodes to (1152, or 576 for MPEG-2/2.5). */
  samples: number;
  bitrateKbps: number;
  channels: 1 | 2;
}

// Layer III bitrates in kbit/s, by MPEG-1 vs MPEG-2/2.5, indexed by the header's 4-bit field.
const BITRATES = {
  v1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1],
  v2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1],
};
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/** Parses the Layer III frame header at `offset`, or returns undefined if there is none. */
export function parseFrameHeader(buf: Buffer, offset: number): Mp3Frame | undefined {
  if (offset + 4 > buf.length) return undefined;
  const b1 = buf[offset + 1]!;
  const b2 = buf[offset + 2]!;
  const b3 = buf[offset + 3]!;
  if (buf[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined; // 11-bit sync
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  if (version === 1 || layer !== 1) return undefined; // reserved version; only Layer III
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined; // free-format or invalid
  const isV1 = version === 3;
  const bitrateKbps = (isV1 ? BITRATES.v1 : BITRATES.v2)[bitrateIndex]!;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const padding = (b2 >> 1) & 0x01;
  const samples = isV1 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  const channels = b3 >> 6 === 3 ? 1 : 2;
  return { offset, length, sampleRate, samples, bitrateKbps, channels };
}

/** Size of an ID3v2 tag at the start of the buffer (0 when there is none). */
export function id3v2Size(buf: Buffer): number {
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') return 0;
  const size = ((buf[6]! & 0x7f) << 21) | ((buf[7]! & 0x7f) << 14) | ((buf[8]! & 0x7f) << 7) | (buf[9]! & 0x7f);
  const footer = buf[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/**
 * Every consecutive frame from the first one after any ID3v2 tag. Stops at
 * the first byte that is not a frame header (trailing tags, junk).
 */
export function listFrames(buf: Buffer): Mp3Frame[] {
  const frames: Mp3Frame[] = [];
  let offset = id3v2Size(buf);
  for (;;) {
    const frame = parseFrameHeader(buf, offset);
    if (!frame || offset + frame.length > buf.length) break;
    frames.push(frame);
    offset += frame.length;
  }
  return frames;
}
