#!/usr/bin/env bash
# Full Hotline test run: installs missing system tools, starts a throwaway
# PostgreSQL, then runs go vet and go test against it.
#
#   scripts/test.sh                          # everything (./...)
#   scripts/test.sh -run TestX ./internal/auth/
#   HOTLINE_TEST_ONLY_ENV=1 scripts/test.sh  # set up, check PostgreSQL, exit
set -euo pipefail

# Work from the repo root whatever the caller's directory.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

log() { echo "test.sh: $*"; }
die() { echo "test.sh: error: $*" >&2; exit 1; }

# Run a command as root (for apt-get): directly, or via sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root or sudo to run: $*"
  fi
}

# --- a. System packages -------------------------------------------------------
# Each package is checked by a file it provides, so a machine that already has
# everything never touches apt.
missing=()
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v sipp >/dev/null 2>&1 || missing+=(sip-tester)
command -v baresip >/dev/null 2>&1 || missing+=(baresip)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
# A CJK font, so browser screenshots of the Chinese console are readable.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- b. Browser-test dependencies ---------------------------------------------
# Skip npm ci when node_modules was installed after the last change to the
# package files (npm writes node_modules/.package-lock.json on every install).
if [ -f e2e/package.json ]; then
  command -v npm >/dev/null 2>&1 || die "npm not found (needed for e2e/)"
  stamp=e2e/node_modules/.package-lock.json
  if [ -f "$stamp" ] && [ "$stamp" -nt e2e/package-lock.json ] &&
     [ "$stamp" -nt e2e/package.json ]; then
    log "e2e/node_modules up to date"
  else
    log "npm ci in e2e/"
    (cd e2e && npm ci --no-audit --no-fund)
  fi
fi

# --- c. Throwaway PostgreSQL --------------------------------------------------
# Highest installed major version.
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
[ -x "$pgbin/postgres" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
pgver="$(basename "$(dirname "$pgbin")")"

# initdb refuses to run as root, so as root run the server as user postgres.
pgrun=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user"
  pgrun=(runuser -u postgres --)
fi

pgtmp="$(mktemp -d /tmp/hotline-pg.XXXXXX)"
# The server must own its data dir; chmod so the user can reach it.
chmod 700 "$pgtmp"
if [ "${#pgrun[@]}" -gt 0 ]; then chown postgres:postgres "$pgtmp"; fi

cleanup() {
  if [ -f "$pgtmp/data/postmaster.pid" ]; then
    "${pgrun[@]}" "$pgbin/pg_ctl" stop -D "$pgtmp/data" -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$pgtmp"
}
trap cleanup EXIT
# Make Ctrl-C / kill go through the EXIT trap too.
trap 'exit 130' INT
trap 'exit 143' TERM

# First free port from 55432 up: nothing answers a TCP connect there.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=55432
while port_in_use "$port"; do
  port=$((port + 1))
  [ "$port" -lt 55532 ] || die "no free port in 55432-55531"
done

"${pgrun[@]}" "$pgbin/initdb" -D "$pgtmp/data" -U postgres --auth=trust \
  --encoding=UTF8 --locale=C >"$pgtmp/initdb.log" 2>&1 ||
  { cat "$pgtmp/initdb.log" >&2; die "initdb failed"; }

log "starting PostgreSQL $pgver on 127.0.0.1:$port"
# TCP on loopback only; socket in the temp dir; durability off (data is disposable).
"${pgrun[@]}" "$pgbin/pg_ctl" start -D "$pgtmp/data" -l "$pgtmp/server.log" -s \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pgtmp -c fsync=off -c full_page_writes=off -c synchronous_commit=off" ||
  { cat "$pgtmp/server.log" >&2; die "pg_ctl start failed"; }

for _ in $(seq 1 60); do
  if "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port"; then break; fi
  sleep 0.5
done
"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" ||
  { cat "$pgtmp/server.log" >&2; die "PostgreSQL not ready after 30s"; }

# --- d. Test environment ------------------------------------------------------
# Tests create their own databases from this URL.
export HOTLINE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
# Tests that miss a tool fail instead of skipping.
export HOTLINE_TEST_STRICT=1
export HOTLINE_TEST_CHROMIUM=/usr/bin/chromium

if [ "${HOTLINE_TEST_ONLY_ENV:-}" = 1 ]; then
  # Setup check only: prove the server answers, then exit (trap stops it).
  "$pgbin/psql" "$HOTLINE_TEST_POSTGRES" -X -A -t -c 'select version()'
  exit 0
fi

# --- e. Go ---------------------------------------------------------------------
# Extra arguments replace the default package pattern.
if [ "$#" -eq 0 ]; then set -- ./...; fi

log "go vet ./..."
go vet ./...

log "go test $*"
status=0
go test -count=1 -timeout 25m "$@" || status=$?
exit "$status"
