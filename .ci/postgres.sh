#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, from Debian's postgresql-15 packages.
#
#   .ci/postgres.sh start DIR   initdb in DIR/data, start on a free loopback port,
#                               print the DSN and write it to DIR/dsn
#   .ci/postgres.sh stop DIR    stop the server and delete DIR
#
# Trust authentication on 127.0.0.1 and a socket inside DIR only: the server is
# reachable from this machine alone and lives as long as the test run.
# initdb refuses to run as root, so as root the cluster belongs to the
# `postgres` user that the Debian package creates.
set -euo pipefail

cmd=${1:-}; dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2; exit 2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: PostgreSQL is not installed (make deps-apt installs the postgresql package)" >&2; exit 1
fi

# as_owner runs a command as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# port_free succeeds when nothing listens on 127.0.0.1:$1.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    su postgres -s /bin/sh -c "test -w '$dir'" || {
      echo "postgres.sh: the postgres user cannot reach $dir: a folder above it is private (chmod 755 it)" >&2; exit 1; }
  fi
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; exit 1; }
  # A random free port; another run may grab it between the check and the
  # start, so a failed start tries the next candidate.
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 2>>"$dir/pg_ctl.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
      dsn="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
      echo "$dsn" >"$dir/dsn"
      echo "$dsn"
      exit 0
    fi
  done
  echo "postgres.sh: the server did not start; its log:" >&2
  cat "$dir/pg_ctl.log" "$dir/server.log" >&2 || true
  exit 1
  ;;
stop)
  [ -d "$dir" ] || exit 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2
  ;;
esac
