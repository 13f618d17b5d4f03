import type { LicenseType } from '../../contract/api';
import type { DiscountCode } from '../../db/repos/discount-codes.repo';
import { findReleasesByIds, findTracksOfReleases } from '../../db/repos/releases.repo';
import { findTracksByIds } from '../../db/repos/tracks.repo';
import { fail } from '../../lib/errors';
import type { ServiceDeps } from '../deps';
import { discountFor } from '../pricing/discount-codes.service';
import { priceLine, type LinePrice } from '../pricing/line-price';
import { typedAmount } from '../pricing/offer';

/** Most lines (tracks and releases) in one order: PayPal's item list and our statement stay readable. */
export const MAX_ORDER_TRACKS = 50;

/** What a buyer puts in an order: a track or a whole release, its license, and for name-your-price what they pay. */
export interface CheckoutItem {
  kind: 'track' | 'release';
  id: number;
  /** Decimal string in the store currency; name-your-price items only. */
  amount?: string;
  license?: LicenseType;
}

export interface PricedLine extends LinePrice {
  trackId?: number;
  releaseId?: number;
  sku: string;
  name: string;
  discountCodeId: number | undefined;
  /** A commercial license's terms as they are now: the buyer keeps these. */
  licenseTerms: string | null;
}

export interface OrderLines {
  lines: PricedLine[];
  /** Each covered track, and the release line that covers it (undefined: a track line). */
  covered: Map<number, number | undefined>;
}

type Deps = Pick<ServiceDeps, 'db' | 'config'>;

/**
 * The order's lines, priced from the database by the pricing rules, and
 * every track they cover (release lines: the release's tracks now). Every
 * track must be published and not deleted, every release published with
 * tracks; none may be the buyer's own (unless it is a gift). A track whose
 * release is in the same order is bought with it (same license). A line
 * that would cost nothing is a free item: it goes to the library, not to
 * PayPal (422 track_free / release_free). A discount code must apply to at
 * least one line.
 */
export async function priceLines(
  deps: Deps,
  userId: number,
  wanted: CheckoutItem[],
  options: { code?: DiscountCode; gift: boolean },
): Promise<OrderLines> {
  const chosen = new Map<string, CheckoutItem>();
  for (const item of wanted) if (!chosen.has(`${item.kind}:${item.id}`)) chosen.set(`${item.kind}:${item.id}`, item);
  const ids = (kind: CheckoutItem['kind']) =>
    [...chosen.values()]
      .filter((w) => w.kind === kind)
      .map((w) => w.id)
      .sort((a, b) => a - b);
  const licenseOf = (kind: CheckoutItem['kind'], id: number): LicenseType => chosen.get(`${kind}:${id}`)?.license ?? 'personal';

  const releaseIds = ids('release');
  const releases = await findReleasesByIds(deps.db, releaseIds);
  const members = await findTracksOfReleases(deps.db, releaseIds);
  const unavailableReleases = releaseIds.filter((id) => {
    const r = releases.find((release) => release.id === id);
    return !r || !r.isPublished || r.isDeleted || r.trackCount === 0;
  });
  if (unavailableReleases.length) throw fail('release_unavailable', { details: { releaseIds: unavailableReleases } });
  if (!options.gift && releases.some((r) => r.artistUserId === userId)) throw fail('already_owned');

  const inRelease = (id: number) => members.find((m) => m.id === id);
  for (const id of ids('track')) {
    const member = inRelease(id);
    if (member && licenseOf('track', id) !== licenseOf('release', member.releaseId!))
      throw fail('invalid_value', { message: 'A track and its release in one order take the same license.' });
  }
  const trackIds = ids('track').filter((id) => !inRelease(id));
  const tracks = await findTracksByIds(deps.db, trackIds);
  const unavailable = trackIds.filter((id) => !tracks.some((t) => t.id === id && t.isPublished && !t.isDeleted));
  if (unavailable.length) throw fail('track_unavailable', { details: { trackIds: unavailable } });
  if (!options.gift && tracks.some((t) => t.artistUserId === userId)) throw fail('already_owned');
  if (releaseIds.length + trackIds.length > MAX_ORDER_TRACKS)
    throw fail('invalid_value', { message: `An order holds at most ${MAX_ORDER_TRACKS} items.` });

  const discounted = (kind: CheckoutItem['kind'], item: { id: number; artistUserId: number | null }) =>
    options.code && discountFor(options.code, { kind, id: item.id, artistUserId: item.artistUserId }, deps.config.currency);
  // A code that takes nothing off anything here is the buyer's mistake, named before any price is checked.
  if (options.code && !releases.some((r) => discounted('release', r)) && !tracks.some((t) => discounted('track', t)))
    throw fail('discount_code_invalid');
  const price = (kind: CheckoutItem['kind'], item: Parameters<typeof priceLine>[0] & { id: number; artistUserId: number | null }) => {
    const choice = chosen.get(`${kind}:${item.id}`)!;
    if (options.gift && choice.license && choice.license !== 'personal')
      throw fail('invalid_value', { message: 'A gift is a personal license.' });
    const discount =
      options.code && discountFor(options.code, { kind, id: item.id, artistUserId: item.artistUserId }, deps.config.currency);
    const line = priceLine(item, { license: choice.license ?? 'personal', amountMinor: amountOf(deps, choice) }, discount, deps.config);
    return {
      ...line,
      discountCodeId: discount && line.discountMinor > 0 ? options.code!.id : undefined,
      licenseTerms: line.license === 'commercial' ? item.commercialTerms : null,
    };
  };
  const lines: PricedLine[] = [
    ...releases.map((r) => ({
      releaseId: r.id,
      sku: `release-${r.id}`,
      name: `${r.artistName ?? ''} – ${r.title}`,
      ...price('release', r),
    })),
    ...tracks.map((t) => ({ trackId: t.id, sku: `track-${t.id}`, name: `${t.artist} – ${t.name}`, ...price('track', t) })),
  ];
  const free = lines.filter((l) => l.minimumMinor === 0 && l.priceMinor === 0);
  if (free.some((l) => l.releaseId !== undefined))
    throw fail('release_free', { details: { releaseIds: free.flatMap((l) => l.releaseId ?? []) } });
  if (free.length) throw fail('track_free', { details: { trackIds: free.flatMap((l) => l.trackId ?? []) } });
  if (lines.every((l) => l.priceMinor === 0))
    throw fail('invalid_value', { message: 'Nothing in this order costs anything: there is nothing to pay.' });

  const covered = new Map<number, number | undefined>([
    ...members.map((m) => [m.id, m.releaseId!] as const),
    ...tracks.map((t) => [t.id, undefined] as const),
  ]);
  return { lines, covered };
}

/** The buyer's amount in minor units; 400 when it is not an amount in the store currency. */
const amountOf = (deps: Deps, item: CheckoutItem) =>
  item.amount === undefined ? undefined : typedAmount(item.amount, 'amount', deps.config.currency);
