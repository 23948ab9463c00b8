#!/usr/bin/env bash
# marsad extract on bad input: an empty article, English only, no date,
# broken metadata JSON, broken and non-article JSON Lines, 10 MB of text.
# Each gets a clear message naming the file (and line), nothing crashes, and
# the rest of the input is still processed.
set -u
bin=${MARSAD:-build/marsad}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description, condition (command)
  if eval "$2"; then :; else echo "FAIL extract bad input: $1"; fail=1; fi
}
mkdir "$tmp/dir"
: > "$tmp/dir/empty.txt"
echo 'Only English text here.' > "$tmp/dir/english.txt"
echo 'اشتباكات في بنغازي أمس.' > "$tmp/dir/nodate.txt"
cp examples/seeds/000_0ea05e08e214245f.txt "$tmp/dir/broken.txt"
echo '{"id": "x", "published": ' > "$tmp/dir/broken.json"
printf '%s\n' '{"id":"a","published":"2016-02-24","text":"اشتباكات في بنغازي أمس."}' \
  '{broken' '{"id":"c","text":42}' '' \
  '{"id":"d","published":"2016-02-24","text":"قتل 3 في سرت أمس."}' > "$tmp/bad.jsonl"
"$bin" extract "$tmp/dir" "$tmp/bad.jsonl" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "exit status 1 when input was bad (got $rc)" '[ $rc -eq 1 ]'
check "broken metadata named with file:line" 'grep -q "broken.json:2: broken metadata JSON" "$tmp/err"'
check "broken JSON line named" 'grep -q "bad.jsonl:2: broken JSON" "$tmp/err"'
check "non-article line named" 'grep -q "bad.jsonl:3: not an article" "$tmp/err"'
check "empty article warned" 'grep -q "empty: warning: article has no text" "$tmp/err"'
check "English-only article warned" 'grep -q "english: warning: no Arabic text" "$tmp/err"'
check "missing date warned" 'grep -q "nodate: warning: no publication date" "$tmp/err"'
check "article with broken metadata still extracted" 'grep -q "\"doc_id\":\"broken\"" "$tmp/out"'
check "undated event has a null date" 'grep "\"doc_id\":\"nodate\"" "$tmp/out" | grep -q "\"event_date\":null"'
check "JSON Lines after a broken line still read" 'grep -q "\"doc_id\":\"d\"" "$tmp/out"'
check "output is valid JSON Lines" '! grep -v "^{.*}$" "$tmp/out" | grep -q .'
# 10 MB of text in one article
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "قتل 5 جنود في اشتباكات ببنغازي أمس. "; print "" }' > "$tmp/big.txt"
"$bin" extract --published 2016-02-24 "$tmp/big.txt" > "$tmp/big.out" 2> "$tmp/big.err"
rc=$?
check "10 MB article processed with a warning (exit $rc)" '[ $rc -eq 0 ] && [ -s "$tmp/big.out" ] && grep -q "MB, far longer than news" "$tmp/big.err"'
# usage errors
"$bin" extract --format xml "$tmp/dir" > /dev/null 2>&1; rc=$?
check "bad --format is a usage error (exit $rc)" '[ $rc -eq 2 ]'
"$bin" extract /nonexistent/path > /dev/null 2> "$tmp/err2"; rc=$?
check "missing path reported (exit $rc)" '[ $rc -eq 1 ] && grep -q "/nonexistent/path" "$tmp/err2"'
[ $fail -eq 0 ] && echo "ok extract bad input"
exit $fail
