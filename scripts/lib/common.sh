# Shared by the backup and restore scripts: project paths, logging, locking,
# and running a command against the configured database.
# shellcheck shell=bash

# Backups hold e-mail addresses and session hashes: readable by this user only (files 0600).
umask 077

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRIPT=$(basename "$0" .sh)
STARTED=$(date +%s)

log() { printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$SCRIPT" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

# Folders, resolved against the project root like the app resolves them.
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$ROOT" "$1" ;; esac; }
BACKUP_DIR=$(abs "${BACKUP_DIR:-backups}")
UPLOAD_DIR=$(abs "${UPLOAD_DIR:-uploads}")
RETENTION_DAYS=${BACKUP_RETENTION_DAYS:-30}

# Runs a command with PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE set for the
# configured database (DATABASE_URL, or the embedded one under DATA_DIR).
with_db() { "$ROOT/node_modules/.bin/tsx" "$ROOT/scripts/with-db-env.ts" "$@"; }

# Takes an exclusive lock for this kind of run, or exits: two overlapping
# runs would race on the same files.
take_lock() {
  exec 9>"$BACKUP_DIR/.$1.lock" || fail "cannot create the lock file in $BACKUP_DIR"
  if ! flock -n 9; then
    log "another $1 run is in progress (lock $BACKUP_DIR/.$1.lock held); not starting a second one"
    exit 75
  fi
}

prepare_backup_dir() {
  [[ "$RETENTION_DAYS" =~ ^[0-9]+$ ]] || fail "BACKUP_RETENTION_DAYS must be a whole number of days, not '$RETENTION_DAYS'"
  mkdir -p "$BACKUP_DIR" 2>/dev/null || fail "cannot create BACKUP_DIR $BACKUP_DIR"
  [ -w "$BACKUP_DIR" ] && [ -d "$BACKUP_DIR" ] || fail "BACKUP_DIR $BACKUP_DIR is not a writable folder"
}

# Deletes backups older than RETENTION_DAYS whose names match this script's
# own pattern (and their checksums); nothing else in the folder is touched.
apply_retention() {
  local glob=$1 removed=0 file
  while IFS= read -r -d '' file; do
    rm -f -- "$file" "$file.sha256"
    removed=$((removed + 1))
  done < <(find "$BACKUP_DIR" -maxdepth 1 -type f -name "$glob" -mmin "+$((RETENTION_DAYS * 1440))" -print0)
  echo "$removed"
}

# Verifies FILE against FILE.sha256 (written by the backup scripts).
verify_checksum() {
  local file=$1
  [ -f "$file" ] || fail "no such backup: $file"
  [ -f "$file.sha256" ] || fail "no checksum beside the backup ($file.sha256); refusing an unverifiable file"
  local expected actual
  expected=$(cut -d' ' -f1 < "$file.sha256")
  actual=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$expected" = "$actual" ] || fail "checksum mismatch for $file: the backup is corrupted or incomplete"
}

size_of() { stat -c %s "$1"; }
elapsed() { echo $(( $(date +%s) - STARTED )); }

# The name a new backup gets (db-…, uploads-…), its hidden temporary twin,
# and a trap that removes the temporary files however the run ends.
# Sets FINAL and PARTIAL.
begin_backup() {
  local prefix=$1 ext=$2 stamp
  stamp=$(date -u +%Y%m%d-%H%M%S)
  FINAL="$BACKUP_DIR/$prefix-$stamp.$ext"
  PARTIAL="$BACKUP_DIR/.$prefix-$stamp.$ext.partial"
  [ -e "$FINAL" ] && fail "$FINAL already exists"
  trap 'rm -f -- "$PARTIAL" "$PARTIAL.sha256"' EXIT
  trap 'fail "interrupted"' INT TERM
}

# Writes the checksum, then renames checksum and backup into place (the
# backup last), applies retention for GLOB and logs the run's one line.
publish_backup() {
  local glob=$1 removed
  printf '%s  %s\n' "$(sha256sum "$PARTIAL" | cut -d' ' -f1)" "$(basename "$FINAL")" > "$PARTIAL.sha256"
  mv -f -- "$PARTIAL.sha256" "$FINAL.sha256"
  mv -f -- "$PARTIAL" "$FINAL"
  removed=$(apply_retention "$glob")
  log "ok file=$FINAL size=$(size_of "$FINAL") duration=$(elapsed)s removed_old=$removed"
}

# Arguments of the restore scripts: <file> [--force]. Sets FILE and FORCE.
parse_restore_args() {
  FILE="" FORCE=0
  local arg
  for arg in "$@"; do
    case "$arg" in
      --force) FORCE=1 ;;
      -*) restore_usage ;;
      *) if [ -z "$FILE" ]; then FILE=$arg; else restore_usage; fi ;;
    esac
  done
  [ -n "$FILE" ] || restore_usage
}
restore_usage() { echo "usage: $0 <backup file> [--force]" >&2; exit 64; }
