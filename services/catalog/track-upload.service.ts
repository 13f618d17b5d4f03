import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { deleteTrackRow, insertTrack, type Track, type TrackLicense } from '../../db/repos/tracks.repo';
import { appendToRelease, checkReleaseWritable } from './releases.service';
import { findUserById } from '../../db/repos/users.repo';

import { requireRole, type Actor } from '../actor';
import { isTruncated } from '../audio/audio-check';
import { mp4Content } from '../audio/mp4-boxes';
import { readBytes } from '../audio/read-bytes';
import { AUDIO_EXT, AUDIO_MIME, sniffAudio, type AudioFormat } from '../audio/audio-sniff';
import { id3v2Size } from '../audio/mp3-frames';
import { probeAudio, type AudioProbe } from '../audio/probe';
import type { ServiceDeps } from '../deps';
import { publicName } from '../users.service';
import { randomKey, storeCover, storeTrackPreview } from './track-files';
import { fail, userNotFound } from '../../lib/errors';
import { applyOfferInput, defaultOffer, type OfferInput } from '../pricing/offer';
import { prepareStreamingRendition } from '../renditions/streaming-rendition';
import { prepareWaveform } from './waveform.service';

export interface TrackFields {
  name: string;
  genre?: string | null;
  description?: string | null;
  /** The price model and license offers (the API's names). */
  offer?: OfferInput;
  freePreviewDuration: number;
  lyrics?: string | null;
  isrc?: string | null;
  credits?: string | null;
  license?: TrackLicense;
  tags?: string[];
}

/** music-metadata's container name for each format we accept: the probe must agree with the sniffing. */
const CONTAINERS: Record<AudioFormat, RegExp> = {
  mp3: /^MPEG$/,
  flac: /^FLAC$/,
  'ogg-vorbis': /^Ogg$/,
  'ogg-opus': /^Ogg$/,
  wav: /^WAVE$/,
  aiff: /^AIFF(-C)?$/,
  aac: /^(M4A|M4B|isom|iso\d|mp4\d)\b/,
  alac: /^(M4A|M4B|isom|iso\d|mp4\d)\b/,
};

