#!/bin/sh
# Prints a C registry of CLI commands or tests found in the given sources.
#   commands: lines `MARSAD_COMMAND(name, "summary")` -> X(name, "summary")
#   tests:    lines `TEST(name)`                      -> X(name)
kind=$1; shift
case $kind in
  commands) sed -n 's/^MARSAD_COMMAND(\([a-z_]*\), *\(".*"\)) *$/X(\1, \2)/p' "$@" ;;
  tests)    sed -n 's/^TEST(\([A-Za-z0-9_]*\))[ {]*$/X(\1)/p' "$@" ;;
  *) echo "usage: gen_registry.sh commands|tests FILE..." >&2; exit 2 ;;
esac
