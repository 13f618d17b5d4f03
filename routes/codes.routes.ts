import { Router, type Request } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import type { ApiDiscountCode, ApiDownloadCode, ApiStore } from '../contract/api';
import { formatMinor } from '../lib/money';
import { csvText } from '../lib/csv';
import { parseInput } from '../lib/errors';
import { createLimiter, type RateLimitBackend } from '../server/middleware/rate-limit';
import type { DiscountCode } from '../db/repos/discount-codes.repo';
import { createDiscountCode, disableMyDiscountCode, listMyDiscountCodes } from '../services/pricing/discount-codes.service';
import {
  createDownloadCodes,
  disableMyDownloadCode,
  listDownloadCodes,
  MAX_CODES_PER_BATCH,
  redeemCode,
  type CodeItem,
  type IssuedCode,
} from '../services/pricing/download-codes.service';
import { addFreeToLibrary } from '../services/pricing/library.service';
import { price } from './catalog-fields';
import type { RouteDeps } from './deps';
import { pageQuery, presentPage, requestedPage } from './pagination';
import { idParam, instantField } from './request';
import { doc } from './api-doc';

const dbId = z.number().int().positive().max(2_147_483_647);
const itemBody = z.object({ kind: z.enum(['track', 'release']), id: dbId }).strict();
const redeemBody = z.object({ code: z.string().trim().min(1).max(40) }).strict();
const countBody = z.object({ count: z.number().int().min(1).max(MAX_CODES_PER_BATCH) }).strict();
const instant = instantField.nullable().optional();
const discountBody = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$/, 'must be 3–40 letters, digits, hyphens or underscores'),
    percentOff: z.number().int().min(1).max(100).optional(),
    amountOff: price.optional(),
    startsAt: instant,
    endsAt: instant,
    maxRedemptions: z.number().int().min(1).max(1_000_000).nullable().optional(),
    items: z.array(itemBody).max(200).optional(),
  })
  .strict();

function presentDiscountCode(code: DiscountCode): ApiDiscountCode {
  return {
    id: code.id,
    code: code.code,
    artistId: code.artistUserId,
    percentOff: code.percentOff,
    amountOff: code.amountOff,
    startsAt: code.startsAt?.toISOString() ?? null,
    endsAt: code.endsAt?.toISOString() ?? null,
    maxRedemptions: code.maxRedemptions,
    redemptions: code.redemptionCount,
    reserved: code.reservedCount,
    disabledAt: code.disabledAt?.toISOString() ?? null,
    createdAt: code.createdAt.toISOString(),
    trackIds: code.trackIds,
    releaseIds: code.releaseIds,
  };
}

const presentDownloadCode = (code: IssuedCode): ApiDownloadCode => ({
  id: code.id,
  code: code.code,
  createdAt: code.createdAt.toISOString(),
  redeemedAt: code.redeemedAt?.toISOString() ?? null,
  disabledAt: code.disabledAt?.toISOString() ?? null,
});

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */

