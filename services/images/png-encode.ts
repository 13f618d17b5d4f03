import zlib from 'node:zlib';

/** A PNG chunk: length, type, data and the CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
  return out;
}

/**
 * Encodes an 8-bit image as PNG: `channels` 1 (grey) or 3 (RGB), `pixel`
 * giving each pixel's values. For images the store makes itself (the demo
 * catalogue's covers); uploads are only ever sniffed, never re-encoded.
 */
export function encodePng(width: number, height: number, channels: 1 | 3, pixel: (x: number, y: number) => number[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, channels === 3 ? 2 : 0, 0, 0, 0], 8);
  const stride = width * channels + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // no filter
    for (let x = 0; x < width; x++) {
      const values = pixel(x, y);
      for (let c = 0; c < channels; c++) raw[y * stride + 1 + x * channels + c] = values[c]!;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A demo cover: a diagonal gradient between two colours with a soft disc, all from `seed`. */
export function demoCover(seed: number, size = 320): Buffer {
  const hue = (n: number) => [(seed >>> n) & 0xff, (seed >>> (n + 8)) & 0xff, (seed >>> (n + 16)) & 0xff];
  const [from, to] = [hue(0), hue(5)];
  const cx = size * (0.3 + ((seed >>> 3) % 40) / 100);
  const cy = size * (0.3 + ((seed >>> 7) % 40) / 100);
  const radius = size * 0.22;
  return encodePng(size, size, 3, (x, y) => {
    const t = (x + y) / (2 * size);
    const inDisc = Math.hypot(x - cx, y - cy) < radius;
    return [0, 1, 2].map((c) => {
      const base = from[c]! * (1 - t) + to[c]! * t;
      return Math.round(inDisc ? 255 - base * 0.6 : base);
    });
  });
}
