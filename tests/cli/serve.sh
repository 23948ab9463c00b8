#!/usr/bin/env bash
# serve.sh — `marsad serve` over a store of the bundled articles, with curl:
# every endpoint of docs/api.md, a 400 naming the bad parameter, 404 for
# path traversal, 400 for a request over 64 KB and for malformed
# percent-encoding, escaping of hostile strings, parameterized filters,
# concurrent requests, and a clean exit 0 on SIGTERM. Needs curl and python3
# (scripts/setup.sh --test installs them).
. "$(dirname "$0")/lib/cli.sh"

have() { command -v "$1" >/dev/null 2>&1; }
for tool in curl python3; do
  check "$tool is installed (scripts/setup.sh --test)" have "$tool"
done
if [ "$FAILED" -gt 0 ]; then
  finish
  exit 1
fi

# ---- the command line --------------------------------------------------------------
run serve --help
check "serve --help: exit 0 and usage" out_has '^usage: marsad serve --db STORE'
run serve
check "serve without --db: exit 2" rc_is 2
run serve --db "$CLI_TMP/none.db" --listen 127.0.0.1:0
check "serve on a missing store: exit 1" rc_is 1
check "serve on a missing store: says so" err_has 'none\.db'

DB=$CLI_TMP/serve.db
run ingest --db "$DB" examples/seeds examples/dev
check "ingest the bundled articles" rc_is 0
run serve --db "$DB" --listen nowhere:80
check "serve --listen with a name: exit 1 naming the option" err_has -- '--listen'
run serve --db "$DB" --threads 0
check "serve --threads 0: exit 2" rc_is 2

# the events the CLI lists, for comparison
"$MARSAD" events --db "$DB" >"$CLI_TMP/events.jsonl"
NEVENTS=$(wc -l <"$CLI_TMP/events.jsonl")
BOMB=$("$MARSAD" events --db "$DB" --from 2018-05-24 --to 2018-05-24 --place Benghazi |
  grep '"nsources":3' | sed 's/.*"event_id":"E\([0-9]*\)".*/\1/' | head -n 1)
RC=0
check "the store holds events ($NEVENTS) and the Benghazi car bomb (E$BOMB)" test "$NEVENTS" -gt 30 -a -n "$BOMB"

# ---- a running server ------------------------------------------------------------------
# its standard error is kept apart and checked when it stops
timeout 300 "$MARSAD" serve --db "$DB" --listen 127.0.0.1:0 >"$CLI_TMP/url" 2>"$CLI_TMP/server.err" &
SERVER=$!
BASE=
for _ in $(seq 1 100); do
  BASE=$(head -n 1 "$CLI_TMP/url" 2>/dev/null)
  [ -n "$BASE" ] && break
  sleep 0.1
done
check "serve prints http://127.0.0.1:PORT/" grep -Eq '^http://127\.0\.0\.1:[0-9]+/$' "$CLI_TMP/url"
PORT=${BASE##*:}
PORT=${PORT%/}
HDR=$CLI_TMP/headers
CLI_TIMEOUT=10 run serve --db "$DB" --listen "127.0.0.1:$PORT"
check "a second server on the same port: exit 1" rc_is 1
check "a second server on the same port: says the address is in use" err_has 'in use'

# get TARGET [CURL-ARGS...]: the body in $OUT, the status in $STATUS, the
# headers in $HDR; the target is sent as written (no dot-segment removal).
get() {
  local target=$1
  shift
  LAST="GET $target"
  STATUS=$(timeout 30 curl -sS -g --path-as-is -D "$HDR" -o "$OUT" -w '%{http_code}' \
    "$@" "http://127.0.0.1:$PORT$target" 2>"$CLI_TMP/curl.err")
  RC=$?
}
status_is() { [ "$STATUS" = "$1" ]; }
header_has() { grep -iq -- "$1" "$HDR"; }
# json EXPR: a Python expression over the body parsed as d.
json() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$OUT" "$1" 2>>"$ERR.py"
}
# bad TARGET PARAM: 400 with a JSON error naming PARAM.
bad() {
  get "$1"
  check "400 for $1" status_is 400
  check "400 for $1 names parameter '$2'" json "d['parameter'] == '$2' and '$2' in d['error']"
}

