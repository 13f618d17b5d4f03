import { ledgerEntriesBetween, saleEntriesOf, type LedgerEntry } from '../../db/repos/ledger.repo';
import { findOrder } from '../../db/repos/orders.repo';
import { artistsMailedAs } from '../../db/repos/sent-mail.repo';
import { findUserById } from '../../db/repos/users.repo';
import { formatMinorIn } from '../../lib/money';
import type { ServiceDeps } from '../deps';
import { blockMail, type Block } from '../mail/block.mail';
import { sendOnce } from '../mail/send-once';

/**
 * Mail about money, sent by jobs: a receipt for every completed order, a
 * notice of its refund, each artist's notice of a sale (or a daily digest,
 * as they chose) and of each payout. Each mail has a key and is sent once
 * (sendOnce: claimed before sending, given back when the mail server refuses).
 */

type Deps = Pick<ServiceDeps, 'db' | 'mailer' | 'config' | 'clock'>;

const money = (minor: number, currency: string) => `${formatMinorIn(minor, currency)} ${currency}`;
const sum = (entries: LedgerEntry[], pick: (e: LedgerEntry) => number) => entries.reduce((a, e) => a + pick(e), 0);
const LICENSES: Record<string, string> = { personal: 'personal use', commercial: 'commercial license', streaming: 'streaming pass' };

function itemRows(entries: LedgerEntry[]): [string, string][] {
  return entries.map((e) => {
    const discount = e.discountMinor > 0 ? `, ${e.discountCode ?? 'code'} −${money(e.discountMinor, e.currency)}` : '';
    return [`${e.itemTitle} (${LICENSES[e.licenseType] ?? e.licenseType}${discount})`, money(e.grossMinor, e.currency)];
  });
}

/** The buyer's receipt: each item with its license, price and discount; the total with the VAT in it; the order number; the library. */
export function sendReceipt(deps: Deps, orderId: number): Promise<void> {
  return sendOnce(deps, `receipt:${orderId}`, async () => {
    const order = await findOrder(deps.db, orderId);
    if (!order || order.status !== 'COMPLETED') return undefined;
    const [buyer, entries] = await Promise.all([findUserById(deps.db, order.userId), saleEntriesOf(deps.db, orderId)]);
    if (!buyer || entries.length === 0) return undefined;
    const currency = entries[0]!.currency;
    const tax = sum(entries, (e) => e.taxMinor);
    const blocks: Block[] = [
      { p: `Thank you for your order #${order.id} (${order.invoiceId}) on ${order.completedAt?.toISOString().slice(0, 10)}.` },
      {
        rows: [
          ...itemRows(entries),
          [
            'Total',
            money(
              sum(entries, (e) => e.grossMinor),
              currency,
            ),
          ],
          ...(tax > 0
            ? ([[`of which VAT (${entries[0]!.taxCountry} ${entries[0]!.taxRateBp / 100} %)`, money(tax, currency)]] as [string, string][])
            : []),
        ],
      },
      { p: `Paid with PayPal, transaction ${order.transactionId}.` },
      order.giftEmail
        ? { p: `This was a gift: ${order.giftEmail} has been sent the links to claim it.` }
        : { link: { href: `${deps.config.appOrigin}/library`, text: 'Your library (stream and download what you bought)' } },
    ];
    return blockMail(buyer.email, `Your Song-Nexus receipt for order #${order.id}`, blocks);
  });
}

/** The buyer's notice that an order was refunded (and its music left their library). */
export function sendRefundNotice(deps: Deps, orderId: number): Promise<void> {
  return sendOnce(deps, `refund:${orderId}`, async () => {
    const order = await findOrder(deps.db, orderId);
    if (!order || order.status !== 'REFUNDED') return undefined;
    const [buyer, entries] = await Promise.all([findUserById(deps.db, order.userId), saleEntriesOf(deps.db, orderId)]);
    if (!buyer) return undefined;
    return blockMail(buyer.email, `Your Song-Nexus order #${order.id} was refunded`, [
      { p: `Order #${order.id} (${order.invoiceId}) was refunded to your PayPal account: ${order.amount} ${order.currency}.` },
      ...(entries.length ? [{ rows: itemRows(entries) }] : []),
      { p: 'These items are no longer in your library.' },
    ]);
  });
}

