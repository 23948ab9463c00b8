#!/usr/bin/env bash
# pg.sh — a throw-away PostgreSQL server for the tests, never the system one.
#
#   bash scripts/pg.sh start [DIR]   initdb into DIR (default: a new
#                                    /tmp/marsad-pg-XXXXXX), start on
#                                    127.0.0.1 on a free port, create the
#                                    database "marsad"; prints the URL
#   bash scripts/pg.sh url DIR       prints the URL of the server in DIR
#   bash scripts/pg.sh stop DIR      stops it and removes DIR
#
# The cluster belongs to the postgres user (initdb refuses root; as root the
# commands run through runuser), listens on 127.0.0.1 only with its socket
# in DIR, trusts loopback connections, and trades durability for speed
# (fsync=off, synchronous_commit=off, full_page_writes=off): it holds test
# data only. Missing server binaries are installed from Debian's postgresql
# package (scripts/setup.sh --test does so too).
set -eu

die() { echo "pg.sh: $*" >&2; exit 1; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

# Runs a command as the owner of the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cmd=${1:-}
case "$cmd" in
start)
  if ! bin=$(bindir); then
    echo "pg.sh: installing postgresql" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null ||
      die "cannot install postgresql"
    bin=$(bindir) || die "no initdb after installing postgresql"
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres ||
      die "cannot create the postgres user"
  fi
  dir=${2:-$(mktemp -d /tmp/marsad-pg-XXXXXX)}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  port=$(free_port)
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth=trust >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
logging_collector = off
EOF
  # trust on loopback and the socket only (initdb --auth=trust set both)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; die "the server did not start"; }
  echo "$port" >"$dir/port"
  as_owner "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE marsad" >/dev/null || die "cannot create database marsad"
  echo "postgresql://postgres@127.0.0.1:$port/marsad"
  ;;
url)
  dir=${2:?usage: pg.sh url DIR}
  [ -f "$dir/port" ] || die "no server in $dir"
  echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/marsad"
  ;;
stop)
  dir=${2:?usage: pg.sh stop DIR}
  case "$dir" in /tmp/marsad-pg-*) ;; *) [ -f "$dir/port" ] || die "no server in $dir" ;; esac
  if bin=$(bindir) && [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg.sh start [DIR] | url DIR | stop DIR" >&2
  exit 2
  ;;
esac