# ---- static files and boundaries
get /
check "/: 200" status_is 200
check "/: HTML in UTF-8" header_has '^Content-Type: text/html; charset=utf-8'
check "/: Arabic, right to left" out_has '<html lang="ar" dir="rtl">'
check "/: a Content-Security-Policy that allows only this server" header_has "^Content-Security-Policy: default-src 'self'"
check "/: nosniff" header_has '^X-Content-Type-Options: nosniff'
get /app.js
check "/app.js: 200 JavaScript" header_has '^Content-Type: text/javascript'
get /style.css
check "/style.css: 200 CSS" header_has '^Content-Type: text/css'
get /data/boundaries/geoBoundaries_LBY_ADM1_simplified.geojson
check "boundaries: the 22 districts" json "len(d['features']) == 22"
get /data/boundaries/ne_50m_admin_0_LBY_and_neighbours.geojson
check "boundaries: Libya and its neighbours" json "'LY' in [f['properties']['ISO_A2'] for f in d['features']]"
get / -I
check "HEAD /: 200" status_is 200

# ---- API: happy paths
get /api/meta
check "meta: 200 JSON" header_has '^Content-Type: application/json; charset=utf-8'
check "meta: 31 articles, every event, six event types, 22+ districts" \
  json "d['stats']['articles'] == 31 and d['stats']['events'] == $NEVENTS and len(d['types']) == 6 and len(d['districts']) >= 22"
check "meta: Arabic names of districts" json "any(x['name_ar'] == 'بنغازي' for x in d['districts'])"
check "meta: API never cached" header_has '^Cache-Control: no-store'

get /api/events
check "events: 200" status_is 200
check "events: total is every event, first page of 100" json "d['total'] == $NEVENTS and d['count'] == min(100, $NEVENTS) and len(d['events']) == d['count']"
check "events: EVENTS.md records with sources" \
  json "all(k in d['events'][0] for k in ('event_id','event_date','event_type','sub_event_type','actor1','location','fatalities','injured','captured','notes','nsources','sources'))"
ids_cli=$(sed -n '6,10s/.*"event_id":"\(E[0-9]*\)".*/\1/p' "$CLI_TMP/events.jsonl" | tr '\n' ' ')
get '/api/events?limit=5&offset=5'
check "events: limit and offset page in the store's order" json "' '.join(e['event_id'] for e in d['events']) + ' ' == '$ids_cli'"
get '/api/events?type=battles&limit=5000'
check "events?type: only that type (any case)" json "d['total'] > 0 and all(e['event_type'] == 'Battles' for e in d['events'])"
get '/api/events?type=Battles,Suicide%20bomb&limit=5000'
check "events?type=A,B: either" json "set(e['event_type'] for e in d['events']) == {'Battles','Explosions/Remote violence'} and all(e['event_type'] == 'Battles' or e['sub_event_type'] == 'Suicide bomb' for e in d['events'])"
get '/api/events?from=2016-01-01&to=2016-12-31&limit=5000'
check "events?from&to: only that period" json "d['total'] > 0 and all('2016-01-01' <= e['event_date'] <= '2016-12-31' for e in d['events'])"
get '/api/events?min_fatalities=10&limit=5000'
check "events?min_fatalities: at least that many killed" json "d['total'] > 0 and all(e['fatalities'] >= 10 for e in d['events'])"
get '/api/events?place=Benghazi&limit=5000'
check "events?place: that place" json "d['total'] > 0 and all(e['location']['admin1'] == 'Benghazi' or 'Benghazi' in (e['location']['name'] or '') for e in d['events'])"
NACTOR=$("$MARSAD" events --db "$DB" --actor 'Islamic State' | wc -l)
get '/api/events?actor=Islamic%20State&limit=5000'
check "events?actor: the events marsad events --actor lists" json "d['total'] == $NACTOR and 0 < $NACTOR < $NEVENTS"
get '/api/events?bbox=19.5,31.5,20.5,32.5&limit=5000'
check "events?bbox: only inside the box" json "d['total'] > 0 and all(19.5 <= e['location']['lon'] <= 20.5 and 31.5 <= e['location']['lat'] <= 32.5 for e in d['events'])"
get '/api/events?bbox=19.5,31.5,20.5,32.5&limit=2&offset=1'
check "events?bbox: paged after filtering" json "d['count'] == 2 and d['total'] > 3"
get "/api/events?q=$(printf 'مفخخة' | python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read()))')&limit=5000"
check "events?q: Arabic text query finds the car bomb" json "$BOMB in [e['id'] for e in d['events']]"
get '/api/events?q=Benghazi&limit=5000'
check "events?q: English names of the events match too" json "d['total'] > 0"
get '/api/events?compact=1&limit=5000'
check "events?compact=1: the map's fields only" json "d['total'] == $NEVENTS and all('sources' not in e and 'notes' not in e and 'location' in e for e in d['events'])"
get '/api/events?format=geojson&limit=3'
check "events?format=geojson: a FeatureCollection of points" \
  json "d['type'] == 'FeatureCollection' and len(d['features']) == 3 and d['features'][0]['geometry']['type'] == 'Point'"

