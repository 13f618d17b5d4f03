#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a throw-away cluster of
# Debian's PostgreSQL 15 (its own folder and port; removed afterwards).
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/song-nexus-syspg.XXXXXX)
chmod 755 "$dir"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
password=$(node -e "console.log(require('crypto').randomBytes(18).toString('base64url'))")

as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
printf '%s\n' "$password" > "$dir/pw"
[ "${#as_pg[@]}" -gt 0 ] && chown postgres: "$dir/pw"

cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" --auth=scram-sha-256 -E UTF8 --no-locale >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null
rm -f "$dir/pw"

DATABASE_URL="postgres://postgres:${password}@127.0.0.1:${port}/postgres" "$@"
