/**
 * A tiny deterministic music synthesizer for the demo catalog: chords, a bass
 * line, a melody and drums from a seed, so every demo track sounds different
 * and no audio binaries need to live in git. Pure: same spec, same samples.
 */

export interface SongSpec {
  seed: number;
  durationSeconds: number;
  sampleRate: number;
  /** Beats per minute. */
  tempo: number;
  /** MIDI note of the key's root, e.g. 57 = A3. */
  root: number;
  scale: 'major' | 'minor' | 'dorian' | 'pentatonic';
  /** 0 = no drums, 1 = full kit. */
  drums: number;
  /** Oscillator of the lead: pure tones or brighter ones. */
  lead: 'sine' | 'square' | 'saw';
}

const SCALES: Record<SongSpec['scale'], number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  pentatonic: [0, 2, 4, 7, 9],
};

/** mulberry32: a small, fast, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const midiToHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

function oscillator(kind: SongSpec['lead'], phase: number): number {
  const p = phase - Math.floor(phase);
  switch (kind) {
    case 'sine':
      return Math.sin(2 * Math.PI * p);
    case 'square':
      return p < 0.5 ? 0.6 : -0.6;
    case 'saw':
      return 0.8 * (2 * p - 1);
  }
}

/** Adds a note with an attack/release envelope into `out` (mono, float). */
function addNote(
  out: Float32Array,
  sampleRate: number,
  start: number,
  seconds: number,
  hz: number,
  gain: number,
  kind: SongSpec['lead'],
): void {
  const first = Math.floor(start * sampleRate);
  const length = Math.floor(seconds * sampleRate);
  const attack = Math.min(length, Math.floor(0.01 * sampleRate));
  // Exponential release by a per-sample factor: exp(-3) over the note's length.
  const decay = Math.exp(-3 / length);
  let release = 1;
  for (let i = 0; i < length && first + i < out.length; i++) {
    const env = i < attack ? i / attack : (release *= decay);
    out[first + i]! += gain * env * oscillator(kind, (hz * i) / sampleRate);
  }
}

function addKick(out: Float32Array, sampleRate: number, start: number, gain: number): void {
  const first = Math.floor(start * sampleRate);
  const length = Math.floor(0.18 * sampleRate);
  let phase = 0;
  for (let i = 0; i < length && first + i < out.length; i++) {
    const t = i / sampleRate;
    phase += (50 + 90 * Math.exp(-t * 30)) / sampleRate;
    out[first + i]! += gain * Math.exp(-t * 18) * Math.sin(2 * Math.PI * phase);
  }
}

function addNoise(out: Float32Array, sampleRate: number, start: number, seconds: number, gain: number, rand: () => number): void {
  const first = Math.floor(start * sampleRate);
  const length = Math.floor(seconds * sampleRate);
  let previous = 0;
  for (let i = 0; i < length && first + i < out.length; i++) {
    const white = rand() * 2 - 1;
    const bright = white - previous; // first difference: a crude high-pass
    previous = white;
    out[first + i]! += gain * Math.exp((-6 * i) / length) * bright;
  }
}

/** Renders a song to 16-bit mono PCM. */
export function synthesizeSong(spec: SongSpec): Int16Array {
  const { sampleRate, tempo, root } = spec;
  const rand = prng(spec.seed);
  const scale = SCALES[spec.scale];
  const beat = 60 / tempo;
  const total = Math.floor(spec.durationSeconds * sampleRate);
  const mix = new Float32Array(total);
  const degree = (d: number) => {
    const octave = Math.floor(d / scale.length);
    return root + 12 * octave + scale[((d % scale.length) + scale.length) % scale.length]!;
  };
  // A four-chord progression chosen by the seed, one chord per bar of 4 beats.
  const progression = Array.from({ length: 4 }, (_, i) => (i === 0 ? 0 : Math.floor(rand() * scale.length)));
  const bars = Math.ceil(spec.durationSeconds / (4 * beat));
  let melody = scale.length; // start an octave up
  for (let bar = 0; bar < bars; bar++) {
    const barStart = bar * 4 * beat;
    const chord = progression[bar % progression.length]!;
    for (const step of [0, 2, 4]) addNote(mix, sampleRate, barStart, 4 * beat, midiToHz(degree(chord + step)), 0.05, 'sine');
    for (let b = 0; b < 4; b++) {
      addNote(mix, sampleRate, barStart + b * beat, beat * 0.9, midiToHz(degree(chord) - 12), 0.12, 'sine');
      if (spec.drums > 0) {
        if (b % 2 === 0) addKick(mix, sampleRate, barStart + b * beat, 0.35 * spec.drums);
        else addNoise(mix, sampleRate, barStart + b * beat, 0.12, 0.12 * spec.drums, rand);
        addNoise(mix, sampleRate, barStart + (b + 0.5) * beat, 0.04, 0.05 * spec.drums, rand);
      }
    }
    // The melody: a random walk over the scale in eighth notes, with rests.
    for (let e = 0; e < 8; e++) {
      melody += Math.floor(rand() * 5) - 2;
      melody = Math.max(scale.length - 2, Math.min(2 * scale.length + 2, melody));
      if (rand() < 0.25) continue;
      addNote(mix, sampleRate, barStart + (e * beat) / 2, beat / 2, midiToHz(degree(melody)), 0.1, spec.lead);
    }
  }
  // Fade in and out, then convert with a soft limiter.
  const fade = Math.min(total / 4, 2 * sampleRate);
  const pcm = new Int16Array(total);
  for (let i = 0; i < total; i++) {
    const edge = Math.min(1, i / fade, (total - 1 - i) / fade);
    pcm[i] = Math.round(32767 * Math.tanh(mix[i]! * 1.2) * edge);
  }
  return pcm;
}
