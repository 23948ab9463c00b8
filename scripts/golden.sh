#!/usr/bin/env bash
# Rewrites the golden files from the current build: tests/golden/SET.jsonl
# (events) and SET.figures (marsad eval), and lists the current misses and
# false events in the format of tests/golden/accepted.tsv (add the reasons).
set -eu
cd "$(dirname "$0")/.."
for set in seeds dev; do
  build/marsad extract "examples/$set" > "tests/golden/$set.jsonl"
  build/marsad eval "examples/$set/gold" "tests/golden/$set.jsonl" > "tests/golden/$set.figures" 2>&1 || true
  echo "# $set: misses and false events now"
  build/marsad eval --per-doc "examples/$set/gold" "tests/golden/$set.jsonl" |
    awk '/^[^ ]/ {doc=$1} /MISSED/ && !/optional/ {print doc "\t" $1 "\tmiss: " $2 " " $3} /FALSE/ {print doc "\tfalse\t" $0}'
done
