import { addToCart, inCart } from './lib/cart.js';
import { h, replace } from './lib/dom.js';
import { icon } from './lib/icons.js';
import { clock, price } from './lib/format.js';
import { navigate } from './lib/router.js';
import type { Playable } from './lib/types.js';
import { WaveformBar } from './waveform-bar.js';

/**
 * The one player, in the page's footer, kept across page changes. It asks
 * the stream route (HEAD) whether this listener gets the preview, says so,
 * offers "Buy" when a preview ends, and reports plays as they are heard:
 * only seconds actually played count, seeks do not, and the report is sent
 * when the listener moves on (another track, the end, leaving the page).
 */

const MAX_STEP_S = 2; // a larger jump between timeupdates is a seek, not listening

function tabSessionId(): string {
  const existing = sessionStorage.getItem('song-nexus-player');
  if (existing) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const id = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  sessionStorage.setItem('song-nexus-player', id);
  return id;
}

class Player {
  private readonly audio = h('audio', { preload: 'metadata' });
  private readonly root: HTMLElement;
  private readonly title = h('strong', { class: 'player-title' });
  private readonly artist = h('span', { class: 'player-artist' });
  private readonly badge = h('span', { class: 'badge', hidden: true });
  private readonly playButton = h('button', { type: 'button', class: 'player-play', 'aria-label': 'Play' }, icon('play'));
  private readonly prevButton = h('button', { type: 'button', class: 'icon', 'aria-label': 'Previous track' }, icon('previous'));
  private readonly nextButton = h('button', { type: 'button', class: 'icon', 'aria-label': 'Next track' }, icon('next'));
  private readonly seek = h('input', { type: 'range', min: 0, max: 0, step: 0.1, value: 0, 'aria-label': 'Seek', class: 'player-seek' });
  private readonly time = h('span', { class: 'player-time', 'aria-live': 'off' }, '0:00 / 0:00');
  private readonly volume = h('input', { type: 'range', min: 0, max: 1, step: 0.05, value: 1, 'aria-label': 'Volume' });
  private readonly message = h('div', { class: 'player-message', role: 'status', 'aria-live': 'polite' });
  private readonly wave = new WaveformBar(this.seek);
  /** The whole track's length, and how much of it this listener hears (the preview's length, or all of it). */
  private trackSeconds = 0;
  private hearableSeconds = 0;

  private queue: Playable[] = [];
  private index = -1;
  private isPreview = false;
  private heard = 0;
  private lastTime = 0;
  private readonly sessionId = tabSessionId();
  /** X-Play-Token of the current track's stream. */
  private playToken = '';

  constructor(root: HTMLElement) {
    this.root = root;
    replace(
      root,
      this.audio,
      h('div', { class: 'player-now' }, this.title, this.artist, this.badge),
      h('div', { class: 'player-controls' }, this.prevButton, this.playButton, this.nextButton),
      h('div', { class: 'player-progress' }, this.wave.root, this.time),
      h('label', { class: 'player-volume' }, h('span', { class: 'visually-hidden' }, 'Volume'), icon('volume'), this.volume),
      this.message,
    );
    this.playButton.addEventListener('click', () => this.toggle());
    this.prevButton.addEventListener('click', () => this.step(-1));
    this.nextButton.addEventListener('click', () => this.step(1));
    this.seek.addEventListener('input', () => {
      this.audio.currentTime = Number(this.seek.value);
    });
    this.volume.addEventListener('input', () => {
      this.audio.volume = Number(this.volume.value);
    });
    this.audio.addEventListener('play', () => this.showPlaying(true));
    this.audio.addEventListener('pause', () => this.showPlaying(false));
    this.audio.addEventListener('loadedmetadata', () => this.showTime());
    this.audio.addEventListener('timeupdate', () => this.onTime());
    this.audio.addEventListener('seeking', () => (this.lastTime = this.audio.currentTime));
    this.audio.addEventListener('ended', () => this.onEnded());
    this.audio.addEventListener('error', () => this.say('This track could not be played.'));
    window.addEventListener('pagehide', () => this.report());
  }

