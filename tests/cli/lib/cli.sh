# cli.sh — helpers for the command-line tests tests/cli/*.sh (sourced).
#
# scripts/test.sh runs each tests/cli/NAME.sh as `MARSAD=/path/to/marsad bash
# tests/cli/NAME.sh` from the repository root (also under the sanitizer
# build). A test file runs the binary with `run ARGS...` (stdin from
# /dev/null) or `run_in FILE ARGS...` (stdin from FILE), which set $RC and
# the files $OUT and $ERR, then states each expectation as
#     check "what must hold" PREDICATE [ARGS...]
# Predicates: rc_is N, out_has ERE, err_has ERE, out_lacks ERE, err_empty,
# or any shell command. A case also fails when the binary reported a
# sanitizer error or was killed by the time limit ($CLI_TIMEOUT seconds,
# default 300). The file ends with `finish`, which prints the runner's last
# line "N passed, N failed" and sets the exit status.
set -u
: "${MARSAD:?set MARSAD to the marsad binary}"
case $MARSAD in /*) ;; *) MARSAD=$PWD/$MARSAD ;; esac
CLI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/marsad-cli.XXXXXX")
trap 'rm -rf "$CLI_TMP"' EXIT
OUT=$CLI_TMP/stdout
ERR=$CLI_TMP/stderr
RC=0
LAST=
PASSED=0
FAILED=0
: >"$OUT"
: >"$ERR"

run() {
  LAST="marsad $*"
  timeout "${CLI_TIMEOUT:-300}" "$MARSAD" "$@" >"$OUT" 2>"$ERR" </dev/null
  RC=$?
}

run_in() { # FILE ARGS...
  local in=$1
  shift
  LAST="marsad $* < $in"
  timeout "${CLI_TIMEOUT:-300}" "$MARSAD" "$@" >"$OUT" 2>"$ERR" <"$in"
  RC=$?
}

rc_is() { [ "$RC" -eq "$1" ]; }
out_has() { grep -Eq -- "$1" "$OUT"; }
err_has() { grep -Eq -- "$1" "$ERR"; }
out_lacks() { ! grep -Eq -- "$1" "$OUT"; }
err_empty() { [ ! -s "$ERR" ]; }

# Regex-quotes a literal string (for file names inside patterns).
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$/+?(){}|]/\\&/g'; }

pass() {
  PASSED=$((PASSED + 1))
  echo "ok   $1"
}

fail() { # NAME [DETAIL...]
  FAILED=$((FAILED + 1))
  echo "FAIL $1"
  shift
  local d
  for d in "$@"; do echo "  $d"; done
  echo "  after: $LAST (exit $RC)"
  head -c 600 "$ERR" | sed 's/^/  stderr: /'
}

check() { # NAME PREDICATE [ARGS...]
  local name=$1
  shift
  if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
    fail "$name" "timed out after ${CLI_TIMEOUT:-300}s"
  elif grep -Eq 'Sanitizer|runtime error:' "$ERR"; then
    fail "$name" "sanitizer error"
  elif "$@"; then
    pass "$name"
  else
    fail "$name" "not true: $(printf '%s' "$*" | head -n 1 | cut -c 1-200)"
  fi
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
