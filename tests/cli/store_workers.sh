#!/usr/bin/env bash
# store_workers.sh — many workers on one PostgreSQL store (docs/scaling.md).
# 20,000 generated articles are queued twice, in two databases: one worker
# takes the first queue; three workers take the second, and one of them is
# killed with SIGKILL in the middle of a batch. Every article must be
# processed exactly once, nothing may be left claimed or unmerged, and the
# events (and the articles and mentions) must equal the single worker's.
#
# Needs a PostgreSQL server: $MARSAD_TEST_PG (a URL whose user may create
# databases), else scripts/pg.sh starts a private one on loopback and stops
# it at the end; MARSAD_TEST_PG=off skips it. STORE_WORKERS_N sets the number
# of articles.
. "$(dirname "$0")/lib/cli.sh"
n=${STORE_WORKERS_N:-20000}
CLI_TIMEOUT=${CLI_TIMEOUT:-1800}
root=$(cd "$(dirname "$0")/../.." && pwd)
own_pg=
if [ "${MARSAD_TEST_PG:-}" = off ]; then
  echo "skipped store_workers: MARSAD_TEST_PG=off"
  echo "0 passed, 0 failed"
  exit 0
fi
if [ -z "${MARSAD_TEST_PG:-}" ]; then
  pgdir=$(mktemp -d /tmp/marsad-pg-XXXXXX)
  MARSAD_TEST_PG=$(bash "$root/scripts/pg.sh" start "$pgdir") || {
    fail "start PostgreSQL" "scripts/pg.sh start failed"
    finish
  }
  own_pg=1
fi
pids=()
dbs=(marsad_workers_$$_one marsad_workers_$$_many)
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for d in "${dbs[@]}"; do
    psql -qX "$MARSAD_TEST_PG" -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
  done
  [ -n "$own_pg" ] && bash "$root/scripts/pg.sh" stop "$pgdir" >/dev/null 2>&1
  rm -rf "$CLI_TMP"
}
trap cleanup EXIT

