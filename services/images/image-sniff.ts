/**
 * Decides an image's type from its own bytes (never its name or the client's
 * MIME type) and reads its dimensions. PNG, JPEG and WebP only: SVG is text
 * that can carry script, so it is never accepted.
 */

export type ImageType = 'png' | 'jpeg' | 'webp';

export interface ImageInfo {
  type: ImageType;
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  /** File extension for storage keys. */
  ext: 'png' | 'jpg' | 'webp';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(buf: Buffer): ImageInfo | undefined {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(PNG_SIGNATURE) || buf.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { type: 'png', mime: 'image/png', ext: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

function jpeg(buf: Buffer): ImageInfo | undefined {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return undefined;
  let offset = 2;
  // Walk the marker segments to the first start-of-frame, which holds the size,
  // reading markers as decoders do: any run of 0xFF fill bytes precedes the
  // marker code, which is the first byte that is not 0xFF.
  while (offset < buf.length) {
    if (buf[offset] !== 0xff) return undefined;
    while (buf[offset] === 0xff) offset++;
    if (offset >= buf.length) return undefined;
    const marker = buf[offset]!;
    offset++;
    if (marker === 0x00) return undefined; // a stuffed zero belongs to scan data, never between segments
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    // Scan data or the end before any frame header: there is no size to read.
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (offset + 2 > buf.length) return undefined;
    const length = buf.readUInt16BE(offset);
    if (length < 2) return undefined;
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (length < 8 || offset + 7 > buf.length) return undefined;
      return { type: 'jpeg', mime: 'image/jpeg', ext: 'jpg', height: buf.readUInt16BE(offset + 3), width: buf.readUInt16BE(offset + 5) };
    }
    offset += length;
  }
  return undefined;
}

function webp(buf: Buffer): ImageInfo | undefined {
  if (buf.length < 30 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  const chunk = buf.toString('latin1', 12, 16);
  const info = (width: number, height: number): ImageInfo => ({ type: 'webp', mime: 'image/webp', ext: 'webp', width, height });
  if (chunk === 'VP8X') return info(1 + buf.readUIntLE(24, 3), 1 + buf.readUIntLE(27, 3));
  if (chunk === 'VP8L' && buf[20] === 0x2f) {
    const bits = buf.readUInt32LE(21);
    return info(1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
  }
  if (chunk === 'VP8 ' && buf[23] === 0x9d && buf[24] === 0x01 && buf[25] === 0x2a) {
    return info(buf.readUInt16LE(26) & 0x3fff, buf.readUInt16LE(28) & 0x3fff);
  }
  return undefined;
}

/** The image's type and size, or undefined when it is not a PNG, JPEG or WebP we can read. */
export function sniffImage(buf: Buffer): ImageInfo | undefined {
  const found = png(buf) ?? jpeg(buf) ?? webp(buf);
  return found && found.width > 0 && found.height > 0 ? found : undefined;
}
