#!/usr/bin/env bash
# restore-uploads.sh <uploads-….tar.gz> [--force]
#
# Restores an archive made by backup-uploads.sh into UPLOAD_DIR after checking
# its SHA-256. Refuses a non-empty UPLOAD_DIR unless --force. The archive is
# unpacked beside UPLOAD_DIR first and swapped in only when complete.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

parse_restore_args "$@"
file=$FILE force=$FORCE

verify_checksum "$file"
listing=$(tar --list --gzip --file="$file") || fail "$file is not a readable archive"
# Only relative paths inside the archive: nothing may land outside UPLOAD_DIR.
if grep -qE '(^/|(^|/)\.\.(/|$))' <<< "$listing"; then fail "$file holds paths outside its folder; refusing it"; fi

if [ -d "$UPLOAD_DIR" ] && [ -n "$(find "$UPLOAD_DIR" -mindepth 1 ! -name .gitkeep -print -quit)" ] && [ "$force" != 1 ]; then
  fail "UPLOAD_DIR $UPLOAD_DIR is not empty; pass --force to replace its contents"
fi

staging="$UPLOAD_DIR.restore-$$"
previous="$UPLOAD_DIR.previous-$$"
trap 'rm -rf -- "$staging"' EXIT
mkdir -p "$staging"
tar --extract --gzip --file="$file" --directory="$staging" --no-same-owner || fail "tar could not unpack $file"
if [ -d "$UPLOAD_DIR" ]; then mv -- "$UPLOAD_DIR" "$previous"; fi
mv -- "$staging" "$UPLOAD_DIR"
rm -rf -- "$previous"

log "ok file=$file files=$(find "$UPLOAD_DIR" -type f | wc -l) bytes=$(du -sb "$UPLOAD_DIR" | cut -f1) duration=$(elapsed)s"
