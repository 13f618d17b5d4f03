import fc from 'fast-check';
import { PeakCollector, WAVEFORM_RATE } from '../../services/audio/waveform-peaks';

/** The peaks of decoded audio do not depend on how the decoder's output was chunked, and follow the loudest sample. */

function pcm(samples: number[]): Buffer {
  const buf = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => buf.writeInt16LE(s, i * 2));
  return buf;
}

describe('waveform peaks', () => {
  it('are the same however the samples are split into chunks (a sample may straddle two)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (samples, cuts) => {
          const bytes = pcm(samples);
          const whole = new PeakCollector(samples.length / WAVEFORM_RATE, 50);
          whole.add(bytes);
          const split = new PeakCollector(samples.length / WAVEFORM_RATE, 50);
          const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
          let from = 0;
          for (const to of [...points, bytes.length]) {
            split.add(bytes.subarray(from, to));
            from = to;
          }
          expect([...split.peaks(50)]).toEqual([...whole.peaks(50)]);
        },
      ),
    );
  });

  it('hold the loudest sample of each stretch, 0–255 of full scale', () => {
    const samples = new Array<number>(8000).fill(100);
    samples[100] = -32768; // the first bin's peak, negative
    samples[7999] = 16384; // the last bin's
    const collector = new PeakCollector(1, 10);
    collector.add(pcm(samples));
    const peaks = [...collector.peaks(10)];
    expect(peaks).toHaveLength(10);
    expect(peaks[0]).toBe(255);
    expect(peaks[9]).toBe(128);
    expect(peaks.slice(1, 9).every((p) => p === 1)).toBe(true);
    expect([...new PeakCollector(1).peaks()]).toEqual([]);
  });
});
