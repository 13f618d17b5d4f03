import { camelColumns } from '../columns';
import { firstRow, type Queryable } from '../pool';

export interface Waveform {
  trackId: number;
  /** The checksum of the master the peaks were computed from. */
  master: string;
  peaks: Buffer;
  createdAt: Date;
}

const COLUMNS = camelColumns('track_id, master, peaks, created_at');

export function findWaveform(db: Queryable, trackId: number): Promise<Waveform | undefined> {
  return firstRow<Waveform>(db, `SELECT ${COLUMNS} FROM waveforms WHERE track_id = $1`, [trackId]);
}

/** Records a track's waveform, replacing one of another master (the same master's is kept as it is). */
export async function saveWaveform(db: Queryable, trackId: number, master: string, peaks: Uint8Array): Promise<void> {
  await db.query(
    `INSERT INTO waveforms (track_id, master, peaks) VALUES ($1, $2, $3)
     ON CONFLICT (track_id) DO UPDATE SET master = EXCLUDED.master, peaks = EXCLUDED.peaks, created_at = CURRENT_TIMESTAMP
       WHERE waveforms.master <> EXCLUDED.master`,
    [trackId, master, Buffer.from(peaks)],
  );
}
