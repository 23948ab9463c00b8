#!/usr/bin/env bash
# Golden test through the CLI: `marsad extract` on each bundled set writes
# exactly tests/golden/SET.jsonl, and `marsad eval` reads it back with the
# figures recorded in tests/golden/SET.figures.
set -u
bin=${MARSAD:-build/marsad}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for set in seeds dev; do
  "$bin" extract "examples/$set" > "$tmp/$set.jsonl" 2> "$tmp/$set.err"
  if ! cmp -s "$tmp/$set.jsonl" "tests/golden/$set.jsonl"; then
    echo "FAIL golden $set: marsad extract differs from tests/golden/$set.jsonl"
    diff <(head -c 2000 "$tmp/$set.jsonl") <(head -c 2000 "tests/golden/$set.jsonl") | head -5
    fail=1
  fi
  "$bin" eval "examples/$set/gold" "$tmp/$set.jsonl" > "$tmp/$set.fig" 2>&1
  if ! cmp -s "$tmp/$set.fig" "tests/golden/$set.figures"; then
    echo "FAIL golden $set: marsad eval figures differ from tests/golden/$set.figures"
    diff "$tmp/$set.fig" "tests/golden/$set.figures" | head -20
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "ok golden (seeds, dev) through the CLI"
exit $fail
