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

# a JSON Lines file of many parts (the threads read them themselves):
# made-up ids and messages name the same lines as with one thread, whatever
# kind of line comes where
pad=$(printf 'وقال مصدر عسكري إن الوضع هادئ الآن. %.0s' $(seq 8))
{
  printf '\xef\xbb\xbf{"id":"first","text":"قتل جندي في سرت"}\n'
  for i in $(seq 0 9999); do
    case $((i % 7)) in
      0) printf '{"text":"قتل %d من المسلحين في درنة أمس"}\n' "$i" ;;
      1) printf '{broken %d\n' "$i" ;;
      2) printf '{"id":"crlf%d","text":"اشتباكات في بنغازي"}\r\n' "$i" ;;
      3) printf '\n \t\n' ;;
      4) printf '{"id":"bad%d","text":"\xff نص"}\n' "$i" ;;
      *) printf '{"id":"a%d","published":"2016-03-01","text":"أصيب %d جنود في هجوم على سرت. %s"}\n' "$i" "$i" "$pad" ;;
    esac
  done
  printf '{"text":"قتل 3 في سبها"}'
} >"$tmp/parts.jsonl"
same "JSON Lines in parts ($(wc -c <"$tmp/parts.jsonl") bytes)" "$tmp/parts.jsonl" examples/seeds "$tmp/parts.jsonl"

# into a pipe, records come the same as into a file
"$bin" extract -j1 "$tmp/parts.jsonl" >"$tmp/out1" 2>/dev/null
"$bin" extract -j2 "$tmp/parts.jsonl" 2>/dev/null | cat >"$tmp/outj"
if cmp -s "$tmp/out1" "$tmp/outj"; then
  echo "ok   -j2 into a pipe"; passed=$((passed + 1))
else
  echo "FAIL -j2 into a pipe differs"; fail=1; failed=$((failed + 1))
fi

# a line over 64 MB is reported with its number and skipped; the lines
# after it are read (the threads do not hold it)
{
  printf '{"id":"before","text":"قتل 5 جنود في سرت"}\n'
  printf '{"id":"huge","text":"'
  head -c $((65 << 20)) /dev/zero | tr '\0' 'a'
  printf '"}\n{"id":"after","text":"اشتباكات في بنغازي"}\n'
} >"$tmp/huge.jsonl"
same "a line over 64 MB" "$tmp/huge.jsonl"
if grep -q "huge.jsonl:2: line longer than 64 MB; skipped" "$tmp/err1" &&
   grep -q '"after"' "$tmp/out1"; then
  echo "ok   the long line named, the next one read"; passed=$((passed + 1))
else
  echo "FAIL the long line is not reported as line 2, or the next is lost"
  fail=1; failed=$((failed + 1))
fi
rm -f "$tmp/huge.jsonl"

# output that cannot be written is an error, named
for j in 1 2; do
  "$bin" extract -j$j examples/dev -o /dev/full >/dev/null 2>"$tmp/errf"
  rc=$?
  if [ $rc = 1 ] && grep -q "cannot write" "$tmp/errf"; then
    echo "ok   -j$j: a full disk is an error"; passed=$((passed + 1))
  else
    echo "FAIL -j$j: writing to /dev/full gave exit $rc"; fail=1; failed=$((failed + 1))
  fi
done

# a thread count that is not a number is a usage error
"$bin" extract -j x examples/seeds >/dev/null 2>&1
if [ $? != 2 ]; then
  echo "FAIL -j x is not a usage error"; fail=1; failed=$((failed + 1))
else
  echo "ok   -j x is a usage error"; passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
exit $fail
