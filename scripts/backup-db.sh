#!/usr/bin/env bash
# Backs up the database into BACKUP_DIR as db-YYYYmmdd-HHMMSS.dump (pg_dump
# custom format) with a SHA-256 beside it. For cron: a backup either exists
# whole and verified, or the run exits non-zero and leaves nothing that looks
# like one.
#
#   BACKUP_DIR             where backups go (default: ./backups)
#   BACKUP_RETENTION_DAYS  delete this script's backups older than this (default: 30)
#   DATABASE_URL           the database; unset = the embedded one under DATA_DIR
#   PG_DUMP                pg_dump to use (default: pg_dump on PATH; must be >= the server's major version)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [ -z "${SONG_NEXUS_DB_ENV:-}" ]; then
  prepare_backup_dir
  take_lock backup-db
  # Connect once for the whole run (an embedded server is started if needed).
  export SONG_NEXUS_DB_ENV=1
  with_db bash "$0" "$@" || exit $?
  exit 0
fi

# From here on PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE are set.
begin_backup db dump
"${PG_DUMP:-pg_dump}" --format=custom --no-owner --no-privileges --file="$PARTIAL" || fail "pg_dump failed"
pg_restore --list "$PARTIAL" > /dev/null || fail "the dump does not read back (pg_restore --list)"
publish_backup 'db-????????-??????.dump'
