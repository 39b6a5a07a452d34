#!/usr/bin/env bash
# A throwaway PostgreSQL for development and tests, in .pg/ of the repository (ignored by git), listening on
# 127.0.0.1 only, with trust authentication. Uses the machine's PostgreSQL server binaries and installs Debian's
# `postgresql` package when they are missing.
#
#   scripts/local-postgres.sh start   # starts it if needed; prints its connection string (database postgres)
#   scripts/local-postgres.sh stop
#   scripts/local-postgres.sh status
#
# EVENTAPI_PG_DIR names another folder for another cluster (the fault-injection tests stop and start one of their own).
# A cluster keeps its port across restarts while the port is free. Durability is off (fsync, synchronous_commit,
# full_page_writes) unless EVENTAPI_PG_DURABLE=1 at start, as a production server runs: for benchmarks of commits.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${EVENTAPI_PG_DIR:-$root/.pg}"
data="$dir/data"
log="$dir/postgres.log"
port_file="$dir/port"

find_bin() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && { echo "$candidate"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

install_postgres() {
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package." >&2
  "$root/scripts/apt-install.sh" postgresql
}

# As root, the server must run as an unprivileged user: postgres.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

free_port() {
  python3 - "${1:-0}" <<'PY' 2>/dev/null || echo 55432
import socket, sys
wanted = int(sys.argv[1])
for port in ([wanted] if wanted else []) + [0]:
    try:
        # SO_REUSEADDR as PostgreSQL itself binds: a port in TIME_WAIT after a stop is still ours to reuse.
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port)); print(s.getsockname()[1]); s.close(); break
    except OSError:
        pass
PY
}

connection_string() {
  echo "Host=127.0.0.1;Port=$(cat "$port_file");Username=postgres;Database=postgres"
}

running() {
  [ -f "$data/postmaster.pid" ] && [ -f "$port_file" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  if running; then connection_string; return 0; fi
  mkdir -p "$dir"
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
    as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
  local port
  port="$(free_port "$(cat "$port_file" 2>/dev/null || echo 0)")"
  echo "$port" > "$port_file"
  # Fast and throwaway: durability off (this cluster only ever holds development and test data), unless asked for. lz4
  # for the values PostgreSQL compresses, as docs/operations.md recommends for any server.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${EVENTAPI_PG_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 $durability -c default_toast_compression=lz4" >/dev/null
  connection_string
}

stop() {
  if [ -f "$data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true; fi
}

bin="$(find_bin || { install_postgres; find_bin; })"
case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: $(connection_string)"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
