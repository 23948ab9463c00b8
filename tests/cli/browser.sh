#!/usr/bin/env bash
# browser.sh — the dashboard in headless Chromium over a store of the bundled
# articles (tests/browser/dashboard.cjs): the seed events at their places on
# the map, filters by type and by a brushed period, an opened event with its
# evidence highlighted, the English toggle, nothing fetched from the internet.
# Screenshots: build/screenshots/map.png and build/screenshots/event.png.
#
# Installs what is missing: Debian's chromium and nodejs (apt-get), and
# playwright-core as pinned in tests/browser/package-lock.json (npm ci into
# build/browser-deps). Anything that cannot be installed is one failed case
# saying what, never a hang: every step runs under a time limit.
. "$(dirname "$0")/lib/cli.sh"

ROOT=$PWD
DEPS=$ROOT/build/browser-deps
SHOTS=$ROOT/build/screenshots
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

apt_install() { # PACKAGE...
  local sudo=
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || return 1
    sudo="sudo -n"
  fi
  DEBIAN_FRONTEND=noninteractive timeout 600 $sudo apt-get install -y -qq \
    --no-install-recommends "$@" >"$CLI_TMP/apt.log" 2>&1 && return 0
  timeout 300 $sudo apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive timeout 600 $sudo apt-get install -y -qq \
    --no-install-recommends "$@" >"$CLI_TMP/apt.log" 2>&1
}

[ -x "$CHROMIUM" ] || apt_install chromium
check "chromium is installed ($CHROMIUM)" test -x "$CHROMIUM"
command -v node >/dev/null 2>&1 || apt_install nodejs npm
have() { command -v "$1" >/dev/null 2>&1; }
check "node is installed" have node

# playwright-core, exactly as locked
want=$(sed -n 's/.*"playwright-core": *"\([0-9.]*\)".*/\1/p' tests/browser/package.json)
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
  "$DEPS/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1)
if [ "$have" != "$want" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p "$DEPS"
  cp tests/browser/package.json tests/browser/package-lock.json "$DEPS/"
  (cd "$DEPS" && timeout 300 npm ci --no-audit --no-fund --loglevel=error \
    >"$CLI_TMP/npm.log" 2>&1) || sed 's/^/  npm: /' "$CLI_TMP/npm.log" | tail -n 5
fi
check "playwright-core $want is installed in build/browser-deps" \
  test -f "$DEPS/node_modules/playwright-core/package.json"
if [ "$FAILED" -gt 0 ]; then
  finish
  exit 1
fi

# a store of the bundled articles, and a server on a free loopback port
DB=$CLI_TMP/browser.db
run ingest --db "$DB" examples/seeds examples/dev
check "ingest the bundled articles" rc_is 0
timeout 300 "$MARSAD" serve --db "$DB" --listen 127.0.0.1:0 >"$CLI_TMP/url" 2>"$ERR" &
SERVER=$!
url=
for _ in $(seq 1 100); do
  url=$(head -n 1 "$CLI_TMP/url" 2>/dev/null)
  [ -n "$url" ] && break
  sleep 0.1
done
RC=0
check "serve prints its URL" test -n "$url"

rm -f "$SHOTS/map.png" "$SHOTS/event.png"
LAST="node tests/browser/dashboard.cjs $url"
if [ -n "$url" ]; then
  CHROMIUM=$CHROMIUM NODE_PATH=$DEPS/node_modules timeout 170 \
    node tests/browser/dashboard.cjs "$url" "$SHOTS" examples/seeds/gold \
    >"$CLI_TMP/results" 2>"$CLI_TMP/node.err"
  RC=$?
fi
cat "$CLI_TMP/results"
[ -s "$CLI_TMP/node.err" ] && sed 's/^/  node: /' "$CLI_TMP/node.err" | head -n 20

# each line of the script is one case
passed_case() { grep -q "^PASS	$1\$" "$CLI_TMP/results"; }
ncases=0
while IFS=$'\t' read -r status name detail; do
  case $status in PASS | FAIL) ;; *) continue ;; esac
  ncases=$((ncases + 1))
  [ "$status" = FAIL ] && LAST="$name: $detail"
  check "browser: $name" passed_case "$name"
done <"$CLI_TMP/results"
RC=0
check "browser: the script reported its checks (21 expected)" test "$ncases" -ge 21

png() { [ "$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
  [ "$(wc -c <"$1")" -gt 20000 ]; }
check "screenshot build/screenshots/map.png written" png "$SHOTS/map.png"
check "screenshot build/screenshots/event.png written" png "$SHOTS/event.png"

kill -TERM "$SERVER" 2>/dev/null
wait "$SERVER"
RC=$?
check "serve exits 0 on SIGTERM" rc_is 0

finish
