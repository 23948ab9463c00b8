#!/usr/bin/env bash
# fuzz.sh SECONDS [NAME...] — builds the libFuzzer targets (one per
# fuzz/fuzz_*.c, with the library, under ASan+UBSan: `make FUZZ=1 fuzzers`)
# into build-fuzz/ and runs each for SECONDS (all targets, or the NAMEs given
# as fuzz_x or x), $FUZZ_JOBS (default: the number of cores) at a time.
#
# Corpora live in build-fuzz/corpus/NAME/ (kept between runs, never in git),
# seeded from the bundled articles (examples/*/*.txt) and the bad inputs
# (tests/data/bad/); the dictionary is fuzz/NAME.dict when it exists, else
# fuzz/marsad.dict. A crash, leak, sanitizer error, invariant violation
# (abort) or a run over 10 s on one input stops the target and leaves the
# input in build-fuzz/artifacts/; reproduce with `build-fuzz/NAME FILE`.
# Logs: build-fuzz/logs/NAME.log. Prints one line per target and ends with
# "N passed, N failed"; exit status 1 when a target failed.
#
# `make test` runs it for 5 s; `make fuzz` for 120 s.
set -u
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
out=build-fuzz
mkdir -p "$out/logs" "$out/artifacts" "$out/corpus" 

if ! make -j"$jobs" FUZZ=1 fuzzers >"$out/logs/build.log" 2>&1; then
  echo "FAIL fuzz build (make FUZZ=1 fuzzers), last lines of $out/logs/build.log:"
  tail -n 20 "$out/logs/build.log" | sed 's/^/  /'
  echo "0 passed, 1 failed"
  exit 1
fi

# Seeds: copied afresh so that removed files do not linger.
rm -rf "$out/seeds"
mkdir -p "$out/seeds"
for f in examples/*/*.txt tests/data/bad/*; do
  [ -f "$f" ] && cp "$f" "$out/seeds/$(echo "$f" | tr / _)"
done

targets=()
if [ $# -gt 0 ]; then
  for n in "$@"; do targets+=("fuzz_${n#fuzz_}"); done
else
  for src in fuzz/fuzz_*.c; do
    [ -f "$src" ] && targets+=("$(basename "$src" .c)")
  done
fi

run_one() { # NAME: runs one target, writes NAME.result (one line)
  local t=$1 dict=fuzz/marsad.dict log=$out/logs/$1.log rc
  [ -f "fuzz/$t.dict" ] && dict=fuzz/$t.dict
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t"
  timeout $((secs + 120)) "$out/$t" -max_total_time="$secs" -max_len=4096 \
    -timeout=10 -rss_limit_mb=2560 -dict="$dict" -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t/" "$out/corpus/$t" "$out/seeds" \
    >"$log" 2>&1
  rc=$?
  local runs cov corpus
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  corpus=$(find "$out/corpus/$t" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    echo "ok   $t: ${runs:-?} runs in ${secs}s, ${cov:-cov: ?}, corpus $corpus" \
      >"$out/logs/$t.result"
  else
    local art
    art=$(grep -o "$out/artifacts/$t/[a-z]*-[0-9a-f]*" "$log" | tail -1)
    {
      echo "FAIL $t (exit $rc) — log $log"
      grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z_]*:|.*runtime error:)' "$log" |
        head -n 5 | sed 's/^/  /'
      [ -n "$art" ] && echo "  input: $art (reproduce: $out/$t $art)"
    } >"$out/logs/$t.result"
  fi
}

running=0
for t in "${targets[@]}"; do
  if [ ! -x "$out/$t" ]; then
    echo "FAIL $t: no such fuzz target (fuzz/$t.c)" >"$out/logs/$t.result"
    continue
  fi
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

passed=0
failed=0
for t in "${targets[@]}"; do
  cat "$out/logs/$t.result"
  if grep -q '^ok ' "$out/logs/$t.result"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