/** The store's selling settings, free items into the library, redeeming codes, and the studio's discount and download codes. */
export function codeRoutes(deps: RouteDeps, limits: RateLimitBackend): Router {
  const router = Router();
  const { currency, priceMaximumMinor } = deps.config;

  router.get('/api/store', doc({ summary: "The store's currency, price limits and settings", access: 'anyone' }), (_req, res) => {
    const store: ApiStore = {
      currency: currency.code,
      decimals: currency.decimals,
      priceMaximum: formatMinor(priceMaximumMinor, currency),
    };
    res.json(store);
  });

  router.post(
    '/api/library',
    doc({ summary: 'Add a free track or release to my library', access: 'signed in', body: itemBody }),
    async (req, res) => {
      const item = parseInput(itemBody, req.body, 'body');
      res.status(201).json(await addFreeToLibrary(deps, req.actor, item));
    },
  );

  // A code is a secret worth guessing: wrong ones are counted per account and per address, successes are not.
  const wrongGuesses = (name: string, limit: number, key: (req: Request) => string) =>
    createLimiter(limits, {
      name,
      whenDown: 'refuse',
      windowMs: 15 * 60_000,
      limit,
      failuresOnly: true,
      keyGenerator: key,
      message: 'Too many wrong codes. Try again in a quarter of an hour.',
    });
  const perAddress = wrongGuesses('redeem-ip', 50, (req) => ipKeyGenerator(req.ip ?? ''));
  const perAccount = wrongGuesses('redeem-user', 10, (req) => (req.actor ? `user:${req.actor.userId}` : ipKeyGenerator(req.ip ?? '')));
  router.post(
    '/api/redeem',
    doc({ summary: 'Redeem a download or gift code', access: 'signed in', body: redeemBody }),
    perAddress,
    perAccount,
    async (req, res) => {
      const { code } = parseInput(redeemBody, req.body, 'body');
      res.status(201).json({ redeemed: await redeemCode(deps, req.actor, code) });
    },
  );

  router.post(
    '/api/artist/codes',
    doc({ summary: 'Create a discount code', access: 'artist', body: discountBody, response: { status: 201 } }),
    async (req, res) => {
      const body = parseInput(discountBody, req.body, 'body');
      res.status(201).json({ code: presentDiscountCode(await createDiscountCode(deps, req.actor, body)) });
    },
  );

  router.get('/api/artist/codes', doc({ summary: 'My discount codes', access: 'artist', query: pageQuery }), async (req, res) => {
    const page = requestedPage(req, 50);
    const { codes, total } = await listMyDiscountCodes(deps, req.actor, page);
    res.set('Cache-Control', 'no-store').json({ codes: codes.map(presentDiscountCode), ...presentPage(page, total) });
  });

  router.delete(
    '/api/artist/codes/:id',
    doc({ summary: 'Switch a discount code off', access: 'artist', body: countBody }),
    async (req, res) => {
      res.json({ code: presentDiscountCode(await disableMyDiscountCode(deps, req.actor, idParam(req))) });
    },
  );

  for (const kind of ['release', 'track'] as const) {
    const item = (req: Request): CodeItem => ({ kind, id: idParam(req) });
    const access = 'artist';
    router.post(
      `/api/artist/${kind}s/:id/download-codes`,
      doc({ summary: `Make download codes for a ${kind}`, access, body: countBody }),
      async (req, res) => {
        const { count } = parseInput(countBody, req.body, 'body');
        const codes = await createDownloadCodes(deps, req.actor, item(req), count);
        res.status(201).json({ codes: codes.map(presentDownloadCode) });
      },
    );
    router.get(`/api/artist/${kind}s/:id/download-codes`, doc({ summary: `A ${kind}'s download codes`, access }), async (req, res) => {
      const codes = await listDownloadCodes(deps, req.actor, item(req));
      res.set('Cache-Control', 'no-store').json({ codes: codes.map(presentDownloadCode) });
    });
    const csv = { status: 200, contentType: 'text/csv' };
    router.get(
      `/api/artist/${kind}s/:id/download-codes.csv`,
      doc({ summary: `A ${kind}'s download codes, as CSV`, access, response: csv }),
      async (req, res) => {
        const codes = await listDownloadCodes(deps, req.actor, item(req));
        const rows = codes.map((c) =>
          [c.code, c.createdAt.toISOString(), c.redeemedAt?.toISOString() ?? '', c.disabledAt ? 'disabled' : ''].map(csvText).join(','),
        );
        res
          .set('Cache-Control', 'no-store')
          .type('text/csv; charset=utf-8')
          .attachment(`${kind}-${idParam(req)}-download-codes.csv`)
          .send(['code,created_at,redeemed_at,status', ...rows].join('\r\n') + '\r\n');
      },
    );
  }

  router.delete('/api/artist/download-codes/:id', doc({ summary: 'Switch a download code off', access: 'artist' }), async (req, res) => {
    await disableMyDownloadCode(deps, req.actor, idParam(req));
    res.status(204).end();
  });

  return router;
}
