import express from 'express';
import helmet from 'helmet';
import { CATALOG_WRITE_PATHS, flushOnWrite, PURCHASE_WRITE_PATHS } from './middleware/flush-on-write';
import { adminUsersRoutes } from '../routes/admin-users.routes';
import { auditRoutes } from '../routes/audit.routes';
import { authRoutes } from '../routes/auth.routes';
import { healthRoutes } from '../routes/health.routes';
import { meRoutes } from '../routes/me.routes';
import { accountRoutes } from '../routes/account.routes';
import { pageRoutes } from '../routes/pages.routes';
import { themeRoutes } from '../routes/theme.routes';
import { artistReleaseRoutes } from '../routes/artist-releases.routes';
import { artistTrackRoutes } from '../routes/artist-tracks.routes';
import { catalogRoutes } from '../routes/catalog.routes';
import { earlyCatalogAnswers } from '../routes/catalog-response';
import { releaseRoutes } from '../routes/releases.routes';
import { streamRoutes } from '../routes/stream.routes';
import { playRoutes } from '../routes/plays.routes';
import { statisticsRoutes } from '../routes/statistics.routes';
import { checkoutRoutes } from '../routes/checkout.routes';
import { releaseDownloadRoutes } from '../routes/release-download.routes';
import { releaseExtrasRoutes } from '../routes/release-extras.routes';
import { earningsRoutes } from '../routes/earnings.routes';
import { payoutSettingsRoutes } from '../routes/payout-settings.routes';
import { codeRoutes } from '../routes/codes.routes';
import { orderRoutes } from '../routes/orders.routes';
import { webhookRoutes } from '../routes/webhooks.routes';
import { requireRole, requireSignedIn } from '../services/actor';
import type { RouteDeps } from '../routes/deps';
import { OutboxMailer } from '../services/mail/outbox.mailer';
import type { Logger } from '../lib/logger';
import { requestDeadline } from './middleware/deadline';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { createLimiter, type RateLimitBackend } from './middleware/rate-limit';
import { requestContext } from './middleware/request-context';
import { sameOrigin } from './middleware/same-origin';
import { loadSession } from './middleware/session';
import { publicDir } from '../lib/paths';
import type { StoreMetrics } from './metrics';
import type { PaymentCredentials } from '../services/payments/credential-check';
import { metricsRoutes } from './metrics-exposure';
import { apiDocsRoutes } from '../routes/api-docs.routes';
import { buildInfo } from '../lib/version';
import { sessionCookieName } from './cookies';

/**
 * Everything the application works with, complete (server/compose.ts builds
 * it): createApp starts nothing and builds nothing of its own.
 */
export interface AppDeps extends RouteDeps {
  logger: Logger;
  /** Where rate-limit counters live: memory, or Redis when REDIS_URL is set. */
  rateLimits: RateLimitBackend;
  /** Prometheus metrics, when METRICS_TOKEN or METRICS_PORT turns them on. */
  metrics?: StoreMetrics;
  /** Whether PayPal accepted the store's credentials (checked at start; /readyz reports it). */
  paymentCredentials?: PaymentCredentials;
}

/** The audio routes, whose many range requests per playback may use the access cache. */
const AUDIO_ROUTE = /^\/api\/tracks\/\d+\/(stream|download)$/;
/** What streamRoutes answers: mounted right after the rate limit (see createApp). */
const LISTENING_ROUTE = /^\/api\/tracks\/\d+\/(stream|download|formats)$/;

/** What healthRoutes and metricsRoutes answer. */
const HEALTH_ROUTE = /^\/(healthz|readyz|api\/version)\/?$/i;
const METRICS_ROUTE = /^\/metrics\/?$/i;

/**
 * `handler` (a router) for the paths `route` matches; every other request
 * passes by without entering it (a router entered costs each request that
 * passes through it: a playback's range requests pass many).
 */
const only =
  (route: RegExp, handler: express.RequestHandler): express.RequestHandler =>
  (req, res, next) =>
    route.test(req.path) ? handler(req, res, next) : next();

/** Paths whose POSTs come from other sites by design and carry their own signatures. */
const CROSS_ORIGIN_EXEMPT = ['/api/webhooks/'];

