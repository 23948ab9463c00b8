# badinput.sh — `marsad tokenize` on every file of tests/data/badinput.tsv
# (empty, binary, surrogates, overlong, truncated, NUL bytes, all
# diacritics, controls): no crash, the exit status of the table, a warning
# naming file:line for invalid and NUL bytes, and the other warning of the
# table; then a 50 MiB single line (generated into build/test-data/).
. "$(dirname "$0")/lib/cli.sh"

plural() { [ "$1" = 1 ] && echo "$2" || echo "$2s"; }

while IFS=$'\t' read -r file invalid nuls status bad_line nul_line other; do
  case $file in '#'* | '') continue ;; esac
  path=tests/data/bad/$file
  qpath=$(re_quote "$path")
  run tokenize "$path"
  check "$file: exit $status" rc_is "$status"
  check "$file: no crash, output complete" test "$RC" -le 2
  if [ "$invalid" != 0 ]; then
    check "$file: warns about $invalid invalid bytes at line $bad_line" \
      err_has "^marsad: $qpath:$bad_line: warning: $invalid invalid UTF-8 $(plural "$invalid" byte)"
  fi
  if [ "$nuls" != 0 ]; then
    check "$file: warns about $nuls NUL bytes at line $nul_line" \
      err_has "^marsad: $qpath:$nul_line: warning: $nuls NUL $(plural "$nuls" byte)"
  fi
  if [ "$other" != - ]; then
    check "$file: warns '$other'" err_has "^marsad: $qpath(:[0-9]+)?: $other"
  fi
  if [ "$invalid$nuls$other" = 00- ]; then
    check "$file: no warning" err_empty
  fi
  check "$file: every stderr line names the file" \
    test "$(grep -cv "^marsad: $qpath[:]" "$ERR")" = 0
  # the printed text is clean: valid UTF-8, no control characters but \t \n
  # (C0, DEL, C1), no Unicode line or paragraph separator
  clean='import sys, re
s = open(sys.argv[1], "rb").read().decode("utf-8")
sys.exit(1 if re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", s) else 0)'
  check "$file: output is clean UTF-8" python3 -c "$clean" "$OUT"
  run tokenize --sentences "$path"
  check "$file: --sentences exit $status" rc_is "$status"
  check "$file: --sentences output is clean UTF-8" python3 -c "$clean" "$OUT"
  run tokenize "$path"
  # the same bytes through standard input give the same tokens
  cp "$OUT" "$CLI_TMP/by-name"
  run_in "$path" tokenize -
  check "$file: same tokens from standard input" cmp -s "$OUT" "$CLI_TMP/by-name"
done <tests/data/badinput.tsv

# 50 MiB on one line: processed completely, warned about, and in about the
# time of 10 x 5 MiB (linear: a generous factor 30, quadratic would be 100).
big=build/test-data/big-line.txt
mkdir -p build/test-data
if [ ! -s "$big" ] || [ tools/gen_bad_inputs.py -nt "$big" ]; then
  python3 tools/gen_bad_inputs.py --big "$big"
fi
head -c $((5 * 1024 * 1024)) "$big" >"$CLI_TMP/5mb.txt"
t0=$(date +%s.%N)
run tokenize "$CLI_TMP/5mb.txt"
t1=$(date +%s.%N)
check "5 MiB line: exit 0" rc_is 0
t2=$(date +%s.%N)
run tokenize "$big"
t3=$(date +%s.%N)
check "50 MiB line: exit 0" rc_is 0
check "50 MiB line: warns that line 1 is 52428800 bytes" \
  err_has "^marsad: $(re_quote "$big"):1: warning: line of 52428800 bytes"
last_end=$(tail -n 1 "$OUT" | cut -f2)
check "50 MiB line: tokens up to the end (last ends at $last_end)" \
  test "${last_end:-0}" -gt $((52428800 - 200))
ratio=$(echo "$t0 $t1 $t2 $t3" | awk '{ s = $2 - $1; if (s < 0.05) s = 0.05; printf "%.1f", ($4 - $3) / s }')
echo "     5 MiB: $(echo "$t0 $t1" | awk '{printf "%.2f", $2-$1}')s, 50 MiB: $(echo "$t2 $t3" | awk '{printf "%.2f", $2-$1}')s (x$ratio)"
check "50 MiB line: linear time (x$ratio for 10x the bytes, limit 30)" \
  awk -v r="$ratio" 'BEGIN { exit !(r < 30) }'

finish
