import { encodeMp3 } from '../../services/audio/mp3-encoder';
import { listFrames } from '../../services/audio/mp3-frames';
import { synthesizeSong, type SongSpec } from '../../services/audio/synth';

const spec: SongSpec = { seed: 7, durationSeconds: 3, sampleRate: 24_000, tempo: 120, root: 57, scale: 'minor', drums: 1, lead: 'saw' };

describe('demo audio', () => {
  it('synthesizes the same samples for the same spec', () => {
    expect(Buffer.from(synthesizeSong(spec).buffer).equals(Buffer.from(synthesizeSong(spec).buffer))).toBe(true);
  });

  it('synthesizes different music for different seeds, of the requested length, not silent', () => {
    const a = synthesizeSong(spec);
    const b = synthesizeSong({ ...spec, seed: 8 });
    expect(a).toHaveLength(3 * 24_000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
    const peak = a.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(3_000);
    expect(peak).toBeLessThanOrEqual(32_767);
  });

  it('encodes a valid constant-bitrate MP3 whose frames add up to the song length', () => {
    const pcm = synthesizeSong(spec);
    const mp3 = encodeMp3(pcm, 24_000, 64);
    const frames = listFrames(mp3);
    expect(frames.length).toBeGreaterThan(100);
    // Frames cover the whole file: no junk, no truncated frame at the end.
    const last = frames[frames.length - 1]!;
    expect(last.offset + last.length).toBe(mp3.length);
    expect(new Set(frames.map((f) => `${f.sampleRate}/${f.bitrateKbps}/${f.channels}`))).toEqual(new Set(['24000/64/1']));
    const seconds = frames.reduce((sum, f) => sum + f.samples, 0) / 24_000;
    // The encoder adds its delay and pads the last frame: a few frames at most.
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(3.2);
  });
});
