import type { Page } from '../../lib/page';
import crypto from 'node:crypto';
import { withTransaction } from '../../db/pool';
import {
  findActiveTheme,
  findThemeById,
  insertActiveTheme,
  listThemes,
  type ThemeRow,
  type TokenValues,
} from '../../db/repos/design-system.repo';
import { findUserById } from '../../db/repos/users.repo';
import { fail } from '../../lib/errors';
import { requireRole, type Actor } from '../actor';
import { recordAudit } from '../audit.service';
import type { ServiceDeps } from '../deps';
import { sniffImage } from '../images/image-sniff';
import { columnOf, contrastReport, renderThemeCss, TOKEN_NAMES, validateTokens, type Tokens } from './design-tokens';

export interface Theme {
  id: number;
  tokens: Tokens;
  updatedAt: Date;
  updatedBy: string | null;
  basedOnId: number | null;
}

function toTheme(row: ThemeRow): Theme {
  const tokens = Object.fromEntries(TOKEN_NAMES.map((name) => [name, row.values[columnOf(name) as keyof TokenValues]])) as Tokens;
  return { id: row.id, tokens, updatedAt: row.updatedAt, updatedBy: row.updatedBy, basedOnId: row.basedOnId };
}

function toValues(tokens: Tokens): TokenValues {
  return Object.fromEntries(TOKEN_NAMES.map((name) => [columnOf(name), tokens[name]])) as TokenValues;
}

/** The JSON document of a theme: what GET /api/design-system sends and its ETag covers. */
export function themeDocument(theme: Theme) {
  return { id: theme.id, updatedAt: theme.updatedAt.toISOString(), updatedBy: theme.updatedBy, tokens: theme.tokens };
}

/** A strong validator: a digest of the exact bytes of a representation. */
export const etagOf = (body: string) => `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
export const themeEtag = (theme: Theme) => etagOf(JSON.stringify(themeDocument(theme)));

export async function getActiveTheme(deps: Pick<ServiceDeps, 'db'>): Promise<Theme> {
  const row = await findActiveTheme(deps.db);
  // The first migration's default row guarantees one; none means the schema was tampered with.
  if (!row) throw fail('theme_missing');
  return toTheme(row);
}

export async function getThemeCss(deps: Pick<ServiceDeps, 'db'>): Promise<string> {
  return renderThemeCss((await getActiveTheme(deps)).tokens);
}

async function editorName(deps: ServiceDeps, actor: Actor): Promise<string> {
  const user = await findUserById(deps.db, actor.userId);
  return (user?.username ?? `user ${actor.userId}`).slice(0, 100);
}

/**
 * Saves a full or partial token set as the new active theme, guarded by the
 * ETag the admin edited: a colleague's save in between makes it 412. Runs
 * under a row lock, so concurrent saves with the same ETag cannot both win.
 */
export async function saveTheme(
  deps: ServiceDeps,
  actor: Actor | undefined,
  input: { tokens: unknown; ifMatch: string | undefined },
): Promise<{ theme: Theme; contrast: ReturnType<typeof contrastReport> }> {
  const admin = requireRole(actor, 'admin');
  if (!input.ifMatch) {
    throw fail('precondition_required');
  }
  const changes = validateTokens(input.tokens, deps.config.themeImageHosts);
  const updatedBy = await editorName(deps, admin);
  const theme = await withTransaction(deps.db, async (tx) => {
    const current = await findActiveTheme(tx, { lock: true });
    if (!current) throw fail('theme_missing');
    if (!matches(input.ifMatch!, themeEtag(toTheme(current)))) {
      throw fail('theme_changed');
    }
    const tokens = { ...toTheme(current).tokens, ...changes };
    const saved = toTheme(await insertActiveTheme(tx, toValues(tokens), { updatedBy, basedOnId: null }));
    await recordAudit(
      tx,
      admin,
      'theme.saved',
      { type: 'theme', id: saved.id },
      { previous: current.id, tokens: Object.keys(changes).sort() },
    );
    return saved;
  });
  return { theme, contrast: contrastReport(theme.tokens) };
}

/** If-Match: `*` or a list of ETags; weak validators never match (RFC 9110 §13.1.1). */
function matches(ifMatch: string, etag: string): boolean {
  if (ifMatch.trim() === '*') return true;
  return ifMatch.split(',').some((candidate) => candidate.trim() === etag);
}

/** Makes an earlier token set active again, as a new row that copies it exactly. */
export async function activateTheme(deps: ServiceDeps, actor: Actor | undefined, id: number): Promise<Theme> {
  const admin = requireRole(actor, 'admin');
  const updatedBy = await editorName(deps, admin);
  return withTransaction(deps.db, async (tx) => {
    const current = await findActiveTheme(tx, { lock: true });
    const earlier = await findThemeById(tx, id);
    if (!earlier) throw fail('theme_not_found', { message: 'No theme with this id.' });
    const activated = toTheme(await insertActiveTheme(tx, earlier.values, { updatedBy, basedOnId: earlier.id }));
    await recordAudit(
      tx,
      admin,
      'theme.rolled_back',
      { type: 'theme', id: activated.id },
      { previous: current?.id ?? null, copyOf: earlier.id },
    );
    return activated;
  });
}

export async function themeHistory(
  deps: ServiceDeps,
  actor: Actor | undefined,
  page: Page,
): Promise<{ themes: (Theme & { isActive: boolean })[]; total: number }> {
  requireRole(actor, 'admin');
  const { themes, total } = await listThemes(deps.db, page);
  return { themes: themes.map((row) => ({ ...toTheme(row), isActive: row.isActive })), total };
}

export const THEME_ASSET_MAX_BYTES = 2 * 1024 * 1024;
export const THEME_ASSET_MAX_SIDE = 4096;

/** Stores an uploaded theme image (PNG, JPEG, WebP; sniffed; bounded) and returns the URL to use in a token. */
export async function storeThemeAsset(deps: ServiceDeps, actor: Actor | undefined, bytes: Buffer): Promise<string> {
  requireRole(actor, 'admin');
  const image = sniffImage(bytes);
  if (!image) {
    throw fail('unsupported_image', { message: 'Upload a PNG, JPEG or WebP image (SVG is not accepted).' });
  }
  if (image.width > THEME_ASSET_MAX_SIDE || image.height > THEME_ASSET_MAX_SIDE) {
    throw fail('image_too_large', { message: `Images may be at most ${THEME_ASSET_MAX_SIDE} × ${THEME_ASSET_MAX_SIDE} pixels.` });
  }
  const name = `${crypto.randomBytes(16).toString('hex')}.${image.ext}`;
  await deps.storage.put(`theme/${name}`, bytes);
  return `/assets/theme/${name}`;
}