get "/api/events/E$BOMB"
check "events/E$BOMB: 200" status_is 200
check "events/E$BOMB: three sources, 6 killed, claims" json "d['nsources'] == 3 and d['fatalities'] == 6 and len(d['claims']) > 0"
check "events/E$BOMB: evidence of each source with its text" \
  json "all(s['evidence'] and all(v['text'] for v in s['evidence']) for s in d['sources'])"
get "/api/events/$BOMB"
check "events/ID without E: same event" json "d['id'] == $BOMB"

get /api/articles/055_ly_2018-05-25_skynews
check "articles/ID: 200 with text and mentions" json "len(d['text']) > 500 and len(d['mentions']) > 0 and len(d['sentences']) > 0"
check "articles/ID: evidence spans are UTF-8 byte offsets into the text" \
  json "all(0 <= v['start'] < v['end'] <= len(d['text'].encode()) for m in d['mentions'] for v in m['evidence'])"
check "articles/ID: mentions name their event" json "any(m['event_id'] == 'E$BOMB' for m in d['mentions'])"

get "/api/search?q=$(printf 'مصراتة' | python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.stdin.read()))')"
check "search: finds the article on Misrata" json "'001_c6f971c3f58e13e0' in [h['doc_id'] for h in d['hits']]"
check "search: snippets with the matches marked" json "any(p['match'] for h in d['hits'] for p in h['snippet'])"

for by in day month type district; do
  get "/api/aggregate?by=$by"
  check "aggregate?by=$by: counts add up to every event" json "d['total']['events'] == $NEVENTS and sum(b['events'] for b in d['buckets']) == $NEVENTS"
done
check "aggregate?by=district: Arabic district names" json "any(b['key'] == 'LY/Benghazi' and b['name_ar'] == 'بنغازي' for b in d['buckets'])"
get '/api/aggregate?by=type&type=Battles&bbox=9,19,26,34'
check "aggregate with box and type: only Battles" json "[b['key'] for b in d['buckets']] == ['Battles']"

# ---- API: bad parameters get 400 naming them
bad '/api/events?from=2016-02-30' from
bad '/api/events?from=2017-01-01&to=2016-01-01' to
bad '/api/events?type=Nonsense' type
bad '/api/events?limit=0' limit
bad '/api/events?limit=abc' limit
bad '/api/events?offset=-1' offset
bad '/api/events?bbox=1,2,3' bbox
bad '/api/events?min_fatalities=-1' min_fatalities
bad '/api/events?format=xml' format
bad '/api/events?colour=red' colour
bad '/api/events?limit=1&limit=2' limit
bad '/api/events?q=%21%21' q
bad '/api/aggregate?by=week' by
bad '/api/search' q
bad '/api/events/X12' id
get /api/events/E999999
check "unknown event: 404 JSON" json "d['status'] == 404"
get /api/articles/no-such-article
check "unknown article: 404" status_is 404
get /api/nothing
check "unknown endpoint: 404" status_is 404
get /api/events -X POST -d 'a=b'
check "POST: 405" status_is 405
check "POST: Allow names GET and HEAD" header_has '^Allow: GET, HEAD'

# ---- malformed requests and traversal
bad '/api/events?q=%zz' q
bad '/api/events?place=%E0%A4' place
bad '/api/events?place=a%00b' place
get '/api/events%zz'
check "malformed percent-encoding in the path: 400" status_is 400
for t in /../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /%2E%2E%2F%2E%2E%2Fetc%2Fpasswd \
  /data/boundaries/..%2f..%2fcountries.tsv /data/boundaries/../../../etc/passwd \
  /..%5c..%5cetc%5cpasswd /.git/config /web/../Makefile; do
  get "$t"
  check "traversal $t: 404" status_is 404
  check "traversal $t: nothing leaked" out_lacks 'root:|\[core\]|^CC'
done

