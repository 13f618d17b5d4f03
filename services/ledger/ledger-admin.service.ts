import { withTransaction } from '../../db/pool';
import { insertTaxRate, listTaxRates, setPlatformFeeBp, type TaxRate } from '../../db/repos/ledger.repo';
import { saleMailOf, setSaleMail } from '../../db/repos/sent-mail.repo';
import { fail } from '../../lib/errors';
import { requireRole, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';

/** What admins set for the ledger: one artist's platform fee, and the VAT rates (added from a date, never changed). */

type Deps = Pick<ServiceDeps, 'db' | 'clock'>;

/** PUT /api/admin/artists/:id/platform-fee: basis points, or null for the store's PLATFORM_FEE_PERCENT. Applies to sales from now on. */
export async function setArtistPlatformFee(deps: Deps, actor: Actor | undefined, artistUserId: number, bp: number | null): Promise<void> {
  requireRole(actor, 'admin');
  if (!(await setPlatformFeeBp(deps.db, artistUserId, bp))) throw fail('artist_not_found');
}

export async function taxRates(deps: Deps, actor: Actor | undefined): Promise<TaxRate[]> {
  requireRole(actor, 'admin');
  return listTaxRates(deps.db);
}

/** A new rate for a country from a date (today or later: a past sale keeps the rate it was recorded with). */
export async function addTaxRate(
  deps: Deps,
  actor: Actor | undefined,
  rate: { country: string; rateBp: number; validFrom: string; note: string | null },
): Promise<void> {
  const me = requireRole(actor, 'admin');
  if (rate.validFrom < deps.clock().toISOString().slice(0, 10))
    throw fail('invalid_value', { message: 'A rate applies from today or a later day; past sales keep the rate they were recorded with.' });
  await withTransaction(deps.db, async (tx) => {
    if (!(await insertTaxRate(tx, { ...rate, createdBy: me.userId })))
      throw fail('already_exists', { message: `${rate.country} has a rate from ${rate.validFrom} already.` });
    await recordAudit(tx, me, 'tax_rate.added', { type: 'tax_rate', id: rate.country }, { rateBp: rate.rateBp, validFrom: rate.validFrom });
  });
}

/** GET/PUT /api/artist/mail-settings: how an artist hears of sales — a mail per order, a daily digest, or none. */
export async function mySaleMail(deps: Deps, actor: Actor | undefined): Promise<'each' | 'daily' | 'off'> {
  const me = requireRole(actor, 'artist', 'admin');
  return (await saleMailOf(deps.db, me.userId)) ?? 'each';
}

export async function setMySaleMail(deps: Deps, actor: Actor | undefined, mode: 'each' | 'daily' | 'off'): Promise<void> {
  const me = requireRole(actor, 'artist', 'admin');
  await setSaleMail(deps.db, me.userId, mode);
}
