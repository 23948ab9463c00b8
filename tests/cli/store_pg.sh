#!/usr/bin/env bash
# marsad ingest / events / search / serve with --db postgresql://...: the same
# events, aggregates and search hits as a SQLite store of the same articles;
# a second ingest changes no row (pg_dump); two ingests at once into one
# database give the events of one ingest; --check; the HTTP API over it.
# Needs MARSAD_TEST_PG (a server URL; scripts/pg.sh starts one): without it
# the suite says it is skipped. Run from the repository root.
set -u
bin=${MARSAD:-build/marsad}
pass=0
fail() { echo "FAIL store_pg: $*"; echo "$pass passed, 1 failed"; exit 1; }
ok() { echo "ok   store_pg: $*"; pass=$((pass + 1)); }
if [ -z "${MARSAD_TEST_PG:-}" ] || [ "$MARSAD_TEST_PG" = off ]; then
  echo "skipped store_pg: MARSAD_TEST_PG is not set (or off)"
  echo "0 passed, 0 failed"
  exit 0
fi
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)
psql=$(command -v psql || echo "$pgbin/psql")
pg_dump=$pgbin/pg_dump
[ -x "$psql" ] || fail "psql is not installed"
tmp=$(mktemp -d /tmp/marsad-cli-pg-XXXXXX)
dbs=()
cleanup() {
  local d
  for d in "${dbs[@]}"; do
    "$psql" -X -q "$MARSAD_TEST_PG" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
  done
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
# new_db NAME: a new empty database; its URL in $url
new_db() {
  local name="marsad_cli_$$_$1"
  "$psql" -X -q "$MARSAD_TEST_PG" -c "CREATE DATABASE $name" >/dev/null || fail "cannot create $name"
  dbs+=("$name")
  url=$(echo "$MARSAD_TEST_PG" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/$name#")
}

new_db main
db=$url
sq=$tmp/s.db
"$bin" ingest --db "$db" examples/dev examples/seeds > "$tmp/out" 2> "$tmp/err" ||
  fail "ingest exit $? ($(cat "$tmp/err"))"
[ -s "$tmp/out" ] && fail "ingest wrote to standard output in a pipe"
[ -s "$tmp/err" ] && fail "ingest wrote to standard error in a pipe: $(head -3 "$tmp/err")"
"$bin" ingest --db "$sq" examples/dev examples/seeds 2> "$tmp/err" || fail "SQLite ingest"
ok "ingest into PostgreSQL"

# the same results as SQLite, command by command
same() { # DESCRIPTION ARGS... (run against both stores)
  local what=$1
  shift
  "$bin" "$@" --db "$sq" > "$tmp/a" 2>&1
  local ra=$?
  "$bin" "$@" --db "$db" > "$tmp/b" 2>&1
  local rb=$?
  [ "$ra" = "$rb" ] || fail "$what: exit $rb on PostgreSQL, $ra on SQLite"
  cmp -s "$tmp/a" "$tmp/b" || fail "$what differs: $(diff "$tmp/a" "$tmp/b" | head -4)"
}
same "events (jsonl)" events
same "events (csv)" events --format csv
same "events (geojson)" events --format geojson
same "events --type battles" events --type battles
same "events --place Benghazi --actor" events --place Benghazi --actor 'Islamic State'
same "events --min-fatalities 5 --limit 3 --offset 2" events --min-fatalities 5 --limit 3 --offset 2
for g in day month type district; do same "events --by $g" events --by "$g"; done
id=$("$bin" events --db "$db" --from 2018-05-24 --to 2018-05-24 --place Benghazi |
  grep '"nsources":3' | head -1 | sed 's/.*"event_id":"\(E[0-9]*\)".*/\1/')
[ -n "$id" ] || fail "Benghazi car bomb: not one event with 3 sources"
"$bin" events --db "$db" --id "$id" | grep -q '"fatalities":6,' || fail "Benghazi car bomb: fatalities not 6"
same "events --id $id" events --id "$id"
ok "events, aggregates and one event as on SQLite"

# search: the same articles found (ranking is the backend's own)
found() { # STORE ARGS...: the doc_ids found, sorted
  local store=$1
  shift
  "$bin" search --db "$store" --format jsonl --limit 100 "$@" |
    sed 's/.*"doc_id":"\([^"]*\)".*/\1/' | sort
}
while IFS=$'\t' read -r q _; do
  case "$q" in '#'*|'') continue ;; esac
  [ "$(found "$sq" "$q")" = "$(found "$db" "$q")" ] || fail "search $q finds other articles on PostgreSQL"
done < tests/data/search_queries.tsv
for q in 'درنة OR صبراتة' 'درنة NOT صبراتة' 'بنغازي AND (درنة OR سرت)' '"قوات الردع"'; do
  [ "$(found "$sq" --raw "$q")" = "$(found "$db" --raw "$q")" ] || fail "search --raw $q finds other articles"
done
[ -n "$(found "$db" --raw 'درنة OR صبراتة')" ] || fail "search --raw finds nothing"
"$bin" search --db "$db" "ومصراته" | grep -q '\[مصراتة\]\|\[لمصراتة\]\|\[ومصراتة\]\|\[مصراته\]' ||
  fail "search ومصراته: no highlighted match"
"$bin" search --db "$db" --format jsonl --source SKYNEWS قتلى | grep -q '"doc_id":"055_ly_2018-05-25_skynews"' ||
  fail "search --source (any case)"
"$bin" search --db "$db" --raw '"unterminated' 2> "$tmp/err"; [ $? = 1 ] || fail "malformed raw query: exit status"
"$bin" search --db "$db" كلمةلاتوجد > /dev/null; [ $? = 1 ] || fail "search without results: exit status"
ok "search finds what SQLite finds"

# a second ingest changes no row; --check
if [ -x "$pg_dump" ]; then
  # (without pg_dump's random \restrict key)
  dump() { "$pg_dump" --data-only "$db" | grep -v '^\\\(un\)\?restrict '; }
  dump > "$tmp/d1" || fail "pg_dump"
  "$bin" ingest --db "$db" examples/dev examples/seeds 2> "$tmp/err" || fail "second ingest"
  dump > "$tmp/d2" || fail "pg_dump"
  cmp -s "$tmp/d1" "$tmp/d2" || fail "a second ingest of the same articles changed the dump"
fi
"$bin" ingest --db "$db" --check > "$tmp/out" || fail "--check: $(cat "$tmp/out")"
[ "$(cat "$tmp/out")" = ok ] || fail "--check printed $(cat "$tmp/out")"
ok "second ingest changes nothing; --check"

# two ingests of the same articles at once into one new database (batches
# of 5 and 3 interleaved): the events of one ingest
new_db twice
"$bin" ingest --db "$url" --batch 5 examples/dev examples/seeds 2> "$tmp/e1" &
p1=$!
"$bin" ingest --db "$url" --batch 3 examples/dev examples/seeds 2> "$tmp/e2" &
p2=$!
wait "$p1" || fail "concurrent ingest 1: $(cat "$tmp/e1")"
wait "$p2" || fail "concurrent ingest 2: $(cat "$tmp/e2")"
"$bin" events --db "$url" > "$tmp/b" && "$bin" events --db "$db" > "$tmp/a" || fail "events"
# event and article ids may differ: compare without them
strip() { sed 's/"event_id":"E[0-9]*",//; s/"article_id":[0-9]*,//g; s/"duplicate_of":[0-9]*/"duplicate_of":0/g' "$1" | sort; }
[ "$(strip "$tmp/a")" = "$(strip "$tmp/b")" ] ||
  fail "two ingests at once give other events: $(diff <(strip "$tmp/a") <(strip "$tmp/b") | head -4)"
"$bin" ingest --db "$url" --check > "$tmp/out" || fail "--check after concurrent ingests: $(cat "$tmp/out")"
ok "two ingests at once: the same events"

# the HTTP API over PostgreSQL
command -v curl > /dev/null || fail "curl is not installed"
timeout 120 "$bin" serve --db "$db" --listen 127.0.0.1:0 > "$tmp/url" 2> "$tmp/server.err" &
server=$!
base=
for _ in $(seq 1 100); do
  base=$(head -n 1 "$tmp/url" 2>/dev/null)
  [ -n "$base" ] && break
  sleep 0.1
done
[ -n "$base" ] || fail "serve printed no URL: $(cat "$tmp/server.err")"
n=$(curl -sS "${base}api/events?limit=5000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["events"]))') ||
  fail "GET /api/events"
[ "$n" = "$(wc -l < "$tmp/a")" ] || fail "/api/events lists $n events, the store has $(wc -l < "$tmp/a")"
curl -sS "${base}api/events/$id" | grep -q '"nsources":3' || fail "GET /api/events/$id"
curl -sS "${base}api/search?q=%D9%85%D8%B5%D8%B1%D8%A7%D8%AA%D8%A9" | grep -q '001_c6f971c3f58e13e0' ||
  fail "GET /api/search?q=مصراتة"
# answers cached while the database is unchanged, fresh after a write
hdr() { curl -sS -D - -o /dev/null "${base}$1" | tr -d '\r' | sed -n 's/^X-Marsad-Cache: //p'; }
hdr api/meta > /dev/null
[ "$(hdr api/meta)" = hit ] || fail "a repeated question over PostgreSQL is not answered from the cache"
mkdir -p "$tmp/new"
cp examples/dev/001_ly_2014-02-19_jawharafm.txt "$tmp/new/zz_added_while_serving.txt"
"$bin" ingest --db "$db" "$tmp/new" 2> "$tmp/err" || fail "ingest beside the server: $(cat "$tmp/err")"
[ "$(hdr api/meta)" = miss ] || fail "after an ingest the cache answered"
curl -sS "${base}api/articles/zz_added_while_serving" | grep -q zz_added_while_serving ||
  fail "after an ingest: the new article is not served"
kill "$server"
wait "$server" 2>/dev/null
server=
[ -s "$tmp/server.err" ] && fail "serve wrote to standard error: $(head -3 "$tmp/server.err")"
ok "serve: events, one event, search, cache kept until a write"

# a server that does not answer, a database that does not exist
"$bin" events --db "postgresql://127.0.0.1:1/x?connect_timeout=5" 2> "$tmp/err"; [ $? = 1 ] ||
  fail "events on an unreachable server: exit status"
grep -q PostgreSQL "$tmp/err" || fail "unreachable server: message $(cat "$tmp/err")"
ok "errors name PostgreSQL"
echo "$pass passed, 0 failed"
