import type { ReleaseType } from '../contract/api';
import type { Role } from '../db/repos/users.repo';
import type { Offer } from '../db/repos/offer';
import type { SongSpec } from './audio/synth';

/** What the demo store holds: its accounts, tracks (with how each sounds) and releases. */

export interface DemoAccount {
  email: string;
  username: string;
  role: Role;
}

export interface DemoTrack {
  artist: string;
  name: string;
  genre: string;
  description: string;
  priceEur: string;
  isFree?: boolean;
  durationSeconds: number;
  sound: Omit<SongSpec, 'seed' | 'durationSeconds' | 'sampleRate'>;
  tags?: string[];
  credits?: string;
}

export interface DemoRelease {
  artist: string;
  title: string;
  type: ReleaseType;
  description: string;
  credits: string;
  releaseDate: string;
  priceEur: string;
  /** The rest of the offer, when it is not a plain fixed price. */
  offer?: Partial<Offer>;
  tags: string[];
  /** Track names, in order. */
  tracks: string[];
}

export const DEMO_DOMAIN = 'demo.song-nexus.test';
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_DOMAIN}`;

export const ARTISTS: Record<string, DemoAccount> = {
  'Nightowl Collective': { email: `nightowl@${DEMO_DOMAIN}`, username: 'nightowl', role: 'artist' },
  'Marta Quell': { email: `marta@${DEMO_DOMAIN}`, username: 'martaquell', role: 'artist' },
  'Iron Lantern': { email: `ironlantern@${DEMO_DOMAIN}`, username: 'ironlantern', role: 'artist' },
  'Sol Ferreira': { email: `sol@${DEMO_DOMAIN}`, username: 'solferreira', role: 'artist' },
};

export const DEMO_ARTIST_EMAILS = Object.values(ARTISTS).map((a) => a.email);

export const ADMIN: DemoAccount = { email: DEMO_ADMIN_EMAIL, username: 'admin', role: 'admin' };

export const TRACKS: DemoTrack[] = [
  {
    artist: 'Nightowl Collective',
    name: 'Streetlight Static',
    genre: 'electronic',
    description: 'Late-night synth pulse.',
    priceEur: '1.29',
    durationSeconds: 75,
    sound: { tempo: 124, root: 57, scale: 'minor', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Afterhours Transit',
    genre: 'electronic',
    description: 'A slow ride home.',
    priceEur: '0.99',
    durationSeconds: 90,
    sound: { tempo: 110, root: 52, scale: 'dorian', drums: 0.8, lead: 'square' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Platform Nine',
    genre: 'electronic',
    description: 'Waiting for the last train.',
    priceEur: '0.99',
    durationSeconds: 50,
    sound: { tempo: 118, root: 55, scale: 'minor', drums: 0.9, lead: 'square' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Tunnel Lights',
    genre: 'electronic',
    description: 'Flicker and hum.',
    priceEur: '0.99',
    durationSeconds: 45,
    sound: { tempo: 128, root: 53, scale: 'dorian', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Empty Carriage',
    genre: 'ambient',
    description: 'Nobody else aboard.',
    priceEur: '0.99',
    durationSeconds: 55,
    sound: { tempo: 80, root: 58, scale: 'pentatonic', drums: 0.2, lead: 'sine' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Signal Failure',
    genre: 'electronic',
    description: 'A stop between stations.',
    priceEur: '0.99',
    durationSeconds: 48,
    sound: { tempo: 132, root: 50, scale: 'minor', drums: 1, lead: 'square' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Night Bus Home',
    genre: 'electronic',
    description: 'The long way round.',
    priceEur: '0.99',
    durationSeconds: 52,
    sound: { tempo: 104, root: 57, scale: 'major', drums: 0.7, lead: 'sine' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Terminus',
    genre: 'ambient',
    description: 'Doors open. Lights off.',
    priceEur: '0.99',
    durationSeconds: 60,
    sound: { tempo: 70, root: 52, scale: 'minor', drums: 0, lead: 'sine' },
  },
  {
    artist: 'Nightowl Collective',
    name: 'Neon Lullaby',
    genre: 'ambient',
    description: 'Soft pads for the last hour.',
    priceEur: '0',
    isFree: true,
    durationSeconds: 60,
    sound: { tempo: 72, root: 60, scale: 'pentatonic', drums: 0, lead: 'sine' },
  },
  {
    artist: 'Marta Quell',
    name: 'Paper Boats',
    genre: 'folk',
    description: 'A song about small brave things.',
    priceEur: '0.99',
    durationSeconds: 95,
    sound: { tempo: 96, root: 62, scale: 'major', drums: 0.3, lead: 'sine' },
  },
  {
    artist: 'Marta Quell',
    name: 'Winter Orchard',
    genre: 'folk',
    description: 'Cold air, warm strings.',
    priceEur: '1.49',
    durationSeconds: 70,
    sound: { tempo: 84, root: 55, scale: 'dorian', drums: 0.2, lead: 'sine' },
  },
  {
    artist: 'Marta Quell',
    name: 'Lighthouse Keeper',
    genre: 'pop',
    description: 'Bright chorus, long horizon.',
    priceEur: '1.29',
    durationSeconds: 110,
    sound: { tempo: 118, root: 64, scale: 'major', drums: 0.9, lead: 'square' },
  },
  {
    artist: 'Iron Lantern',
    name: 'Forge of Dawn',
    genre: 'rock',
    description: 'Driving riffs at sunrise.',
    priceEur: '1.49',
    durationSeconds: 85,
    sound: { tempo: 140, root: 52, scale: 'minor', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Iron Lantern',
    name: 'Cinder Road',
    genre: 'rock',
    description: 'Dust, tyres and a long straight.',
    priceEur: '0.99',
    durationSeconds: 100,
    sound: { tempo: 132, root: 50, scale: 'pentatonic', drums: 1, lead: 'saw' },
  },
  {
    artist: 'Iron Lantern',
    name: 'Hollow Crown',
    genre: 'metal',
    description: 'Heavy and slow.',
    priceEur: '1.99',
    durationSeconds: 105,
    sound: { tempo: 92, root: 45, scale: 'minor', drums: 1, lead: 'square' },
  },
  {
    artist: 'Sol Ferreira',
    name: 'Maré Alta',
    genre: 'jazz',
    description: 'High tide, brushed drums.',
    priceEur: '1.29',
    durationSeconds: 80,
    sound: { tempo: 100, root: 58, scale: 'dorian', drums: 0.5, lead: 'sine' },
  },
  {
    artist: 'Sol Ferreira',
    name: 'Café às Seis',
    genre: 'jazz',
    description: 'Six o’clock coffee.',
    priceEur: '0.99',
    durationSeconds: 65,
    sound: { tempo: 88, root: 63, scale: 'major', drums: 0.4, lead: 'square' },
  },
  {
    artist: 'Sol Ferreira',
    name: 'Ponte Velha',
    genre: 'world',
    description: 'An old bridge, a new tune.',
    priceEur: '1.49',
    durationSeconds: 72,
    sound: { tempo: 104, root: 56, scale: 'pentatonic', drums: 0.7, lead: 'sine' },
  },
];

export const RELEASES: DemoRelease[] = [
  {
    artist: 'Nightowl Collective',
    title: 'Night Transit',
    type: 'album',
    description: 'Eight tracks for the ride home after the city goes quiet.',
    credits: 'Written and produced by Nightowl Collective. Mastered at Platform Studio.',
    releaseDate: '2025-11-07',
    priceEur: '6.00',
    offer: {
      commercialPrice: '40.00',
      commercialTerms: 'Use in one film, video, game or podcast, worldwide, with credit to Nightowl Collective.',
      streamingPrice: '1.00',
      streamingDays: 30,
    },
    tags: ['synthwave', 'night', 'instrumental'],
    tracks: [
      'Streetlight Static',
      'Afterhours Transit',
      'Platform Nine',
      'Tunnel Lights',
      'Empty Carriage',
      'Signal Failure',
      'Night Bus Home',
      'Terminus',
    ],
  },
  {
    artist: 'Marta Quell',
    title: 'Paper Boats EP',
    type: 'ep',
    description: 'Three songs recorded in one winter.',
    credits: 'Marta Quell: voice, guitar. Recorded at home.',
    releaseDate: '2025-02-14',
    priceEur: '3.00',
    offer: { priceModel: 'name_your_price', suggestedPrice: '5.00' },
    tags: ['folk', 'acoustic', 'singer-songwriter'],
    tracks: ['Paper Boats', 'Winter Orchard', 'Lighthouse Keeper'],
  },
  {
    artist: 'Iron Lantern',
    title: 'Forge of Dawn',
    type: 'single',
    description: 'The first single from the forge.',
    credits: 'Iron Lantern. Produced by the band.',
    releaseDate: '2024-09-01',
    priceEur: '1.49',
    tags: ['rock', 'riffs'],
    tracks: ['Forge of Dawn'],
  },
  {
    artist: 'Sol Ferreira',
    title: 'Maré Alta',
    type: 'single',
    description: 'High tide, brushed drums.',
    credits: 'Sol Ferreira: piano. Brushes: Ana Luz.',
    releaseDate: '2025-06-21',
    priceEur: '1.29',
    tags: ['jazz', 'piano'],
    tracks: ['Maré Alta'],
  },
];
