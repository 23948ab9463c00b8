# basics.sh — the command line's contract: usage, --version, --help on every
# command listed by `marsad --help`, exit codes 0 ok / 1 input errors / 2 usage.
. "$(dirname "$0")/lib/cli.sh"

run
check "no arguments: exit 2" rc_is 2
check "no arguments: usage on stderr" err_has '^usage: marsad <command>'

run --version
check "--version: exit 0" rc_is 0
check "--version: prints 'marsad X.Y.Z'" out_has '^marsad [0-9]+\.[0-9]+\.[0-9]+$'
version=$(cat "$OUT")
check "--version: same as MARSAD_VERSION in include/marsad.h" \
  grep -q "MARSAD_VERSION \"${version#marsad }\"" include/marsad.h

for h in --help -h help; do
  run $h
  check "$h: exit 0" rc_is 0
  check "$h: lists commands" out_has '^commands:'
  check "$h: nothing on stderr" err_empty
done

run no-such-command
check "unknown command: exit 2" rc_is 2
check "unknown command: named on stderr" err_has "unknown command 'no-such-command'"

# Every command `marsad --help` lists has its own --help and rejects an
# unknown option as a usage error.
run --help
commands=$(sed -n '/^commands:/,$s/^  \([a-z_][a-z0-9_]*\) .*/\1/p' "$OUT")
check "--help lists at least one command" test -n "$commands"
for c in $commands; do
  CLI_TIMEOUT=60 run "$c" --help
  check "$c --help: exit 0" rc_is 0
  check "$c --help: usage on stdout" out_has "[Uu]sage: +marsad $c"
  CLI_TIMEOUT=60 run "$c" --no-such-option
  check "$c --no-such-option: exit 2" rc_is 2
  check "$c --no-such-option: says why on stderr" err_has 'no-such-option|usage'
done

finish
