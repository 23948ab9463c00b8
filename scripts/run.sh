#!/usr/bin/env bash
# The main job on the bundled sample articles (examples/seeds by default):
# extracts their events in every output format under build/examples/, shows
# them, and scores them against the bundled gold.
set -eu
cd "$(dirname "$0")/.."
bin=build/marsad
in=${1:-examples/seeds}
out=build/examples
mkdir -p "$out"
"$bin" extract "$in" -o "$out/events.jsonl"
"$bin" extract --format csv "$in" -o "$out/events.csv"
"$bin" extract --format geojson "$in" -o "$out/events.geojson"
"$bin" extract --format text "$in"
echo
echo "marsad: $(wc -l < "$out/events.jsonl") events from $(ls "$in"/*.txt | wc -l) articles in $in"
echo "written: $out/events.jsonl, $out/events.csv, $out/events.geojson"
if [ -d "$in/gold" ] && "$bin" eval --help >/dev/null 2>&1; then
  echo
  echo "score against $in/gold:"
  "$bin" eval "$in/gold" "$out/events.jsonl" || true
fi
