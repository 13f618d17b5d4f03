import type { Page } from '../../lib/page';
import { selectPage, type Queryable } from '../pool';

/** The token columns of design_system, in table order. */
export const TOKEN_COLUMNS = [
  'color_primary',
  'color_secondary',
  'color_accent_teal',
  'color_accent_green',
  'color_accent_red',
  'color_text_primary',
  'color_background',
  'background_image_url',
  'logo_url',
  'hero_image_url',
  'font_family_base',
  'font_size_base',
  'font_weight_normal',
  'font_weight_bold',
  'spacing_unit',
  'border_radius',
  'button_background_color',
  'button_text_color',
  'button_border_radius',
  'button_padding',
  'player_background_image_url',
  'player_button_color',
  'player_button_size',
] as const;

export type TokenColumn = (typeof TOKEN_COLUMNS)[number];
export type TokenValues = Record<TokenColumn, string | number | null>;

export interface ThemeRow {
  id: number;
  values: TokenValues;
  isActive: boolean;
  updatedAt: Date;
  updatedBy: string | null;
  basedOnId: number | null;
}

type Row = TokenValues & { id: number; is_active: boolean; updated_at: Date; updated_by: string | null; based_on_id: number | null };

const COLUMNS = `id, ${TOKEN_COLUMNS.join(', ')}, is_active, updated_at, updated_by, based_on_id`;

function toTheme(row: Row): ThemeRow {
  const values = Object.fromEntries(TOKEN_COLUMNS.map((c) => [c, row[c]])) as TokenValues;
  return { id: row.id, values, isActive: row.is_active, updatedAt: row.updated_at, updatedBy: row.updated_by, basedOnId: row.based_on_id };
}

/** The advisory lock "changing the active theme" (the store's locks are 727_203_0xx). */
const THEME_CHANGE_LOCK = 727_203_006;

/**
 * The active theme. With `lock` (inside a transaction) it first waits for any
 * other change of the active theme to commit, then reads: a row lock alone
 * would not do, because a concurrent save replaces the active row, and the
 * waiter would find the row it waited for no longer active and see none.
 */
export async function findActiveTheme(db: Queryable, options: { lock?: boolean } = {}): Promise<ThemeRow | undefined> {
  if (options.lock) await db.query('SELECT pg_advisory_xact_lock($1)', [THEME_CHANGE_LOCK]);
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM design_system WHERE is_active`);
  return rows[0] && toTheme(rows[0]);
}

export async function findThemeById(db: Queryable, id: number): Promise<ThemeRow | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM design_system WHERE id = $1`, [id]);
  return rows[0] && toTheme(rows[0]);
}

/** Makes a new active set: the current one is deactivated first (one active row, by index). */
export async function insertActiveTheme(
  db: Queryable,
  values: TokenValues,
  meta: { updatedBy: string; basedOnId: number | null },
): Promise<ThemeRow> {
  await db.query('UPDATE design_system SET is_active = false WHERE is_active');
  const params = TOKEN_COLUMNS.map((c) => values[c]);
  const placeholders = TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const n = TOKEN_COLUMNS.length;
  const { rows } = await db.query<Row>(
    `INSERT INTO design_system (${TOKEN_COLUMNS.join(', ')}, is_active, updated_by, based_on_id)
     VALUES (${placeholders}, true, $${n + 1}, $${n + 2})
     RETURNING ${COLUMNS}`,
    [...params, meta.updatedBy, meta.basedOnId],
  );
  return toTheme(rows[0]!);
}

export async function listThemes(db: Queryable, page: Page): Promise<{ themes: ThemeRow[]; total: number }> {
  const { rows, total } = await selectPage<Row>(db, { select: COLUMNS, from: 'design_system', orderBy: 'id DESC' }, page);
  return { themes: rows.map(toTheme), total };
}

/** Every image URL any theme row names, active or not: a rollback may bring any of them back. */
export async function listThemeImageUrls(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ url: string }>(
    `SELECT DISTINCT u.url FROM design_system,
       LATERAL (VALUES (background_image_url), (logo_url), (hero_image_url), (player_background_image_url)) AS u(url)
     WHERE u.url IS NOT NULL`,
  );
  return rows.map((r) => r.url);
}