# a request of more than 64 KB, in the target or in a header
python3 -c 'print("GET /api/events?q=" + "x" * 70000 + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", end="")' >"$CLI_TMP/big1"
python3 -c 'print("GET /api/meta HTTP/1.1\r\nHost: t\r\nX-Pad: " + "y" * 70000 + "\r\nConnection: close\r\n\r\n", end="")' >"$CLI_TMP/big2"
python3 -c 'print("GET /api/meta?q=" + "z" * 1000000 + " HTTP/1.1\r\nHost: t\r\n\r\n", end="")' >"$CLI_TMP/big3"
raw() { # FILE: sends it as is, the answer in $OUT
  LAST="raw request $(head -c 40 "$1")..."
  timeout 20 python3 - "$1" "$PORT" >"$OUT" 2>>"$ERR.py" <<'EOF'
import socket, sys, threading
data = open(sys.argv[1], 'rb').read()
s = socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=10)
def send():
    try:
        s.sendall(data)
    except OSError:
        pass  # the server answered and closed before reading it all
threading.Thread(target=send, daemon=True).start()
out = b''
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except OSError:
    pass
sys.stdout.write(out.decode('utf-8', 'replace'))
EOF
  RC=$?
}
raw "$CLI_TMP/big1"
check "70 KB target: 400" out_has '^HTTP/1.1 400'
check "70 KB target: JSON error" out_has '"error":"request larger than 65536 bytes"'
raw "$CLI_TMP/big2"
check "70 KB header: 400" out_has '^HTTP/1.1 400'
raw "$CLI_TMP/big3"
check "1 MB target: refused (4xx)" out_has '^HTTP/1.1 4[0-9][0-9]'
get /api/meta
check "still serving after oversized requests" status_is 200

# ---- escaping and parameterized SQL
get "/api/events?place=%3Cscript%3Ealert(%22x%22)%3C/script%3E'%22&actor=%27%20OR%201%3D1%20--"
check "hostile filter values: 200 with nothing found" json "d['total'] == 0"
get '/api/events?type=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E'
check "hostile type: 400" status_is 400
check "hostile type: echoed escaped, never as markup" out_has '\\u003cimg src=x onerror=alert\(1\)\\u003e'
check "hostile type: no raw '<' in the answer" out_lacks '<'
get '/api/events?%3Cb%3E=1'
check "hostile parameter name: named escaped" json "d['parameter'] == '<b>'"
check "hostile parameter name: no raw '<'" out_lacks '<'
get "/api/events?place=%27%20OR%20%271%27%3D%271&limit=5000"
check "SQL in a filter is data: nothing found" json "d['total'] == 0"

# ---- answers cached while the store is unchanged, fresh after an ingest
get /api/meta
get /api/meta
check "a repeated question is answered from the cache" header_has '^X-Marsad-Cache: hit'
mkdir -p "$CLI_TMP/new"
cp examples/dev/001_ly_2014-02-19_jawharafm.txt "$CLI_TMP/new/zz_added_while_serving.txt"
run ingest --db "$DB" "$CLI_TMP/new"
check "ingest beside the running server" rc_is 0
get /api/meta
check "after an ingest: the cache is not used" header_has '^X-Marsad-Cache: miss'
check "after an ingest: the new article is counted" json "d['stats']['articles'] == 32"
get /api/articles/zz_added_while_serving
check "after an ingest: the new article is served" status_is 200

# ---- concurrency: 200 requests, 50 at a time
LAST="200 concurrent requests"
seq 1 200 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
  "http://127.0.0.1:$PORT/api/events?limit=20&offset={}" >"$CLI_TMP/codes" 2>/dev/null
RC=0
check "200 requests, 50 at a time: all 200" test "$(grep -c '^200$' "$CLI_TMP/codes")" -eq 200

# ---- SIGTERM, with an idle connection open
exec 7<>"/dev/tcp/127.0.0.1/$PORT"
t0=$(date +%s%N)
kill -TERM "$SERVER"
wait "$SERVER"
RC=$?
t1=$(date +%s%N)
exec 7<&-
LAST="kill -TERM marsad serve"
cp "$CLI_TMP/server.err" "$ERR"
check "SIGTERM: exit 0" rc_is 0
check "SIGTERM: stopped within 3 s" test $(((t1 - t0) / 1000000)) -lt 3000
check "SIGTERM: nothing on stderr (no leak or sanitizer report)" err_empty

finish
