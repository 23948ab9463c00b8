# extract_badinput.sh — `marsad extract` on bad input: an empty article,
# English only, no date, broken metadata JSON, broken and non-article JSON
# Lines, 10 MB of text, usage errors. Each gets a clear message naming the
# file (and line), nothing crashes, and the rest of the input is processed.
. "$(dirname "$0")/lib/cli.sh"

d=$CLI_TMP/dir
mkdir "$d"
: > "$d/empty.txt"
echo 'Only English text here.' > "$d/english.txt"
echo 'اشتباكات في بنغازي أمس.' > "$d/nodate.txt"
cp examples/seeds/000_0ea05e08e214245f.txt "$d/broken.txt"
echo '{"id": "x", "published": ' > "$d/broken.json"
printf '%s\n' '{"id":"a","published":"2016-02-24","text":"اشتباكات في بنغازي أمس."}' \
  '{broken' '{"id":"c","text":42}' '' \
  '{"id":"d","published":"2016-02-24","text":"قتل 3 في سرت أمس."}' > "$CLI_TMP/bad.jsonl"

run extract "$d" "$CLI_TMP/bad.jsonl"
check "exit status 1 when some input was bad" rc_is 1
check "broken metadata named with file:line" err_has 'broken\.json:2: broken metadata JSON'
check "broken JSON line named" err_has 'bad\.jsonl:2: broken JSON'
check "non-article line named" err_has 'bad\.jsonl:3: not an article'
check "empty article warned" err_has 'empty: warning: article has no text'
check "English-only article warned" err_has 'english: warning: no Arabic text'
check "missing date warned" err_has 'nodate: warning: no publication date'
check "article with broken metadata still extracted" out_has '"doc_id":"broken"'
check "undated event has a null date" sh -c "grep '\"doc_id\":\"nodate\"' '$OUT' | grep -q '\"event_date\":null'"
check "JSON Lines after a broken line still read" out_has '"doc_id":"d"'
check "every output line is a JSON object" sh -c "! grep -v '^{.*}\$' '$OUT' | grep -q ."

run_in "$CLI_TMP/bad.jsonl" extract -
check "standard input: the good lines read" out_has '"doc_id":"d"'
check "standard input: bad line named" err_has '<stdin>:2: broken JSON'

awk 'BEGIN { for (i = 0; i < 200000; i++) printf "قتل 5 جنود في اشتباكات ببنغازي أمس. "; print "" }' \
  > "$CLI_TMP/big.txt"
run extract --published 2016-02-24 "$CLI_TMP/big.txt"
check "10 MB article: exit 0" rc_is 0
check "10 MB article: events written" out_has '"event_type":"Battles"'
check "10 MB article: warned as far longer than news" err_has 'MB, far longer than news'

run extract --format xml "$d"
check "bad --format: usage error" rc_is 2
run extract --published 24/4/2016 "$d"
check "bad --published: usage error" rc_is 2
run extract /nonexistent/path
check "missing path: exit 1" rc_is 1
check "missing path: named" err_has '/nonexistent/path'
finish
