import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { mp4Content, mp4Truncated } from '../../services/audio/mp4-boxes';
import { tempDir } from '../support/temp-dir';

/**
 * The MPEG-4 reader on files built here box by box: it tells AAC from MP3
 * in an `mp4a` entry by the decoder's object type, ALAC by its entry, a
 * video track as more than sound — and any cut or corrupted file gives an
 * answer (or none), never an exception.
 */

const dir = tempDir('sn-mp4-');

const box = (type: string, ...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};
const full = (...parts: Buffer[]) => Buffer.concat([Buffer.alloc(4), ...parts]); // version and flags

function esds(objectType: number): Buffer {
  const decoderConfig = Buffer.from([0x04, 13, objectType, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  return box('esds', full(Buffer.from([0x03, 3 + decoderConfig.length, 0, 1, 0]), decoderConfig));
}

function soundTrack(entry: Buffer): Buffer {
  const stsd = box('stsd', full(Buffer.from([0, 0, 0, 1]), entry));
  return box(
    'trak',
    box('mdia', box('hdlr', full(Buffer.alloc(4), Buffer.from('soun')), Buffer.alloc(12)), box('minf', box('stbl', stsd))),
  );
}
const mp4a = (objectType: number) => box('mp4a', Buffer.alloc(28), esds(objectType));
const videoTrack = box('trak', box('mdia', box('hdlr', full(Buffer.alloc(4), Buffer.from('vide')), Buffer.alloc(12))));

function file(name: string, ...traks: Buffer[]): string {
  const bytes = Buffer.concat([box('ftyp', Buffer.from('M4A \0\0\0\0M4A isom')), box('moov', ...traks), box('mdat', Buffer.alloc(500, 7))]);
  const at = path.join(dir, name);
  fs.writeFileSync(at, bytes);
  return at;
}
const size = (at: string) => fs.statSync(at).size;

describe('the MPEG-4 reader', () => {
  it('names the codec of each sound track and counts the other tracks', async () => {
    const aac = file('aac.m4a', soundTrack(mp4a(0x40)));
    expect(await mp4Content(aac, size(aac))).toEqual({ sound: ['aac'], other: [] });
    const mp3 = file('mp3.mp4', soundTrack(mp4a(0x6b)));
    expect(await mp4Content(mp3, size(mp3))).toEqual({ sound: ['mp4a/0x6b'], other: [] });
    const alac = file('alac.m4a', soundTrack(box('alac', Buffer.alloc(28))));
    expect(await mp4Content(alac, size(alac))).toEqual({ sound: ['alac'], other: [] });
    const video = file('video.mp4', videoTrack, soundTrack(mp4a(0x40)));
    expect(await mp4Content(video, size(video))).toEqual({ sound: ['aac'], other: ['vide'] });
    expect(await mp4Truncated(aac, size(aac))).toBe(false);
  });

  it('takes any cut as truncated and never throws on corrupted bytes', async () => {
    const whole = fs.readFileSync(file('base.m4a', soundTrack(mp4a(0x40))));
    const at = path.join(dir, 'mutated.m4a');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: whole.length - 1 }),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
        async (cut, changes) => {
          fs.writeFileSync(at, whole.subarray(0, cut));
          expect(await mp4Truncated(at, cut)).toBe(true); // every prefix lacks bytes the boxes claim
          const bytes = Buffer.from(whole);
          for (const change of changes) bytes[change.at % bytes.length] = change.value;
          fs.writeFileSync(at, bytes.subarray(0, cut || bytes.length));
          // Whatever the corrupted boxes say, both resolve.
          await mp4Truncated(at, cut || bytes.length);
          await mp4Content(at, cut || bytes.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