function artistRows(entries: LedgerEntry[]): [string, string][] {
  const currency = entries[0]!.currency;
  return [
    ...entries.map((e): [string, string] => [
      `${e.itemTitle} (${LICENSES[e.licenseType] ?? e.licenseType}${e.buyerCountry ? `, ${e.buyerCountry}` : ''})`,
      money(e.grossMinor, currency),
    ]),
    [
      'Your net after VAT and fees',
      money(
        sum(entries, (e) => e.artistNetMinor),
        currency,
      ),
    ],
  ];
}

/** Each artist with sales in the order who wants a mail per sale: what sold, and their net (never the buyer's address). */
export async function sendSaleNotices(deps: Deps, orderId: number): Promise<void> {
  const entries = await saleEntriesOf(deps.db, orderId);
  const artistIds = [...new Set(entries.flatMap((e) => (e.artistUserId === null ? [] : [e.artistUserId])))];
  if (artistIds.length === 0) return;
  for (const artist of await artistsMailedAs(deps.db, 'each', artistIds)) {
    const theirs = entries.filter((e) => e.artistUserId === artist.id);
    await sendOnce(deps, `sale:${orderId}:${artist.id}`, async () =>
      blockMail(artist.email, `You sold ${theirs.length === 1 ? `“${theirs[0]!.itemTitle}”` : `${theirs.length} items`} on Song-Nexus`, [
        { p: 'You have a sale:' },
        { rows: artistRows(theirs) },
        { link: { href: `${deps.config.appOrigin}/studio`, text: 'Your earnings in the studio' } },
      ]),
    );
  }
}

/** The daily digest for artists who chose it: yesterday's (UTC) sales and refunds; nothing when there were none. */
export async function sendSalesDigests(deps: Deps): Promise<void> {
  const today = new Date(deps.clock().toISOString().slice(0, 10));
  const yesterday = new Date(today.getTime() - 86_400_000);
  const day = yesterday.toISOString().slice(0, 10);
  for (const artist of await artistsMailedAs(deps.db, 'daily')) {
    const entries = await ledgerEntriesBetween(deps.db, { from: yesterday, to: today, artistUserId: artist.id });
    if (entries.length === 0) continue;
    await sendOnce(deps, `digest:${artist.id}:${day}`, async () =>
      blockMail(artist.email, `Your Song-Nexus sales on ${day}`, [
        {
          p: `${entries.filter((e) => e.entryKind === 'sale').length} sale(s) and ${entries.filter((e) => e.entryKind === 'refund').length} refund(s) on ${day}:`,
        },
        { rows: artistRows(entries) },
        { link: { href: `${deps.config.appOrigin}/studio`, text: 'Your earnings in the studio' } },
      ]),
    );
  }
}

const PAYOUT_WORDS: Record<string, { subject: string; p: string } | undefined> = {
  SUCCESS: { subject: 'Your Song-Nexus payout was sent', p: 'was sent to your PayPal account' },
  FAILED: {
    subject: 'Your Song-Nexus payout failed',
    p: 'could not be paid; the amount is back in your balance — check your PayPal address in the studio',
  },
  RETURNED: { subject: 'Your Song-Nexus payout came back', p: 'was not claimed and came back; the amount is in your balance again' },
  BLOCKED: { subject: 'Your Song-Nexus payout was blocked', p: 'was blocked by PayPal; the amount is back in your balance' },
};

/** The artist's notice of what became of a payout item (sent, failed, returned, blocked), once per item and state. */
export function sendPayoutNotice(
  deps: Deps,
  item: { senderItemId: string; artistUserId: number; paypalEmail: string; amountMinor: number; currency: string; status: string },
): Promise<void> {
  const words = PAYOUT_WORDS[item.status];
  if (!words) return Promise.resolve();
  return sendOnce(deps, `payout:${item.senderItemId}:${item.status}`, async () => {
    const artist = await findUserById(deps.db, item.artistUserId);
    if (!artist) return undefined;
    return blockMail(artist.email, words.subject, [
      { p: `Your payout of ${money(item.amountMinor, item.currency)} to ${item.paypalEmail} ${words.p}.` },
      { link: { href: `${deps.config.appOrigin}/studio`, text: 'Your earnings in the studio' } },
    ]);
  });
}
