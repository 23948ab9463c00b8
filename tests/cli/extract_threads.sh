#!/usr/bin/env bash
# marsad extract -j N writes exactly what -j 1 writes (events and
# diagnostics, byte for byte, in the same order): on the bundled articles, on
# broken input, in every output format, and on a generated corpus of a few
# thousand articles. Run from anywhere after `make`; exit 0 when all agree.
set -u
cd "$(dirname "$0")/../.."
bin=${MARSAD:-build/marsad}
gen=$(dirname "$bin")/bench/gen_corpus
[ -x "$gen" ] || gen=build/bench/gen_corpus
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# same(name, args...): -j1 vs -j2, -j3 and -j0 (one thread per CPU)
same() {
  local name=$1; shift
  "$bin" extract -j1 "$@" >"$tmp/out1" 2>"$tmp/err1"
  local rc1=$?
  for j in 2 3 0; do
    "$bin" extract -j "$j" "$@" >"$tmp/outj" 2>"$tmp/errj"
    local rcj=$?
    if ! cmp -s "$tmp/out1" "$tmp/outj" || ! cmp -s "$tmp/err1" "$tmp/errj" ||
       [ "$rc1" != "$rcj" ]; then
      echo "FAIL $name: -j1 and -j$j differ (exit $rc1 vs $rcj)"
      diff "$tmp/out1" "$tmp/outj" | head -5
      diff "$tmp/err1" "$tmp/errj" | head -5
      fail=1
      failed=$((failed + 1))
      return
    fi
  done
  passed=$((passed + 1))
  echo "ok   $name ($(wc -l <"$tmp/out1") lines, $(wc -l <"$tmp/err1") diagnostics)"
}

for f in jsonl csv geojson text; do
  same "examples/dev --format $f" --format "$f" examples/dev
done
same "examples/seeds + dev, mentions" --level mentions examples/seeds examples/dev

# broken lines, a missing path and text files mixed: diagnostics stay in order
printf '%s\n' '{"id":"a","text":"قتل 5 جنود في سرت أمس"}' 'not json' \
  '{"text":1}' '' '{"id":"b","published":"2016-04-24","text":"اشتباكات في بنغازي"}' \
  '{"id":"c","text":""}' 'tail' >"$tmp/bad.jsonl"
same "broken input" "$tmp/bad.jsonl" "$tmp/missing.jsonl" examples/seeds/000_0ea05e08e214245f.txt "$tmp/bad.jsonl"

if [ -x "$gen" ]; then
  "$gen" --size 10 --seed 7 -o "$tmp/corpus.jsonl" examples/seeds examples/dev 2>/dev/null
  same "generated corpus ($(wc -l <"$tmp/corpus.jsonl") articles)" "$tmp/corpus.jsonl"
else
  echo "FAIL $gen missing (run make)"
  fail=1
  failed=$((failed + 1))
fi

# a thread count that is not a number is a usage error
"$bin" extract -j x examples/seeds >/dev/null 2>&1
if [ $? != 2 ]; then
  echo "FAIL -j x is not a usage error"; fail=1; failed=$((failed + 1))
else
  echo "ok   -j x is a usage error"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
exit $fail
