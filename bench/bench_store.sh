#!/usr/bin/env bash
# The store's benchmark: ingest rate and search latency on a corpus of N
# articles (default 100000) made by recombining the bundled ones
# (bench/gen_articles.c: sentences of examples/dev and examples/seeds, drawn
# with a fixed generator, so the same N gives the same corpus).
#
#   bash bench/bench_store.sh [N]
#   STORE_BENCH_PG=postgresql://user@host/db bash bench/bench_store.sh [N]
#
# With STORE_BENCH_PG (a PostgreSQL server URL; scripts/pg.sh starts one) the
# same corpus is also ingested into a new database there (created and
# dropped), and its rate printed beside SQLite's.
#
# Prints the ingest rate (articles/s, wall clock, all CPUs; and per CPU
# second, which a busy machine does not distort) and the search
# latency (p50, p99 over the queries of tests/data/search_queries.tsv, five
# runs each, 10 results with snippets). Files go to build/bench/.
set -eu
cd "$(dirname "$0")/.."
n=${1:-${STORE_BENCH_N:-100000}}
out=build/bench
[ -x build/marsad ] || make -j2 >/dev/null
bash bench/build_tools.sh
corpus=$out/store_corpus_$n.jsonl
if [ ! -s "$corpus" ]; then
  build/bench/gen_articles "$n" > "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
db=$out/store_bench.db
rm -f "$db" "$db-wal" "$db-shm"
TIMEFORMAT='%R %U %S'
{ time build/marsad ingest --db "$db" --quiet --summary "$corpus" \
    2> "$out/store_ingest.log"; } 2> "$out/store_ingest.time" || {
  cat "$out/store_ingest.log" >&2
  exit 1
}
read -r secs usr sys < "$out/store_ingest.time"
rate=$(echo "$n / $secs" | bc -l)
cpu=$(echo "$usr + $sys" | bc -l)
cpurate=$(echo "$n / $cpu" | bc -l)
if command -v sqlite3 >/dev/null; then
  counts=$(sqlite3 "$db" "SELECT (SELECT count(*) FROM events) || ' events, ' ||
    (SELECT count(*) FROM mentions) || ' mentions, ' ||
    (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL) || ' near-copies'")
else
  counts=$(tail -1 "$out/store_ingest.log")
fi
size=$(du -m "$db" | cut -f1)
printf 'store ingest: %d articles in %.1f s: %.1f articles/s (%s; %s MB)\n' \
  "$n" "$secs" "$rate" "$counts" "$size"
printf 'store ingest CPU: %.1f s user+sys on %s CPUs, %.1f articles per CPU second (load average %s)\n' \
  "$cpu" "$(nproc)" "$cpurate" "$(cut -d' ' -f1-3 /proc/loadavg)"
build/bench/search_latency "$db" tests/data/search_queries.tsv 5

if [ -n "${STORE_BENCH_PG:-}" ]; then
  psql=$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | tail -n 1)
  name=marsad_bench_$$
  "$psql" -X -q "$STORE_BENCH_PG" -c "CREATE DATABASE $name" >/dev/null
  url=$(echo "$STORE_BENCH_PG" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/$name#")
  { time build/marsad ingest --db "$url" --quiet --summary "$corpus" \
      2> "$out/store_ingest_pg.log"; } 2> "$out/store_ingest_pg.time" || {
    cat "$out/store_ingest_pg.log" >&2
    "$psql" -X -q "$STORE_BENCH_PG" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
    exit 1
  }
  read -r secs usr sys < "$out/store_ingest_pg.time"
  counts=$("$psql" -X -At "$url" -c "SELECT (SELECT count(*) FROM events) || ' events, ' ||
    (SELECT count(*) FROM mentions) || ' mentions, ' ||
    (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL) || ' near-copies'")
  size=$("$psql" -X -At "$url" -c "SELECT pg_database_size(current_database()) / 1048576")
  printf 'store ingest (PostgreSQL): %d articles in %.1f s: %.1f articles/s (%s; %s MB); client CPU %.1f s\n' \
    "$n" "$secs" "$(echo "$n / $secs" | bc -l)" "$counts" "$size" "$(echo "$usr + $sys" | bc -l)"
  build/bench/search_latency "$url" tests/data/search_queries.tsv 5 | sed 's/^/(PostgreSQL) /'
  "$psql" -X -q "$STORE_BENCH_PG" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null
fi
