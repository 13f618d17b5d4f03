import { grantWithoutPayment } from '../../db/repos/purchases.repo';
import { findReleaseById } from '../../db/repos/releases.repo';
import { findTrackById } from '../../db/repos/tracks.repo';
import { fail, releaseNotFound, trackNotFound } from '../../lib/errors';
import { toMinor } from '../../lib/money';
import { requireSignedIn, type Actor } from '../actor';
import type { ServiceDeps } from '../deps';
import { refuseOwnedWhole, type CodeItem } from './download-codes.service';

/**
 * Free music into a listener's library, with no payment: an item priced
 * free, or name-your-price with a minimum of 0 (paying for it is optional:
 * through the checkout with an amount). The purchase names no order and no
 * code; a personal license, like any other.
 */
export async function addFreeToLibrary(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'config'>,
  actor: Actor | undefined,
  item: CodeItem,
): Promise<{ granted: number }> {
  const me = requireSignedIn(actor);
  const found = item.kind === 'release' ? await findReleaseById(deps.db, item.id) : await findTrackById(deps.db, item.id);
  if (!found || !found.isPublished || found.isDeleted) throw item.kind === 'release' ? releaseNotFound() : trackNotFound();
  const free =
    found.priceModel === 'free' || (found.priceModel === 'name_your_price' && toMinor(found.priceEur, deps.config.currency) === 0);
  if (!free) throw fail('purchase_required', { message: 'This item is not free: buy it to add it to your library.' });
  const now = deps.clock();
  await refuseOwnedWhole(deps.db, me.userId, item, now);
  const granted = await grantWithoutPayment(deps.db, {
    userId: me.userId,
    ...(item.kind === 'release' ? { releaseId: item.id } : { trackId: item.id }),
    now,
  });
  return { granted };
}
