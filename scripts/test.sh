#!/usr/bin/env bash
# test.sh — every test of marsad, as `make test` and CI (.ci/run) run it.
#
#  1. scripts/setup.sh --test: installs missing packages (compilers,
#     valgrind, the libFuzzer runtime, PostgreSQL);
#  2. a throw-away PostgreSQL server (scripts/pg.sh, stopped and removed at
#     the end): its URL is exported as MARSAD_TEST_PG, so that the store's
#     unit tests run on both backends and tests/cli/store_pg.sh runs;
#     MARSAD_TEST_PG=off skips PostgreSQL;
#  3. gcc build (-Werror) into build/: unit tests, CLI tests (tests/cli/*.sh);
#  4. clang build (-Werror) into build-clang/: unit tests;
#  5. ASan+UBSan build (make SAN=1) into build-san/: unit tests, CLI tests;
#  6. ThreadSanitizer build (make TSAN=1) into build-tsan/: the unit tests of
#     the code that runs on several threads (the pipeline, the server, the
#     store, the golden articles) on SQLite, and tests/cli/extract_threads.sh
#     (-j N against -j 1); a data race fails them;
#  7. valgrind (no leak, no invalid access) on the gcc build: the unit tests,
#     with the linear-time inputs cut to 16 KB (MARSAD_TEST_LINEAR_KB), and
#     `marsad tokenize` on every bundled article and bad input; on SQLite
#     only (PostgreSQL's client library under valgrind triples the time and
#     its code is checked by the ASan run);
#  8. every libFuzzer target (fuzz/fuzz_*.c) for $FUZZ_SECONDS (default 5) s.
#
# Each suite's output goes to build/test-logs/NAME.log; one summary line per
# suite is shown, with the failures. The last line sums every suite as
# "N passed, N failed" (unit tests per build, CLI cases per build, each
# build, each valgrind run, each fuzz target); the exit status is 1 when
# anything failed. Tests, CLI tests and fuzz targets are found by wildcard.
set -u
cd "$(dirname "$0")/.."
export LC_ALL=C.UTF-8
JOBS=$(nproc 2>/dev/null || echo 2)
LOGS=build/test-logs
FUZZ_SECONDS=${FUZZ_SECONDS:-5}
PASSED=0
FAILED=0
T_START=$(date +%s)
mkdir -p "$LOGS"
rm -f "$LOGS"/*.log

# Sanitizer reports get exit codes of their own, distinct from marsad's 0-2.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=87}

now() { date +%s; }

# Shows a failed suite's failures (or its last lines).
show_failures() { # LOG
  local re='^(FAIL|  [^ ]|==[0-9]+== )'
  if grep -qE "$re" "$1"; then
    grep -E "$re" "$1" | head -n 40
  else
    tail -n 25 "$1"
  fi | sed 's/^/    /'
}

# suite NAME COMMAND...: runs a command whose last line is "N passed, N
# failed" and adds its counts; a crash, a missing last line or an exit status
# that contradicts the counts adds one failure.
suite() {
  local name=$1 log=$LOGS/$1.log t0 rc p=0 f=0 last
  shift
  t0=$(now)
  "$@" >"$log" 2>&1 </dev/null
  rc=$?
  last=$(tail -n 1 "$log")
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p=${BASH_REMATCH[1]}
    f=${BASH_REMATCH[2]}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  else
    f=1
    echo "(no summary line; exit status $rc)" >>"$log"
  fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  printf '%-26s %5d passed, %3d failed  %4ds  %s\n' "$name" "$p" "$f" \
    $(($(now) - t0)) "$log"
  [ "$f" -eq 0 ] || show_failures "$log"
  return $((f > 0))
}

# check NAME COMMAND...: one case that passes when the command succeeds
# (builds, valgrind runs).
check() {
  local name=$1 log=$LOGS/$1.log t0 rc
  shift
  t0=$(now)
  "$@" >"$log" 2>&1 </dev/null
  rc=$?
  if [ "$rc" -eq 0 ]; then
    PASSED=$((PASSED + 1))
    printf '%-26s %5d passed, %3d failed  %4ds  %s\n' "$name" 1 0 \
      $(($(now) - t0)) "$log"
  else
    FAILED=$((FAILED + 1))
    printf '%-26s %5d passed, %3d failed  %4ds  %s (exit %d)\n' "$name" 0 1 \
      $(($(now) - t0)) "$log" "$rc"
    show_failures "$log"
  fi
  return "$rc"
}

# The CLI tests of tests/cli/*.sh against one binary, one suite per file.
cli_suites() { # VARIANT BINARY
  local t
  for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    # the sanitizer build runs the workers' test on fewer articles
    if [ "$1" = san ]; then
      STORE_WORKERS_N=2000 MARSAD=$2 suite "cli-$(basename "$t" .sh)-$1" bash "$t"
    else
      MARSAD=$2 suite "cli-$(basename "$t" .sh)-$1" bash "$t"
    fi
  done
}

VG="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"

# valgrind on the CLI: tokenize every article and bad input in one run (exit
# 1 is expected: the bad inputs are input errors), and every command's --help.
vg_cli() {
  local rc
  $VG build/marsad tokenize examples/*/*.txt tests/data/bad/* >/dev/null
  rc=$?
  [ "$rc" -le 1 ] || return "$rc"
  local c
  for c in $(build/marsad --help | sed -n '/^commands:/,$s/^  \([a-z_][a-z0-9_]*\) .*/\1/p'); do
    $VG build/marsad "$c" --help >/dev/null || return $?
  done
}

