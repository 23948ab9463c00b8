#!/usr/bin/env bash
# marsad ingest / events / search from the command line: ingesting twice
# gives an identical `sqlite3 .dump`, nothing is printed in pipes, the
# Benghazi car bomb is one event with three sources, search finds clitic
# forms, formats, help and exit codes.
# Run from the repository root with build/marsad built; needs sqlite3.
set -u
bin=${MARSAD:-build/marsad}
fail() { echo "FAIL store_cli: $*"; echo "0 passed, 1 failed"; exit 1; }
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"
tmp=$(mktemp -d /tmp/marsad-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/s.db

"$bin" ingest --db "$db" examples/dev examples/seeds > "$tmp/out" 2> "$tmp/err" ||
  fail "ingest exit $? ($(cat "$tmp/err"))"
[ -s "$tmp/out" ] && fail "ingest wrote to standard output in a pipe"
[ -s "$tmp/err" ] && fail "ingest wrote to standard error in a pipe: $(head -3 "$tmp/err")"
# on a terminal, a progress line (articles/s, events, ETA) and a summary
if command -v script >/dev/null; then
  script -qec "$bin ingest --db $tmp/tty.db examples/dev" /dev/null > "$tmp/tty" 2>&1
  grep -q 'articles/s' "$tmp/tty" || fail "no progress line on a terminal"
  grep -q 'events' "$tmp/tty" || fail "progress line without events"
fi
d1=$(sqlite3 "$db" .dump | md5sum)
"$bin" ingest --db "$db" examples/dev examples/seeds 2> "$tmp/err" || fail "second ingest"
d2=$(sqlite3 "$db" .dump | md5sum)
[ "$d1" = "$d2" ] || fail "a second ingest of the same articles changed the dump"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM articles')" = 31 ] || fail "expected 31 articles"
"$bin" ingest --db "$db" --check > "$tmp/out" || fail "--check"
[ "$(cat "$tmp/out")" = ok ] || fail "--check printed $(cat "$tmp/out")"

# the car bomb of 25 May 2018: one event, three sources, 6 killed
"$bin" events --db "$db" --from 2018-05-24 --to 2018-05-24 --place Benghazi > "$tmp/ev"
grep -q '"nsources":3' "$tmp/ev" || fail "Benghazi car bomb: not one event with 3 sources"
grep '"nsources":3' "$tmp/ev" | grep -q '"fatalities":6,' || fail "Benghazi car bomb: fatalities not 6"
"$bin" events --db "$db" --format csv > "$tmp/ev.csv"
head -1 "$tmp/ev.csv" | grep -q '^event_id_cnty,event_date' || fail "csv header"
grep -q 'france24; skynews; CNN' "$tmp/ev.csv" || fail "csv sources column"
"$bin" events --db "$db" --format geojson | head -1 | grep -q FeatureCollection || fail "geojson"
"$bin" events --db "$db" --format text --type "Suicide bomb" > /dev/null || fail "events --type"
n=$("$bin" events --db "$db" --limit 3 | wc -l)
[ "$n" = 3 ] || fail "--limit 3 gave $n events"
id=$(grep '"nsources":3' "$tmp/ev" | head -1 | sed 's/.*"event_id":"\(E[0-9]*\)".*/\1/')
"$bin" events --db "$db" --id "$id" | grep -q '"evidence":\[{"start"' || fail "events --id $id"
"$bin" events --db "$db" --by type | head -1 | grep -q '^key	events' || fail "events --by type"

# search: clitic and spelling forms, filters, exit status
"$bin" search --db "$db" "مصراتة" | grep -q '001_c6f971c3f58e13e0' || fail "search مصراتة"
"$bin" search --db "$db" "ومصراته" | grep -q '\[مصراتة\]\|\[لمصراتة\]\|\[ومصراتة\]\|\[مصراته\]' ||
  fail "search ومصراته: no highlighted match"
"$bin" search --db "$db" --format jsonl --source skynews قتلى | grep -q '"doc_id":"055_ly_2018-05-25_skynews"' ||
  fail "search --source"
"$bin" search --db "$db" كلمةلاتوجد > /dev/null; [ $? = 1 ] || fail "search without results: exit status"

# help and usage errors
for c in ingest events search; do
  "$bin" $c --help | grep -q "^usage: marsad $c" || fail "$c --help"
done
"$bin" ingest examples/dev 2> /dev/null; [ $? = 2 ] || fail "ingest without --db: exit status"
"$bin" events --db "$db" --bogus 2> /dev/null; [ $? = 2 ] || fail "events --bogus: exit status"
"$bin" events --db "$tmp/missing.db" 2> /dev/null; [ $? = 1 ] || fail "events on a missing store: exit status"
"$bin" search --db "$db" 2> /dev/null; [ $? = 2 ] || fail "search without query: exit status"
# new lexicons extract again what is stored: every article is replaced, and
# the events are the same when the change does not touch them
"$bin" events --db "$db" > "$tmp/before.jsonl" || fail "events before a data change"
cp -r data "$tmp/data"
printf '# a comment added to the lexicon\n' >> "$tmp/data/triggers.tsv"
"$bin" ingest --db "$db" --data "$tmp/data" --summary examples/dev examples/seeds 2> "$tmp/err" ||
  fail "ingest with changed data: $(cat "$tmp/err")"
grep -q "31 replaced, 0 unchanged" "$tmp/err" || fail "changed data: not extracted again: $(cat "$tmp/err")"
"$bin" ingest --db "$db" --data "$tmp/data" --summary examples/dev examples/seeds 2> "$tmp/err"
grep -q "0 replaced, 31 unchanged" "$tmp/err" || fail "the same data twice: extracted again: $(cat "$tmp/err")"
"$bin" events --db "$db" > "$tmp/after.jsonl" || fail "events after a data change"
# events merged again get new ids: compare without them
strip() { sed 's/"event_id":"E[0-9]*",//; s/"article_id":[0-9]*,//g' "$1" | sort; }
[ "$(strip "$tmp/before.jsonl")" = "$(strip "$tmp/after.jsonl")" ] ||
  fail "a comment in the lexicon changed the events: $(diff <(strip "$tmp/before.jsonl") <(strip "$tmp/after.jsonl") | head -4)"
echo "ok   store_cli: ingest, events, search, formats, help and exit codes, new data extracted again"
echo "1 passed, 0 failed"
