#!/usr/bin/env bash
# Backs up UPLOAD_DIR (audio, previews, images) into BACKUP_DIR as
# uploads-YYYYmmdd-HHMMSS.tar.gz with a SHA-256 beside it, with the same
# guarantees as backup-db.sh: whole and verified, or a non-zero exit and
# nothing that looks like a backup.
#
#   BACKUP_DIR, BACKUP_RETENTION_DAYS  as for backup-db.sh
#   UPLOAD_DIR                         the folder to back up (default: ./uploads)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

prepare_backup_dir
take_lock backup-uploads
[ -d "$UPLOAD_DIR" ] || fail "UPLOAD_DIR $UPLOAD_DIR is not a folder"

stamp=$(date -u +%Y%m%d-%H%M%S)
final="$BACKUP_DIR/uploads-$stamp.tar.gz"
partial="$BACKUP_DIR/.uploads-$stamp.tar.gz.partial"
[ -e "$final" ] && fail "$final already exists"
trap 'rm -f -- "$partial" "$partial.sha256"' EXIT
trap 'fail "interrupted"' INT TERM

# Files being written are named *.tmp until complete (atomic rename), so they are left out.
tar --create --gzip --file="$partial" --directory="$UPLOAD_DIR" --exclude='*.tmp' . || fail "tar failed"
tar --list --gzip --file="$partial" > /dev/null || fail "the archive does not read back"
printf '%s  %s\n' "$(sha256sum "$partial" | cut -d' ' -f1)" "$(basename "$final")" > "$partial.sha256"
mv -f -- "$partial.sha256" "$final.sha256"
mv -f -- "$partial" "$final"

removed=$(apply_retention 'uploads-????????-??????.tar.gz')
log "ok file=$final size=$(size_of "$final") duration=$(elapsed)s removed_old=$removed"
