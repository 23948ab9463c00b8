#!/usr/bin/env bash
# The PostgreSQL benchmark (docs/scaling.md): on a throw-away server
# (scripts/pg.sh, loopback), N generated articles (default 5000,
# bench/gen_articles) are
#   - ingested into SQLite and into PostgreSQL by `marsad ingest` (the
#     reference rates of one process),
#   - queued (`ingest --queue`) and taken by 1, 2 and 3 workers
#     (`marsad worker --queue --jobs 1`), each run on a fresh database;
# and the wall-clock rate of each is printed, with the workers' own account
# of their time (claim, extract, store, merge, idle): the merge runs in
# queue order under one lock, so its share says how far more workers help.
#
#   bash bench/bench_workers.sh [N]
set -eu
cd "$(dirname "$0")/.."
n=${1:-${WORKERS_BENCH_N:-5000}}
out=build/bench
mkdir -p "$out"
[ -x build/marsad ] || make -j2 >/dev/null
bash bench/build_tools.sh
corpus=$out/store_corpus_$n.jsonl
if [ ! -s "$corpus" ]; then
  build/bench/gen_articles "$n" > "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
pgdir=$(mktemp -d /tmp/marsad-pg-XXXXXX)
url=$(bash scripts/pg.sh start "$pgdir")
trap 'bash scripts/pg.sh stop "$pgdir" >/dev/null 2>&1' EXIT
server=${url%/*}
fresh() {
  psql -qX "$url" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
  echo "$server/$1"
}
now() { date +%s.%N; }
rate() { awk -v n="$n" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n / (b - a) }'; }

echo "workers bench: $n articles, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
db=$out/workers_bench.db
rm -f "$db" "$db-wal" "$db-shm"
t0=$(now); build/marsad ingest --db "$db" --quiet "$corpus"; t1=$(now)
echo "ingest, SQLite file:        $(rate "$t0" "$t1") articles/s"
u=$(fresh bench_direct)
t0=$(now); build/marsad ingest --db "$u" --quiet "$corpus"; t1=$(now)
echo "ingest, PostgreSQL:         $(rate "$t0" "$t1") articles/s"
for w in 1 2 3; do
  u=$(fresh bench_w$w)
  t0=$(now); build/marsad ingest --db "$u" --queue --quiet "$corpus"; t1=$(now)
  [ "$w" = 1 ] && echo "ingest --queue:             $(rate "$t0" "$t1") articles/s"
  t0=$(now)
  for k in $(seq 1 "$w"); do
    build/marsad worker --db "$u" --queue --jobs 1 --summary 2> "$out/worker_$w.$k.log" &
  done
  wait
  t1=$(now)
  echo "$w worker(s), --jobs 1:      $(rate "$t0" "$t1") articles/s"
  for k in $(seq 1 "$w"); do
    sed -n 's/.*articles\/s (\(.*\))/    worker '"$k"': \1/p' "$out/worker_$w.$k.log"
  done
done
