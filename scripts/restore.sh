#!/usr/bin/env bash
# npm run restore -- <backup file> [--force]: restores a database dump
# (db-….dump) or an uploads archive (uploads-….tar.gz), chosen by its name.
set -euo pipefail
here=$(dirname "$0")
case "$(basename "${1:-}")" in
  db-*.dump) exec bash "$here/restore-db.sh" "$@" ;;
  uploads-*.tar.gz) exec bash "$here/restore-uploads.sh" "$@" ;;
  *) echo "usage: npm run restore -- <db-YYYYmmdd-HHMMSS.dump | uploads-YYYYmmdd-HHMMSS.tar.gz> [--force]" >&2; exit 64 ;;
esac
