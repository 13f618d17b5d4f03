import type { Tx } from '../../db/pool';
import { disableOrderGiftCodes, insertDownloadCodes, listOrderGiftCodes } from '../../db/repos/download-codes.repo';
import { findOrder, listOrderItems, type Order } from '../../db/repos/orders.repo';
import { revokeCodePurchases } from '../../db/repos/purchases.repo';
import { findUserById } from '../../db/repos/users.repo';
import type { ServiceDeps } from '../deps';
import { giftMail } from '../mail/gift.mail';
import { sendOnce } from '../mail/send-once';
import { publicName } from '../users.service';
import { codeHash, newCode, normaliseCode, sealerFor } from './code-words';

/**
 * Gifts: an order paid for someone else. When it completes, each line
 * becomes a one-time claim code (a download code naming the order and the
 * recipient), and the recipient gets a mail with a claim link per item
 * (/redeem?code=…). The buyer sees which were claimed. Refunding the order
 * switches unclaimed codes off and revokes what claimed ones granted.
 */

/** Makes the claim codes of a gift order that just completed (call in that transaction). */
export async function issueGiftCodes(tx: Tx, order: Order): Promise<void> {
  const items = await listOrderItems(tx, [order.id]);
  const sealer = sealerFor(tx);
  const codes = items.map(() => newCode());
  await insertDownloadCodes(
    tx,
    await Promise.all(
      items.map(async (item, i) => ({
        codeHash: codeHash(normaliseCode(codes[i]!)!),
        codeSealed: await sealer.seal(codes[i]!),
        artistUserId: item.artistUserId,
        trackId: item.trackId,
        releaseId: item.releaseId,
        orderId: order.id,
        recipientEmail: order.giftEmail!,
        giftMessage: order.giftMessage,
      })),
    ),
  );
}

/** Sends the recipient their claim links (after the completing transaction has committed). */
export async function sendGiftMail(deps: Pick<ServiceDeps, 'db' | 'mailer' | 'config'>, orderId: number): Promise<void> {
  const order = await findOrder(deps.db, orderId);
  if (!order?.giftEmail || order.status !== 'COMPLETED') return;
  // Once per order, however often the job runs (a retry after a lost answer from the mail server).
  const to = order.giftEmail;
  await sendOnce(deps, `gift:${orderId}`, () => giftMessage(deps, order, to));
}

/** The gift mail to `to`: a claim link per code of the order. */
async function giftMessage(deps: Pick<ServiceDeps, 'db' | 'config'>, order: Order, to: string) {
  const orderId = order.id;
  const [items, codes, buyer] = await Promise.all([
    listOrderItems(deps.db, [orderId]),
    listOrderGiftCodes(deps.db, [orderId]),
    findUserById(deps.db, order.userId),
  ]);
  const sealer = sealerFor(deps.db);
  const lines = await Promise.all(
    codes.map(async (code) => {
      const item = items.find((i) => (code.releaseId !== null ? i.releaseId === code.releaseId : i.trackId === code.trackId));
      const link = `${deps.config.appOrigin}/redeem?code=${encodeURIComponent(await sealer.open(code.codeSealed))}`;
      return { title: item ? `${item.artist} – ${item.title}` : 'Your gift', link };
    }),
  );
  const from = buyer ? publicName(buyer) : 'Someone';
  return giftMail(to, { from, message: order.giftMessage, lines });
}

/** A refunded gift: unclaimed codes stop working, claimed ones' grants are revoked. */
export async function revokeGift(tx: Tx, orderId: number, now: Date): Promise<void> {
  const codeIds = await disableOrderGiftCodes(tx, orderId, now);
  if (codeIds.length) await revokeCodePurchases(tx, codeIds, now);
}

export interface GiftStatus {
  email: string;
  items: { trackId: number | null; releaseId: number | null; claimedAt: Date | null; revoked: boolean }[];
}

/** What a gift's buyer sees: where it went and which items were claimed. */
export async function giftStatusOf(deps: Pick<ServiceDeps, 'db'>, order: Order): Promise<GiftStatus | null> {
  if (!order.giftEmail) return null;
  const codes = await listOrderGiftCodes(deps.db, [order.id]);
  return {
    email: order.giftEmail,
    items: codes.map((c) => ({ trackId: c.trackId, releaseId: c.releaseId, claimedAt: c.redeemedAt, revoked: c.disabledAt !== null })),
  };
}
