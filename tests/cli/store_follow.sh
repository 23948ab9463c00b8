#!/usr/bin/env bash
# `marsad ingest --follow`: a folder being watched; articles copied in (one
# written in place, one renamed into place as crawlers do) are stored within
# seconds; SIGTERM stops it cleanly with exit status 0.
# Run from the repository root with build/marsad built; needs sqlite3.
set -u
bin=${MARSAD:-build/marsad}
fail() { echo "FAIL store_follow: $*"; echo "0 passed, 1 failed"; exit 1; }
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"
tmp=$(mktemp -d /tmp/marsad-follow-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/in"
"$bin" ingest --db "$tmp/f.db" --follow "$tmp/in" 2> "$tmp/err" &
pid=$!
count() { sqlite3 "$tmp/f.db" "SELECT count(*) FROM articles" 2>/dev/null || echo 0; }
# wait until the store exists (the watch starts right after)
for _ in $(seq 1 100); do [ -s "$tmp/f.db" ] && break; sleep 0.05; done
sleep 0.3
a=examples/dev/054_ly_2018-05-25_france24
b=examples/dev/055_ly_2018-05-25_skynews
cp "$a.json" "$tmp/in/" && cp "$a.txt" "$tmp/in/"
cp "$b.json" "$tmp/in/" && cp "$b.txt" "$tmp/in/.partial" &&
  mv "$tmp/in/.partial" "$tmp/in/$(basename "$b").txt"
n=0
for _ in $(seq 1 100); do
  n=$(count)
  [ "$n" -ge 2 ] && break
  sleep 0.1
done
[ "$n" = 2 ] || fail "$n articles stored after 10 s, expected 2 ($(cat "$tmp/err"))"
ids=$(sqlite3 "$tmp/f.db" "SELECT doc_id FROM articles ORDER BY doc_id" | tr '\n' ' ')
[ "$ids" = "054_ly_2018-05-25_france24 055_ly_2018-05-25_skynews " ] ||
  fail "unexpected articles: $ids"
# the two reports of the car bomb are one event already
"$bin" events --db "$tmp/f.db" --from 2018-05-24 --to 2018-05-24 --place Benghazi |
  grep -q '"nsources":2' || fail "the two reports are not one event"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM, expected 0 ($(cat "$tmp/err"))"
echo "ok   store_follow: 2 articles in, one event, clean stop"
echo "1 passed, 0 failed"
