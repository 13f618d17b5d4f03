import { readBytes } from './read-bytes';

/**
 * What an MPEG-4 file really holds, read from its own boxes: the probe
 * library calls anything in an `mp4a` sample entry AAC (MP3 in MP4
 * included), and a music video is MPEG-4 too. The movie box (moov) is found
 * among the top-level boxes — first or last — and each track's handler
 * (sound, video) and sample description read from it.
 */

export interface Mp4Content {
  /** The codec of each sound track: 'aac', 'alac' or what else it is. */
  sound: string[];
  /** Tracks that are not sound (video, text): a music video is not a master. */
  other: string[];
}

const MOVIE_MAX_BYTES = 64 * 1024 * 1024;

interface Box {
  type: string;
  /** The payload, after the header. */
  body: Buffer;
}

/**
 * A box header at `at` in `bytes`: its type, its whole length (a 64-bit
 * length when the 32-bit one is 1; the rest of its container, `remaining`,
 * when it is 0) and the header's own length; undefined when it cannot be.
 */
function boxHeader(bytes: Buffer, at: number, remaining: number): { type: string; length: number; header: number } | undefined {
  if (at + 8 > bytes.length) return undefined;
  let length = bytes.readUInt32BE(at);
  let header = 8;
  if (length === 1) {
    if (at + 16 > bytes.length) return undefined;
    length = Number(bytes.readBigUInt64BE(at + 8));
    header = 16;
  } else if (length === 0) length = remaining;
  return length < header ? undefined : { type: bytes.toString('latin1', at + 4, at + 8), length, header };
}

function* boxes(buf: Buffer): Generator<Box> {
  for (let offset = 0; ;) {
    const box = boxHeader(buf, offset, buf.length - offset);
    if (!box || offset + box.length > buf.length) return;
    yield { type: box.type, body: buf.subarray(offset + box.header, offset + box.length) };
    offset += box.length;
  }
}

const child = (buf: Buffer, type: string) => [...boxes(buf)].find((b) => b.type === type)?.body;

function path(buf: Buffer | undefined, ...types: string[]): Buffer | undefined {
  let at = buf;
  for (const type of types) at = at && child(at, type);
  return at;
}

/** An MPEG-4 descriptor's length: 1 to 4 bytes of 7 bits each. */
function descriptorLength(buf: Buffer, offset: number): { length: number; next: number } {
  let length = 0;
  let next = offset;
  for (let i = 0; i < 4 && next < buf.length; i++) {
    const byte = buf[next++]!;
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return { length, next };
}

/** The objectTypeIndication in an esds box: 0x40 (MPEG-4 audio) and 0x66–0x68 (MPEG-2 AAC) are AAC; 0x69 and 0x6B are MP3. */
function esdsObjectType(esds: Buffer): number | undefined {
  let p = 4; // version and flags
  if (esds[p] !== 0x03) return undefined;
  p = descriptorLength(esds, p + 1).next;
  const flags = esds[p + 2] ?? 0;
  p += 3;
  if (flags & 0x80) p += 2; // dependsOn_ES_ID
  if (flags & 0x40) p += 1 + (esds[p] ?? 0); // URL
  if (flags & 0x20) p += 2; // OCR_ES_Id
  if (esds[p] !== 0x04) return undefined;
  return esds[descriptorLength(esds, p + 1).next];
}

/** The codec of a sound track's first sample entry. */
function soundCodec(stsd: Buffer): string {
  const entry = [...boxes(stsd.subarray(8))][0]; // version, flags and entry count first
  if (!entry) return 'none';
  if (entry.type === 'alac') return 'alac';
  if (entry.type !== 'mp4a') return entry.type.trim();
  if (entry.body.length < 28) return 'mp4a/short';
  // AudioSampleEntry: 8 bytes of SampleEntry, 20 of sound fields (QuickTime's versions 1 and 2 add 16 or 36).
  const version = entry.body.readUInt16BE(8);
  const esds = child(entry.body.subarray(28 + (version === 1 ? 16 : version === 2 ? 36 : 0)), 'esds');
  const type = esds && esdsObjectType(esds);
  return type === 0x40 || (type !== undefined && type >= 0x66 && type <= 0x68) ? 'aac' : `mp4a/0x${(type ?? 0).toString(16)}`;
}

interface TopBox {
  type: string;
  offset: number;
  /** Header and payload. */
  length: number;
  header: number;
}

/** The top-level boxes of a file, in order; stops (yielding `bad`) at one that cannot be. */
async function* topLevelBoxes(file: string, size: number): AsyncGenerator<TopBox | 'bad'> {
  for (let offset = 0, count = 0; offset < size; count++) {
    if (count >= 1000 || offset + 8 > size) return yield 'bad';
    const box = boxHeader(await readBytes(file, offset, 16), 0, size - offset);
    if (!box) return yield 'bad';
    yield { ...box, offset };
    offset += box.length;
  }
}

/**
 * Whether an MPEG-4 file was cut short: its top-level boxes (ftyp, moov,
 * mdat, …) must tile the file exactly — a cut upload leaves the last box
 * claiming bytes that are not there — and the movie box and the media
 * data must both be there (a cut between two boxes tiles, but lacks one).
 */
export async function mp4Truncated(file: string, size: number): Promise<boolean> {
  let end = 0;
  const seen = new Set<string>();
  for await (const box of topLevelBoxes(file, size)) {
    if (box === 'bad') return true;
    seen.add(box.type);
    end = box.offset + box.length;
  }
  return end !== size || !seen.has('moov') || !seen.has('mdat');
}

/** Reads the movie box of an MPEG-4 file (undefined when there is none, or it is unreasonably large). */
export async function mp4Content(file: string, size: number): Promise<Mp4Content | undefined> {
  for await (const box of topLevelBoxes(file, size)) {
    if (box === 'bad') return undefined;
    if (box.type !== 'moov') continue;
    if (box.length > MOVIE_MAX_BYTES) return undefined;
    const moov = (await readBytes(file, box.offset, box.length)).subarray(box.header);
    const content: Mp4Content = { sound: [], other: [] };
    for (const trak of [...boxes(moov)].filter((b) => b.type === 'trak')) {
      const handler = path(trak.body, 'mdia', 'hdlr')?.toString('latin1', 8, 12) ?? '????';
      const stsd = path(trak.body, 'mdia', 'minf', 'stbl', 'stsd');
      if (handler === 'soun' && stsd) content.sound.push(soundCodec(stsd));
      else content.other.push(handler);
    }
    return content;
  }
  return undefined;
}