echo "marsad tests: $JOBS jobs, logs in $LOGS/"
check setup bash scripts/setup.sh --test

# PostgreSQL for the store tests: one server for the whole run
PG_DIR=
stop_pg() {
  if [ -n "$PG_DIR" ]; then
    bash scripts/pg.sh stop "$PG_DIR" >"$LOGS/postgresql-stop.log" 2>&1 ||
      echo "  (the PostgreSQL test server in $PG_DIR did not stop)"
  fi
  PG_DIR=
}
trap stop_pg EXIT
trap 'stop_pg; exit 130' INT TERM
if [ "${MARSAD_TEST_PG:-}" = off ]; then
  unset MARSAD_TEST_PG
  echo "  (PostgreSQL skipped: MARSAD_TEST_PG=off)"
elif [ -z "${MARSAD_TEST_PG:-}" ]; then
  PG_DIR=$(mktemp -d /tmp/marsad-pg-XXXXXX)
  if check postgresql bash -c "bash scripts/pg.sh start '$PG_DIR' > '$PG_DIR.url'"; then
    MARSAD_TEST_PG=$(cat "$PG_DIR.url")
    export MARSAD_TEST_PG
  else
    stop_pg
  fi
  rm -f "$PG_DIR.url"
fi

# gcc
if check build-gcc make -j"$JOBS" CC=gcc BUILD=build; then
  suite unit-gcc build/marsad-tests
  cli_suites gcc build/marsad
fi

# clang
if check build-clang make -j"$JOBS" CC=clang BUILD=build-clang; then
  suite unit-clang build-clang/marsad-tests
fi

# ASan + UBSan. LeakSanitizer cannot run where ptrace is forbidden (some
# containers): then leaks are left to valgrind, and the log says so.
if check build-san make -j"$JOBS" SAN=1; then
  if ! build-san/marsad --version >/dev/null 2>"$LOGS/lsan-probe.log" &&
    grep -q LeakSanitizer "$LOGS/lsan-probe.log"; then
    echo "  (LeakSanitizer unavailable here: ASan runs without leak detection)"
    export ASAN_OPTIONS=${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}
  fi
  suite unit-san build-san/marsad-tests
  cli_suites san build-san/marsad
fi

# ThreadSanitizer: the threaded code's tests; a report is a failure
if check build-tsan make -j"$JOBS" TSAN=1; then
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:exitcode=88}
  suite unit-tsan env -u MARSAD_TEST_PG build-tsan/marsad-tests pipeline serve store_ golden
  MARSAD=build-tsan/marsad suite cli-extract_threads-tsan bash tests/cli/extract_threads.sh
fi

# valgrind, on the gcc build
if [ -x build/marsad-tests ] && command -v valgrind >/dev/null; then
  check valgrind-unit env -u MARSAD_TEST_PG MARSAD_TEST_LINEAR_KB=16 $VG build/marsad-tests
  check valgrind-cli vg_cli
else
  check valgrind-unit false
fi

# libFuzzer targets
suite fuzz bash scripts/fuzz.sh "$FUZZ_SECONDS"

echo "total time $(($(now) - T_START))s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
