# tokenize.sh — `marsad tokenize`: the dateline of seed article 004 gives 24,
# أبريل and 2016 as separate tokens whose offsets slice the file back to the
# same bytes; every token of every bundled article does; files that cannot
# be read are reported by name with exit 1; standard input works.
. "$(dirname "$0")/lib/cli.sh"

seed=examples/seeds/004_211c947fa9c0ab59.txt
run tokenize "$seed"
check "tokenize seed: exit 0" rc_is 0
check "tokenize seed: no warning" err_empty
check "tokenize seed: sentence headers" out_has '^# sentence 0 \[[0-9]+,[0-9]+\) paragraph 0$'

# The token lines for 24 / أبريل / 2016, in that order and adjacent.
cp "$OUT" "$CLI_TMP/seed.tok"
line=$(grep -nP '^\d+\t\d+\tnumber\t24\t24$' "$CLI_TMP/seed.tok" | head -1 | cut -d: -f1)
check "dateline: 24 is a number token" test -n "$line"
line=${line:-1}
toks=$(sed -n "${line},$((line + 4))p" "$CLI_TMP/seed.tok" | cut -f3,4 | tr '\t\n' ':|')
check "dateline: 24 / أبريل / 2016 are five tokens" \
  test "$toks" = "number:24|punct:/|word:أبريل|punct:/|number:2016|"
# slice each of the three out of the file with dd at the printed offsets
for k in 0 2 4; do
  read -r start end kind text folded < <(sed -n "$((line + k))p" "$CLI_TMP/seed.tok")
  slice=$(dd if="$seed" bs=1 skip="${start:-0}" count=$(( ${end:-0} - ${start:-0} )) 2>/dev/null)
  check "dateline: bytes [$start,$end) of the file are '$text'" test "$slice" = "$text"
done
check "dateline: أبريل folds to ابريل" \
  grep -qP '\tword\tأبريل\tابريل$' "$CLI_TMP/seed.tok"

# Every token line of every bundled article slices back to its text.
for f in examples/seeds/*.txt examples/dev/*.txt; do
  run tokenize "$f"
  if [ "$RC" -ne 0 ]; then
    check "tokenize $f: exit 0" rc_is 0
    continue
  fi
  bad=$(python3 - "$f" "$OUT" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
bad = n = 0
for line in open(sys.argv[2], "rb"):
    if line.startswith(b"#"):
        continue
    start, end, kind, text, folded = line.rstrip(b"\n").split(b"\t")
    n += 1
    if data[int(start):int(end)] != text:
        bad += 1
print(f"{bad} of {n}" if bad or n == 0 else "")
PY
)
  check "tokenize $f: every token slices back" test -z "$bad"
done

# Standard input, several files, --sentences.
run_in "$seed" tokenize -
check "tokenize -: reads standard input" out_has $'^[0-9]+\t[0-9]+\tnumber\t2016\t2016$'
run tokenize --sentences "$seed"
check "tokenize --sentences: exit 0" rc_is 0
check "tokenize --sentences: no token lines" out_lacks $'^[0-9]+\t'

# Input errors: reported with the file name, exit 1, the rest still done.
run tokenize no/such/file.txt "$seed"
check "missing file: exit 1" rc_is 1
check "missing file: named on stderr" err_has '^marsad: no/such/file\.txt: '
check "missing file: the next file is still processed" out_has $'\tnumber\t2016\t'
run tokenize tests/data
check "directory: exit 1" rc_is 1
check "directory: named on stderr" err_has '^marsad: tests/data: '

# Usage errors: exit 2.
run tokenize
check "tokenize without a file: exit 2" rc_is 2
run tokenize --bogus "$seed"
check "tokenize --bogus: exit 2" rc_is 2
check "tokenize --bogus: nothing processed" test ! -s "$OUT"

finish
