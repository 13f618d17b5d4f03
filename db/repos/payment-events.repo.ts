import type { Queryable } from '../pool';

export interface NewPaymentEvent {
  eventId: string;
  eventType: string;
  resourceId: string | null;
  payload: unknown;
}

/**
 * Stores a webhook event once. Returns 'new' for a first delivery, 'pending'
 * for a repeat of one whose handling never finished, and 'done' for a repeat
 * of a handled one.
 */
export async function recordPaymentEvent(db: Queryable, event: NewPaymentEvent): Promise<'new' | 'pending' | 'done'> {
  const inserted = await db.query(
    `INSERT INTO payment_events (provider, event_id, event_type, resource_id, payload) VALUES ('paypal', $1, $2, $3, $4)
     ON CONFLICT (provider, event_id) DO NOTHING`,
    [event.eventId, event.eventType, event.resourceId, JSON.stringify(event.payload)],
  );
  if (inserted.rowCount) return 'new';
  const { rows } = await db.query<{ processed_at: Date | null }>(
    `SELECT processed_at FROM payment_events WHERE provider = 'paypal' AND event_id = $1`,
    [event.eventId],
  );
  return rows[0]?.processed_at ? 'done' : 'pending';
}

export async function markPaymentEventProcessed(db: Queryable, eventId: string, now: Date): Promise<void> {
  await db.query(`UPDATE payment_events SET processed_at = $2 WHERE provider = 'paypal' AND event_id = $1`, [eventId, now]);
}