/** Which codec an MPEG-4 file holds, by its own boxes: one sound track of AAC or ALAC and nothing else, or refused. */
async function mp4Format(file: string, size: number): Promise<AudioFormat> {
  const content = await mp4Content(file, size);
  if (!content) throw fail('audio_unreadable', { message: 'The MPEG-4 file has no readable movie header.' });
  const refuse = (what: string) =>
    fail('unsupported_audio_format', { message: `This MPEG-4 file holds ${what}; an MPEG-4 upload must be one AAC or ALAC track.` });
  if (content.other.length > 0) throw refuse(`more than sound (${content.other.join(', ')} tracks)`);
  if (content.sound.length !== 1) throw refuse(`${content.sound.length} sound tracks`);
  const codec = content.sound[0]!;
  if (codec !== 'aac' && codec !== 'alac') throw refuse(codec);
  return codec;
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** The longest track accepted (a whole DJ set fits; a header claiming days does not). */
export const MAX_TRACK_SECONDS = 6 * 3600;
/** Sample rates real audio uses: telephone quality up to 768 kHz studio masters. */
const SAMPLE_RATES = { min: 8_000, max: 768_000 };
/**
 * The fewest bits per second of real audio in each format, below any
 * encoder's lowest setting: a file whose size and declared length imply less
 * is lying about its length. FLAC of pure digital silence compresses to
 * about 1.5 kbit/s at 44.1 kHz stereo, so its floor is lower still.
 */
const MIN_BITS_PER_SECOND: Record<AudioFormat, number> = {
  mp3: 6_000,
  'ogg-vorbis': 6_000,
  'ogg-opus': 4_000,
  aac: 6_000,
  flac: 500,
  alac: 500,
  wav: 64_000,
  aiff: 64_000,
};

/**
 * Why the declared duration, sample rate and the file's size cannot all be
 * true (a 1 Hz FLAC, an Ogg whose last granule claims centuries), or
 * undefined when they can.
 */
export function implausibility(
  format: AudioFormat,
  probe: Pick<AudioProbe, 'duration' | 'sampleRate'>,
  sizeBytes: number,
): string | undefined {
  const seconds = probe.duration ?? 0;
  if (seconds > MAX_TRACK_SECONDS) return `it claims ${Math.round(seconds)} seconds (at most ${MAX_TRACK_SECONDS} are accepted)`;
  if (probe.sampleRate !== null && (probe.sampleRate < SAMPLE_RATES.min || probe.sampleRate > SAMPLE_RATES.max)) {
    return `a sample rate of ${probe.sampleRate} Hz is not real audio`;
  }
  const bitsPerSecond = (sizeBytes * 8) / seconds;
  if (bitsPerSecond < MIN_BITS_PER_SECOND[format]) return `${sizeBytes} bytes cannot hold ${Math.round(seconds)} seconds of ${format}`;
  return undefined;
}

/**
 * Decides what an uploaded file is from its bytes, then checks it whole:
 * recognised format, not empty, not cut short, readable by the probe, the
 * probe agrees with the sniffing (an MPEG-4 file holds one AAC or ALAC
 * track, by its own boxes; an AIFF is uncompressed), and the declared length and sample rate are
 * possible for the file's size.
 */
export async function inspectAudio(
  file: string,
): Promise<{ format: AudioFormat; probe: AudioProbe & { duration: number }; sizeBytes: number }> {
  const { size } = await fs.promises.stat(file);
  if (size === 0) throw fail('empty_file');
  let head = await readBytes(file, 0, 256 * 1024);
  const tag = id3v2Size(head);
  if (tag > head.length - 1024) head = await readBytes(file, 0, tag + 64 * 1024); // a long ID3 tag before MP3 audio
  const sniffed = sniffAudio(head);
  if ('unsupported' in sniffed) throw fail('not_audio');
  if (await isTruncated(sniffed.format, file, size, head)) {
    throw fail('audio_truncated');
  }
  const format = sniffed.format === 'mp4' ? await mp4Format(file, size) : sniffed.format;
  let probe: AudioProbe;
  try {
    probe = await probeAudio(file);
  } catch {
    throw fail('audio_unreadable');
  }
  if (format === 'aiff' && probe.lossless === false) {
    throw fail('unsupported_audio_format', { message: 'Compressed AIFF-C is not accepted; upload uncompressed AIFF, WAV or FLAC.' });
  }
  if (!probe.container || !CONTAINERS[format].test(probe.container)) {
    throw fail('audio_type_mismatch');
  }
  if (!probe.duration || !Number.isFinite(probe.duration) || probe.duration <= 0) {
    throw fail('audio_unreadable', { message: 'The audio has no playable length.' });
  }
  const impossible = implausibility(format, probe, size);
  if (impossible) throw fail('audio_unreadable', { message: `The audio's header does not match the file: ${impossible}.` });
  return { format, probe: { ...probe, duration: probe.duration }, sizeBytes: size };
}

/**
 * An artist's (or admin's) upload: checks the audio, cuts its preview, stores
 * audio, preview and cover under random keys, and records the track
 * unpublished — or, given a release of the artist's, at the end of it.
 * Duration and size come from the file, never from the client.
 * On any failure everything stored so far is removed; the caller removes the
 * uploaded temporary files.
 */
export async function createTrack(
  deps: ServiceDeps,
  actor: Actor | undefined,
  input: { fields: TrackFields; audioPath: string; coverPath?: string; releaseId?: number },
): Promise<Track> {
  const me = requireRole(actor, 'artist', 'admin');
  const owner = await findUserById(deps.db, me.userId);
  if (!owner) throw userNotFound();
  if (input.releaseId !== undefined) await checkReleaseWritable(deps, me, input.releaseId);
  const { offer: offerInput, ...fields } = input.fields;
  const offer = applyOfferInput(defaultOffer('track', deps.config.currency), offerInput ?? {}, deps.config);
  const { format, probe, sizeBytes } = await inspectAudio(input.audioPath);

  const stored: string[] = [];
  try {
    const preview = await storeTrackPreview(
      deps,
      {
        format,
        sizeBytes,
        durationSeconds: probe.duration,
        readPrefix: (bytes) => readBytes(input.audioPath, 0, bytes),
        wholeFile: async () => input.audioPath,
      },
      fields.freePreviewDuration,
    );
    if (preview) stored.push(preview.key);
    const cover = input.coverPath ? await storeCover(deps, input.coverPath) : undefined;
    if (cover) stored.push(cover.key);
    const audioSha256 = await sha256Of(input.audioPath);
    const audioKey = randomKey('audio', AUDIO_EXT[format]);
    await deps.storage.putFile(audioKey, input.audioPath);
    stored.push(audioKey);

    const track = await insertTrack(deps.db, {
      ...fields,
      ...offer,
      artist: publicName(owner).slice(0, 100),
      artistUserId: owner.id,
      audioFilename: audioKey,
      durationSeconds: Math.round(probe.duration),
      fileSizeBytes: sizeBytes,
      isPublished: false,
      audioSha256,
      audioMime: AUDIO_MIME[format],
      audioFormat: format,
      codec: probe.codec,
      bitrate: probe.bitrate === null ? null : Math.round(probe.bitrate),
      sampleRate: probe.sampleRate,
      channels: probe.channels,
      previewFilename: preview?.key ?? null,
      previewSeconds: preview?.seconds ?? null,
      previewSizeBytes: preview?.sizeBytes ?? null,
      previewMime: preview?.mime ?? null,
      coverFilename: cover?.key ?? null,
      coverMime: cover?.mime ?? null,
    });
    let placed = track;
    if (input.releaseId !== undefined) {
      try {
        placed = await appendToRelease(deps, me, input.releaseId, track);
      } catch (err) {
        await deleteTrackRow(deps.db, track.id); // the release went away meanwhile: the upload leaves nothing
        throw err;
      }
    }
    // Its first listeners should get the streaming rendition (not the whole master) and the waveform: made now, in the background.
    await prepareStreamingRendition(deps, placed);
    await prepareWaveform(deps, placed);
    return placed;
  } catch (err) {
    await Promise.all(stored.map((key) => deps.storage.remove(key).catch(() => undefined)));
    throw err;
  }
}
