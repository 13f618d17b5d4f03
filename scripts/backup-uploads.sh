#!/usr/bin/env bash
# Backs up UPLOAD_DIR (audio, previews, images) into BACKUP_DIR as
# uploads-YYYYmmdd-HHMMSS.tar.gz with a SHA-256 beside it, with the same
# guarantees as backup-db.sh: whole and verified, or a non-zero exit and
# nothing that looks like a backup.
#
#   BACKUP_DIR, BACKUP_RETENTION_DAYS  as for backup-db.sh
#   UPLOAD_DIR                         the folder to back up (default: ./uploads)
#   STORAGE_DRIVER                     with s3 the files are in the bucket, not UPLOAD_DIR: refused
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

# With S3 storage UPLOAD_DIR holds no audio: an archive of it would report "ok" and back up nothing.
if [ "${STORAGE_DRIVER:-local}" = s3 ]; then
  fail "STORAGE_DRIVER=s3: the audio and images are in the bucket ${S3_BUCKET:-}, not in UPLOAD_DIR; back the bucket up with its provider's versioning or replication (or aws s3 sync); nothing was written"
fi

prepare_backup_dir
take_lock backup-uploads
[ -d "$UPLOAD_DIR" ] || fail "UPLOAD_DIR $UPLOAD_DIR is not a folder"

begin_backup uploads tar.gz
# Files being written are named *.tmp until complete (atomic rename), so they are left out.
tar --create --gzip --file="$PARTIAL" --directory="$UPLOAD_DIR" --exclude='*.tmp' . || fail "tar failed"
tar --list --gzip --file="$PARTIAL" > /dev/null || fail "the archive does not read back"
publish_backup 'uploads-????????-??????.tar.gz'
