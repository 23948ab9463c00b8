#!/usr/bin/env bash
# Crash safety of `marsad ingest`: an ingest of a generated corpus is killed
# with SIGKILL part-way, checked, run again, and must end with the same rows
# as an uninterrupted ingest (every content table compared), a sound
# database and the same search results.
# Run from the repository root with build/marsad built; needs cc (to build
# the corpus generator) and sqlite3. Exit 0 on pass.
set -u
n=${STORE_CRASH_N:-2000}
bin=${MARSAD:-build/marsad}
fail() { echo "FAIL store_crash: $*"; echo "0 passed, 1 failed"; exit 1; }
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"
[ -x "$bin" ] || fail "$bin is not built"
bash bench/build_tools.sh || fail "cannot build bench/gen_articles"
tmp=$(mktemp -d /tmp/marsad-crash-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
build/bench/gen_articles "$n" 7 > "$tmp/corpus.jsonl" || fail "gen_articles"

# the reference: one uninterrupted run
"$bin" ingest --db "$tmp/clean.db" "$tmp/corpus.jsonl" 2> "$tmp/clean.err" ||
  fail "clean ingest failed: $(cat "$tmp/clean.err")"

# the crash: small batches so that several commits happen before the kill
"$bin" ingest --db "$tmp/crash.db" --batch 25 "$tmp/corpus.jsonl" 2> "$tmp/crash.err" &
pid=$!
stored=0
for _ in $(seq 1 600); do
  sleep 0.1
  stored=$(sqlite3 "$tmp/crash.db" "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
  [ "${stored:-0}" -ge $((n / 5)) ] && break
  kill -0 "$pid" 2>/dev/null || break
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
stored=$(sqlite3 "$tmp/crash.db" "SELECT count(*) FROM articles")
[ "$stored" -gt 0 ] && [ "$stored" -lt "$n" ] ||
  fail "the kill did not land mid-way ($stored of $n articles stored)"
echo "store_crash: killed with $stored of $n articles stored"
[ "$(sqlite3 "$tmp/crash.db" "PRAGMA integrity_check")" = ok ] ||
  fail "integrity_check after the kill"
"$bin" ingest --db "$tmp/crash.db" --check >/dev/null ||
  fail "store check after the kill"

# run again: it completes the job
"$bin" ingest --db "$tmp/crash.db" "$tmp/corpus.jsonl" 2> "$tmp/rerun.err" ||
  fail "re-run failed: $(cat "$tmp/rerun.err")"
"$bin" ingest --db "$tmp/crash.db" --check >/dev/null || fail "store check after the re-run"

# the same rows as the clean run, table by table (the full-text index's
# internal segments depend on commit sizes, its results are compared below)
for t in sources articles sentences mentions claims evidence events \
         event_sources events_box schema_version; do
  for db in clean crash; do
    sqlite3 "$tmp/$db.db" "SELECT * FROM $t ORDER BY 1" > "$tmp/$db.$t" ||
      fail "cannot read table $t of $db.db"
  done
  [ -s "$tmp/clean.$t" ] || fail "table $t is empty"
  cmp -s "$tmp/clean.$t" "$tmp/crash.$t" || fail "table $t differs from the clean run"
done
for q in بنغازي "انفجار سيارة" مصراتة; do
  a=$("$bin" search --db "$tmp/clean.db" --format jsonl --limit 50 "$q" | md5sum)
  b=$("$bin" search --db "$tmp/crash.db" --format jsonl --limit 50 "$q" | md5sum)
  [ "$a" = "$b" ] || fail "search '$q' differs from the clean run"
done
counts=$(sqlite3 "$tmp/crash.db" "SELECT (SELECT count(*) FROM articles) || ' articles, ' ||
  (SELECT count(*) FROM mentions) || ' mentions, ' || (SELECT count(*) FROM events) || ' events'")
echo "ok   store_crash: $counts, same as an uninterrupted run"
echo "1 passed, 0 failed"