/** Builds the express application without listening, so tests can drive it with supertest. */
export function createApp(deps: AppDeps): express.Express {
  const { config, db, logger, rateLimits, mailer } = deps;
  const services: RouteDeps = deps;
  const app = express();
  // Every router of the API, for its description (GET /api/openapi.json).
  const documented: express.Router[] = [];
  const mount = (router: express.Router) => (documented.push(router), router);
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);

  app.use(requestContext(logger, deps.metrics?.observe));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:', ...config.themeImageHosts],
          // With DELIVERY=s3 the audio element follows a redirect to the bucket's presigned URLs.
          mediaSrc: ["'self'", 'blob:', ...config.delivery.mediaOrigins],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Only where the store is served over https; in development it would
          // upgrade http://localhost requests to an https that does not exist.
          upgradeInsecureRequests: config.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: config.isProduction,
    }),
  );

  app.use(requestDeadline(config.requestTimeoutMs));
  const paypal = deps.paymentCredentials;
  const health = healthRoutes({ db, storage: deps.storage, counters: rateLimits.check, payments: paypal && (() => paypal.healthy()) });
  app.use(only(HEALTH_ROUTE, mount(health)));
  if (deps.metrics && config.metrics.token) app.use(only(METRICS_ROUTE, mount(metricsRoutes(deps.metrics, config.metrics.token))));
  app.use(sameOrigin(config.appOrigin, CROSS_ORIGIN_EXEMPT));
  app.use(
    '/api',
    createLimiter(rateLimits, { name: 'api', windowMs: config.rateLimit.windowMs, limit: config.rateLimit.max, whenDown: 'allow' }),
  );
  // Listening is most of the requests a store answers (a playback is many range requests), and
  // reads no body: its routes come first, with their own session lookup, so a range request
  // passes no body parser, file lookup or other router. Every rule above still applies.
  // Only there may the session come from the access cache (a playback is many range requests).
  const listeningSession = loadSession(services, {
    cacheFor: (req) => (req.method === 'GET' || req.method === 'HEAD') && AUDIO_ROUTE.test(req.path),
  });
  app.use(only(LISTENING_ROUTE, mount(streamRoutes(services, [listeningSession]))));
  app.use(CATALOG_WRITE_PATHS, flushOnWrite([deps.listingCounts, deps.listingResponses]));
  app.use(PURCHASE_WRITE_PATHS, flushOnWrite([deps.accessCache]));
  // A repeated anonymous storefront read, answered from memory before the rest of the stack.
  app.use(earlyCatalogAnswers(services));
  app.use(mount(webhookRoutes(services)));
  app.use(express.json({ limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  // Public files need no session: serve them before the session lookup. API
  // paths are never files, so they skip the file-system lookup altogether.
  const publicFiles = express.static(publicDir, { index: 'index.html', dotfiles: 'ignore', fallthrough: true });
  app.use((req, res, next) => (req.path.startsWith('/api/') ? next() : publicFiles(req, res, next)));
  app.use(loadSession(services));

  // Whole areas are refused before any input is read; every service checks again.
  app.use('/api/me', (req, _res, next) => {
    requireSignedIn(req.actor);
    next();
  });
  app.use('/api/checkout', (req, _res, next) => {
    requireSignedIn(req.actor);
    next();
  });
  app.use('/api/admin', (req, _res, next) => {
    requireRole(req.actor, 'admin');
    next();
  });
  // Before any upload is read: a listener's 200 MB is refused at the door.
  app.use('/api/artist', (req, _res, next) => {
    requireRole(req.actor, 'artist', 'admin');
    next();
  });

  // The storefront's reads first: they are most of the traffic, and every router before them is tried in turn.
  app.use(mount(catalogRoutes(services)));
  app.use(mount(releaseRoutes(services)));
  app.use(mount(authRoutes(services, rateLimits)));
  app.use(mount(meRoutes(services)));
  app.use(mount(accountRoutes(services, rateLimits)));
  app.use(mount(adminUsersRoutes(services)));
  app.use(mount(auditRoutes(services)));
  app.use(mount(themeRoutes(services)));
  app.use(mount(releaseDownloadRoutes(services)));
  app.use(mount(releaseExtrasRoutes(services)));
  app.use(mount(earningsRoutes(services)));
  app.use(mount(payoutSettingsRoutes(services, rateLimits)));
  app.use(mount(playRoutes(services, rateLimits)));
  app.use(mount(statisticsRoutes(services)));
  app.use(mount(checkoutRoutes(services, rateLimits)));
  app.use(mount(orderRoutes(services)));
  app.use(mount(codeRoutes(services, rateLimits)));
  app.use(mount(artistTrackRoutes(services)));
  app.use(mount(artistReleaseRoutes(services)));
  // The outbox page exists only where mail has nowhere else to go, never in production.
  app.use(mount(pageRoutes(mailer instanceof OutboxMailer && !config.isProduction ? mailer : undefined)));

  app.use(apiDocsRoutes(documented, { version: buildInfo().version, origin: config.appOrigin, sessionCookie: sessionCookieName(config) }));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
