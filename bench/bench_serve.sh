#!/usr/bin/env bash
# The HTTP server's benchmark: `marsad serve` on loopback under wrk, 200
# concurrent connections, against the events endpoint (the dashboard's main
# request: a page of 100 events with their sources), then a filtered page
# (type + bounding box: the filters the store leaves to the server).
#
#   bash bench/bench_serve.sh [STORE] [SECONDS]
#
# STORE defaults to a store of the bundled articles (built once into
# build/bench/serve_bundled.db); SECONDS per run defaults to 10. Prints
# requests/s, p50 and p99 latency, and the non-2xx count (must be 0). Needs
# wrk (Debian package wrk; installed when missing and possible).
set -eu
cd "$(dirname "$0")/.."
secs=${2:-${SERVE_BENCH_SECONDS:-10}}
out=build/bench
mkdir -p "$out"
[ -x build/marsad ] || make -j2 >/dev/null

if ! command -v wrk >/dev/null 2>&1; then
  sudo=
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  DEBIAN_FRONTEND=noninteractive timeout 300 $sudo apt-get install -y -qq wrk >/dev/null 2>&1 || true
fi
command -v wrk >/dev/null 2>&1 || { echo "bench_serve: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

db=${1:-}
if [ -z "$db" ]; then
  db=$out/serve_bundled.db
  if [ ! -s "$db" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
    build/marsad ingest --db "$db" examples/seeds examples/dev
  fi
fi
[ -s "$db" ] || { echo "bench_serve: no store at $db" >&2; exit 1; }

# start ARGS...: a server on a free loopback port, its URL in $url
server=
start() {
  build/marsad serve --db "$db" --listen 127.0.0.1:0 "$@" >"$out/serve_url" 2>"$out/serve.log" &
  server=$!
  url=
  for _ in $(seq 1 100); do
    url=$(head -n 1 "$out/serve_url" 2>/dev/null || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "bench_serve: the server did not start: $(cat "$out/serve.log")" >&2; exit 1; }
}
# stop: SIGTERM, which must end the server with status 0
stop() {
  curl -sf -o /dev/null "${url}api/meta" || { echo "bench_serve: no answer after the load" >&2; exit 1; }
  kill -TERM "$server"
  wait "$server" || { echo "bench_serve: the server did not stop cleanly" >&2; exit 1; }
  server=
}
trap '[ -z "$server" ] || kill -TERM $server 2>/dev/null' EXIT

# run NAME PATH: wrk with 200 connections on 4 threads
run() {
  local name=$1 path=$2 log=$out/wrk_$1.txt
  wrk -t4 -c200 -d"${secs}s" --timeout 10s --latency "$url${path#/}" >"$log" 2>&1
  local rps p50 p99 bad errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$log")
  p50=$(awk '$1 == "50%" {print $2}' "$log")
  p99=$(awk '$1 == "99%" {print $2}' "$log")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$log")
  errs=$(awk '/Socket errors:/ {print}' "$log")
  printf 'serve %-15s %-40s %9s req/s  p50 %-8s p99 %-8s non-2xx %s%s\n' "$name" "$path" \
    "$rps" "$p50" "$p99" "${bad:-0}" "${errs:+  ($errs)}"
}

start --cache 0
events=$(curl -s "${url}api/meta" | sed -n 's/.*"stats":{[^}]*"events":\([0-9]*\).*/\1/p')
echo "serve: $db ($events events), wrk -t4 -c200 -d${secs}s on loopback, $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
# every request computed afresh
run events-nocache /api/events
run filter-nocache '/api/events?type=Battles,Suicide%20bomb&bbox=9,19,26,34&limit=50'
run meta-nocache /api/meta
stop
# the default: repeated questions answered from memory while the store is unchanged
start
run events /api/events
run filtered '/api/events?type=Battles,Suicide%20bomb&bbox=9,19,26,34&limit=50'
stop
echo "serve: stopped cleanly on SIGTERM after each run"
