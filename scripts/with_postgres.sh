#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server: a fresh cluster in a temporary folder,
# reachable only through a Unix socket in that folder, stopped and deleted when the
# command ends (however it ends). The command sees the server's URL in
# AFTERSALES_TEST_PG_URL, which the test suite's PostgreSQL half uses.
#
# Usage: scripts/with_postgres.sh COMMAND [ARGS...]   e.g. scripts/with_postgres.sh scripts/test.sh
# The server binaries come from Debian's postgresql package; with AFTERSALES_PG_INSTALL=1
# (CI) a missing package is installed with apt-get (as root or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

find_pg_bin() {
  local candidate
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return 0
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

pg_bin="$(find_pg_bin || true)"
if [ -z "$pg_bin" ] && [ "${AFTERSALES_PG_INSTALL:-0}" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ]; then
    echo "with_postgres: PostgreSQL is not installed and there is no root or sudo to install it" >&2
    exit 1
  fi
  echo "with_postgres: installing PostgreSQL from the Debian packages" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  pg_bin="$(find_pg_bin || true)"
fi
if [ -z "$pg_bin" ]; then
  echo "with_postgres: no PostgreSQL server binaries found (apt-get install postgresql)" >&2
  exit 1
fi

# initdb refuses to run as root: the cluster then belongs to an unprivileged account.
run_as=()
base="${TMPDIR:-/tmp}"
if [ "$(id -u)" = 0 ]; then
  owner="${AFTERSALES_PG_OS_USER:-nobody}"
  if ! id "$owner" >/dev/null 2>&1; then
    echo "with_postgres: no account '$owner' to run the server as (set AFTERSALES_PG_OS_USER)" >&2
    exit 1
  fi
  run_as=(runuser -u "$owner" --)
  base=/tmp  # the server's account must reach its folder; root's TMPDIR may be private
fi

workdir="$(mktemp -d "$base/aftersales-pg.XXXXXX")"
[ ${#run_as[@]} -eq 0 ] || chown "$owner" "$workdir"
chmod 700 "$workdir"

stop_server() {
  local status=$?
  if [ -f "$workdir/data/postmaster.pid" ]; then
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${run_as[@]}" "$pg_bin/initdb" -D "$workdir/data" -U aftersales --auth=trust -E UTF8 --locale=C.UTF-8 \
  >"$workdir/initdb.log" 2>&1 || { cat "$workdir/initdb.log" >&2; exit 1; }
# Durability is pointless for a server that is deleted afterwards, and costs the suite time.
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 start -o \
  "-c listen_addresses='' -c unix_socket_directories='$workdir' -c fsync=off -c synchronous_commit=off \
   -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB" >/dev/null \
  || { cat "$workdir/server.log" >&2; exit 1; }

export AFTERSALES_TEST_PG_URL="postgresql+psycopg://aftersales@/postgres?host=$workdir"
echo "with_postgres: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') at $workdir" >&2
"$@"