# a fresh database on the server; prints its URL
base=${MARSAD_TEST_PG%%\?*}
server=${base%/*}
fresh_db() {
  local name=marsad_workers_$$_$1
  psql -qX "$MARSAD_TEST_PG" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null || return 1
  echo "$server/$name"
}
sql() { psql -qAtX "$1" -c "$2"; }
export PGOPTIONS="-c client_min_messages=warning"

(cd "$root" && bash bench/build_tools.sh) >/dev/null || fail "build bench/gen_articles"
corpus=$CLI_TMP/corpus.jsonl
"$root/build/bench/gen_articles" "$n" 11 > "$corpus"
check "the corpus has $n articles" [ "$(wc -l < "$corpus")" -eq "$n" ]

one=$(fresh_db one) && many=$(fresh_db many)
check "two fresh databases" [ -n "$one" ] && [ -n "$many" ]

# ---- one worker
run ingest --db "$one" --queue --summary "$corpus"
check "ingest --queue: all queued" err_has "$n queued"
run ingest --db "$one" --queue --summary "$corpus"
check "queueing again changes nothing" err_has "0 queued, $n already"
run worker --db "$one" --queue --summary --batch 200
check "one worker: exit 0" rc_is 0
check "one worker: stored everything" err_has "$n stored"

# ---- three workers, one killed mid-batch
run ingest --db "$many" --queue "$corpus"
check "second queue filled" rc_is 0
# The victim takes larger batches, so that the time between its claim and
# its commit is long enough to be seen by polling on any build; it is
# killed at its first claim still open (the summary line at exit also says
# "claimed", hence the exact patterns).
batch_line=': (claimed [0-9]+ articles, first|committed [0-9]+ of)'
for k in 1 2 3; do
  b=100; [ "$k" = 1 ] && b=400
  "$MARSAD" worker --db "$many" --queue --verbose --summary --batch $b --jobs 1 \
    > "$CLI_TMP/w$k.out" 2> "$CLI_TMP/w$k.err" &
  pids+=($!)
done
victim=${pids[0]}
killed=
for _ in $(seq 1 3000); do
  sleep 0.02
  kill -0 "$victim" 2>/dev/null || break
  if grep -E "$batch_line" "$CLI_TMP/w1.err" | tail -n 1 | grep -q ': claimed'; then
    kill -9 "$victim"
    killed=1
    break
  fi
done
wait "$victim" 2>/dev/null
last=$(grep -E "$batch_line" "$CLI_TMP/w1.err" | tail -n 1)
check "worker 1 was killed in the middle of a batch" [ -n "$killed" ]
case $last in *': claimed'*) lost_first=${last##*first } ;; *) lost_first= ;; esac
check "its last claim was never committed" [ -n "$lost_first" ]
rc2=0 rc3=0
wait "${pids[1]}" || rc2=$?
wait "${pids[2]}" || rc3=$?
pids=()
RC=$rc2; check "worker 2 finished the queue (exit 0)" rc_is 0
RC=$rc3; check "worker 3 finished the queue (exit 0)" rc_is 0
RC=0
grep -h '^marsad:' "$CLI_TMP/w2.err" "$CLI_TMP/w3.err" | head -n 5 | sed 's/^/  worker: /'
both=$(cat "$CLI_TMP/w2.err" "$CLI_TMP/w3.err")
check "workers 2 and 3 both took batches" \
  [ "$(grep -c claimed "$CLI_TMP/w2.err")" -ge 1 ] && [ "$(grep -c claimed "$CLI_TMP/w3.err")" -ge 1 ]
check "the killed worker's batch was taken over" \
  grep -q "first $lost_first\$" <<<"$both"

# ---- exactly once, and the same events
sql "$many" "SELECT left(error, 200) FROM queue WHERE state = 3 LIMIT 3" | sed 's/^/  failed: /'
for db in "$one" "$many"; do
  state=$(sql "$db" "SELECT state, count(*) FROM queue GROUP BY state ORDER BY state" | tr '\n' ' ')
  check "$(basename "$db"): every queued article done, none failed ($state)" [ "$state" = "2|$n " ]
done
check "as many articles as queued, each once" \
  [ "$(sql "$many" "SELECT count(*), count(DISTINCT key) FROM articles")" = "$n|$n" ]
for t in articles mentions sentences claims evidence events event_sources; do
  a=$(sql "$one" "SELECT count(*) FROM $t")
  b=$(sql "$many" "SELECT count(*) FROM $t")
  check "same number of $t ($a, $b)" [ "$a" = "$b" ]
done
run ingest --check --db "$many"
check "the store checks out" out_has '^ok$'

# events compared without their ids (ids are the database's own numbering)
events() {
  "$MARSAD" events --db "$1" --format jsonl |
    python3 -c '
import json, sys
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("id", "event_id", "article_id", "duplicate_of")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
for line in sys.stdin:
    print(json.dumps(strip(json.loads(line)), sort_keys=True, ensure_ascii=False))
' | sort
}
events "$one" > "$CLI_TMP/one.events"
events "$many" > "$CLI_TMP/many.events"
check "events were made" [ "$(wc -l < "$CLI_TMP/one.events")" -gt 100 ]
check "three workers with a kill make the same events as one" \
  cmp -s "$CLI_TMP/one.events" "$CLI_TMP/many.events"
if ! cmp -s "$CLI_TMP/one.events" "$CLI_TMP/many.events"; then
  # the first differing event, field by field
  python3 - "$CLI_TMP/one.events" "$CLI_TMP/many.events" <<'PY'
import json, sys
a = open(sys.argv[1]).read().splitlines()
b = open(sys.argv[2]).read().splitlines()
only_a = sorted(set(a) - set(b))
only_b = sorted(set(b) - set(a))
print("  %d events only in the one-worker run, %d only in the three-worker run" % (len(only_a), len(only_b)))
for x, y in list(zip(only_a, only_b))[:3]:
    x, y = json.loads(x), json.loads(y)
    for k in sorted(set(x) | set(y)):
        if x.get(k) != y.get(k):
            print("  %s:\n    one:  %s\n    many: %s" % (k, json.dumps(x.get(k), ensure_ascii=False)[:400], json.dumps(y.get(k), ensure_ascii=False)[:400]))
PY
  [ -n "${STORE_WORKERS_KEEP:-}" ] && cp "$CLI_TMP/one.events" "$CLI_TMP/many.events" /tmp/
fi
finish