  /** Plays `tracks[index]` and keeps the list for next/previous. */
  async play(tracks: Playable[], index = 0): Promise<void> {
    this.report();
    this.queue = tracks;
    this.index = index;
    const track = tracks[index];
    if (!track) return;
    this.root.hidden = false;
    this.title.textContent = track.name;
    this.artist.textContent = track.artist;
    this.say('');
    this.badge.hidden = true;
    this.prevButton.disabled = index === 0;
    this.nextButton.disabled = index >= tracks.length - 1;
    const url = `/api/tracks/${track.id}/stream`;
    const head = await fetch(url, { method: 'HEAD', credentials: 'same-origin' });
    if (!head.ok) {
      this.audio.removeAttribute('src');
      this.say(head.status === 403 ? 'This track has no preview. Buy it to listen.' : 'This track cannot be played right now.');
      return;
    }
    this.isPreview = head.headers.get('X-Audio-Preview') === 'true';
    // The store counts a play only with the token it gave this playback.
    this.playToken = head.headers.get('X-Play-Token') ?? '';
    this.trackSeconds = track.durationSeconds ?? 0;
    this.hearableSeconds = this.trackSeconds;
    if (this.isPreview) {
      const seconds = Number(head.headers.get('X-Audio-Preview-Seconds') ?? track.preview?.seconds ?? 0);
      this.hearableSeconds = seconds;
      this.badge.textContent = `Preview · ${clock(seconds)}${track.durationSeconds ? ` of ${clock(track.durationSeconds)}` : ''}`;
      this.badge.hidden = false;
    }
    void this.wave.load(track.id, this.trackSeconds > 0 ? Math.min(1, this.hearableSeconds / this.trackSeconds) : 1);
    this.heard = 0;
    this.lastTime = 0;
    this.audio.src = url;
    this.root.dataset.trackId = String(track.id);
    this.root.dataset.preview = String(this.isPreview);
    await this.audio.play().catch(() => this.say('Press play to listen.'));
  }

  current(): Playable | undefined {
    return this.queue[this.index];
  }

  private toggle(): void {
    if (!this.audio.src) return;
    if (this.audio.paused) void this.audio.play();
    else this.audio.pause();
  }

  private step(delta: number): void {
    const next = this.index + delta;
    if (next >= 0 && next < this.queue.length) void this.play(this.queue, next);
  }

  private showPlaying(playing: boolean): void {
    this.playButton.replaceChildren(icon(playing ? 'pause' : 'play'));
    this.playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
  }

  private onTime(): void {
    const t = this.audio.currentTime;
    const step = t - this.lastTime;
    if (!this.audio.paused && step > 0 && step < MAX_STEP_S) this.heard += step;
    this.lastTime = t;
    this.showTime();
  }

  private showTime(): void {
    const duration = Number.isFinite(this.audio.duration) ? this.audio.duration : 0;
    this.seek.max = String(duration);
    this.seek.value = String(this.audio.currentTime);
    this.seek.setAttribute('aria-valuetext', `${clock(this.audio.currentTime)} of ${clock(duration)}`);
    this.time.textContent = `${clock(this.audio.currentTime)} / ${clock(duration)}`;
    const whole = this.trackSeconds || duration;
    this.wave.setProgress(whole > 0 ? this.audio.currentTime / whole : 0);
  }

  private onEnded(): void {
    this.report();
    const track = this.current();
    if (this.isPreview && track && !track.isFree) {
      const cost = track.priceEur ? ` · ${price({ isFree: false, priceEur: track.priceEur })}` : '';
      const buy = h('button', { type: 'button', class: 'buy' }, `Buy “${track.name}”${cost}`);
      buy.addEventListener('click', () => {
        if (!inCart('track', track.id)) addToCart({ kind: 'track', id: track.id });
        navigate('/cart');
      });
      this.say('The preview has ended. ', buy);
      return;
    }
    this.step(1);
  }

  private say(text: string, ...extra: Node[]): void {
    replace(this.message, text, ...extra);
  }

  /** Sends what was heard of the current track, once. */
  private report(): void {
    const track = this.current();
    const seconds = Math.round(this.heard * 10) / 10;
    this.heard = 0;
    if (!track || seconds < 1 || !this.playToken) return;
    void fetch('/api/plays', {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true, // survives the page being left
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        trackId: track.id,
        durationPlayedSeconds: seconds,
        playToken: this.playToken,
        sessionId: this.sessionId,
        deviceType: 'web',
      }),
    }).catch(() => undefined);
  }
}

let player: Player | undefined;

export function mountPlayer(root: HTMLElement): void {
  player = new Player(root);
}

export function playTracks(tracks: Playable[], index = 0): void {
  void player?.play(tracks, index);
}
