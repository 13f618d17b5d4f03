import type { ApiWaveform } from './contract/api.js';
import { apiReply } from './lib/api.js';
import { h } from './lib/dom.js';

/**
 * The player's seek bar drawn as the track's waveform. The range input
 * stays the control (click, drag, arrow keys, Home/End — and what a screen
 * reader announces); the waveform is drawn under it. A preview listener
 * sees the whole track, the part they may hear in full colour and the rest
 * faded, with the control spanning the preview only.
 */
export class WaveformBar {
  readonly root: HTMLElement;
  private readonly canvas = h('canvas', { class: 'player-wave-canvas', 'aria-hidden': 'true' });
  private peaks: number[] | null = null;
  /** The share of the whole track this listener may hear (1 for a full track). */
  private playable = 1;
  /** How far playback is, as a share of the whole track. */
  private progress = 0;
  /** Which track's waveform is wanted: an answer for an earlier one is dropped. */
  private wanted = 0;

  constructor(seek: HTMLInputElement) {
    this.root = h('div', { class: 'player-wave' }, this.canvas, seek);
    new ResizeObserver(() => this.draw()).observe(this.root);
  }

  /** Fetches and shows a track's waveform (asking again while it is being computed); a plain bar until then. */
  async load(trackId: number, playable: number): Promise<void> {
    const wanted = ++this.wanted;
    this.show(null, playable);
    for (let attempt = 0; attempt < 10 && wanted === this.wanted; attempt++) {
      const reply = await apiReply<ApiWaveform>('GET', `/api/tracks/${trackId}/waveform`).catch(() => undefined);
      if (!reply || wanted !== this.wanted) return;
      if (reply.status === 200) return this.show(reply.body.peaks, playable);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  }

  /** `fraction` of the whole track has played. */
  setProgress(fraction: number): void {
    this.progress = Math.max(0, Math.min(1, fraction));
    this.draw();
  }

  private show(peaks: number[] | null, playable: number): void {
    this.peaks = peaks && peaks.length > 0 ? peaks : null;
    this.playable = Math.max(0.001, Math.min(1, playable));
    this.root.classList.toggle('has-wave', this.peaks !== null);
    this.root.style.setProperty('--playable', `${this.playable * 100}%`);
    this.root.dataset.bins = String(this.peaks?.length ?? 0);
    this.draw();
  }

  private draw(): void {
    const peaks = this.peaks;
    const width = this.root.clientWidth;
    const height = this.root.clientHeight;
    if (!peaks || width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    const g = this.canvas.getContext('2d');
    if (!g) return;
    const style = getComputedStyle(this.root);
    const played = style.getPropertyValue('--wave-played').trim() || '#a78bfa';
    const ahead = style.getPropertyValue('--wave-ahead').trim() || '#cbd5e1';
    const locked = style.getPropertyValue('--wave-locked').trim() || 'rgba(203, 213, 225, 0.3)';
    g.scale(ratio, ratio);
    const loudest = Math.max(1, ...peaks);
    const bars = Math.max(1, Math.floor(width / 3));
    for (let bar = 0; bar < bars; bar++) {
      const from = Math.floor((bar * peaks.length) / bars);
      const to = Math.max(from + 1, Math.floor(((bar + 1) * peaks.length) / bars));
      const peak = Math.max(...peaks.slice(from, to));
      const share = (bar + 0.5) / bars;
      g.fillStyle = share > this.playable ? locked : share <= this.progress ? played : ahead;
      const tall = Math.max(1, (peak / loudest) * height);
      g.fillRect(bar * 3, (height - tall) / 2, 2, tall);
    }
  }
}
