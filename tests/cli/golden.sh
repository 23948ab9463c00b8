# golden.sh — golden test through the CLI: `marsad extract` on each bundled
# set writes exactly tests/golden/SET.jsonl (the library test checks the same
# files), and `marsad eval` reads them back with the figures recorded in
# tests/golden/SET.figures. `make golden` rewrites both after a reviewed
# change of extraction.
. "$(dirname "$0")/lib/cli.sh"

for set in seeds dev; do
  run extract "examples/$set"
  check "extract $set: exit 0" rc_is 0
  check "extract $set: output equals tests/golden/$set.jsonl" \
    cmp -s "$OUT" "tests/golden/$set.jsonl"
  cp "$OUT" "$CLI_TMP/$set.jsonl"
  run eval "examples/$set/gold" "$CLI_TMP/$set.jsonl"
  check "eval $set: exit 0" rc_is 0
  check "eval $set: figures equal tests/golden/$set.figures" \
    cmp -s "$OUT" "tests/golden/$set.figures"
done
finish
