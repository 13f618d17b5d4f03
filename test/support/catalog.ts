import type { Queryable } from '../../db/pool';

/**
 * A comparable description of a database's public schema, read from the
 * catalog (no pg_dump, so any server version works): columns, constraints,
 * indexes, triggers, functions, views and sequences, each sorted. The migration
 * runner's own bookkeeping table is left out.
 */
export async function catalogSnapshot(db: Queryable): Promise<Record<string, unknown[]>> {
  const queries: Record<string, string> = {
    columns: `
      SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length,
             numeric_precision, numeric_scale, is_nullable, column_default
      FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
      ORDER BY table_name, ordinal_position`,
    constraints: `
      SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> 'schema_migrations'
      ORDER BY 1, 2`,
    indexes: `
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
      ORDER BY 1, 2`,
    triggers: `
      SELECT tgrelid::regclass::text AS table_name, tgname, pg_get_triggerdef(oid) AS definition
      FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`,
    functions: `
      SELECT p.proname, pg_get_functiondef(p.oid) AS definition
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' ORDER BY 1`,
    views: `
      SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY 1`,
    sequences: `
      SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences
      WHERE sequence_schema = 'public' ORDER BY 1`,
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(queries)) {
    snapshot[name] = (await db.query(sql)).rows;
  }
  return snapshot;
}
