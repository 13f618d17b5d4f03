#!/usr/bin/env bash
# restore-db.sh <db-….dump> [--force]
#
# Restores a backup made by backup-db.sh into the configured database
# (DATABASE_URL, or the embedded one under DATA_DIR) after checking its
# SHA-256. Refuses a database that already has tables unless --force, which
# replaces its whole public schema. Prints each table's row count afterwards.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

parse_restore_args "$@"
file=$FILE force=$FORCE

if [ -z "${SONG_NEXUS_DB_ENV:-}" ]; then
  verify_checksum "$file"
  pg_restore --list "$file" > /dev/null 2>&1 || fail "$file is not a readable pg_dump archive"
  export SONG_NEXUS_DB_ENV=1
  with_db bash "$0" "$@" || exit $?
  exit 0
fi

psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
tables=$(psql_q -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != 0 ]; then
  [ "$force" = 1 ] || fail "database $PGDATABASE is not empty ($tables tables); pass --force to replace its contents"
  log "--force: replacing the $tables tables of $PGDATABASE"
  psql_q -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$PGDATABASE" "$file" \
  || fail "pg_restore failed; the database was left as it was before this step"

echo "restored $file into $PGDATABASE; rows per table:"
psql_q -F ' ' -c "
  SELECT table_name,
         (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM public.%I', table_name), false, true, '')))[1]::text
  FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
  ORDER BY table_name" | while read -r table rows; do printf '  %-24s %s\n' "$table" "$rows"; done
log "ok file=$file duration=$(elapsed)s"
