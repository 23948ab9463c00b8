#!/usr/bin/env bash
# Builds the store's benchmark helpers (bench/gen_articles.c,
# bench/search_latency.c) against build/libmarsad.a into build/bench/.
# Run from the repository root after `make`.
set -eu
cd "$(dirname "$0")/.."
mkdir -p build/bench
pkgs="libutf8proc jansson sqlite3 zlib"
for t in gen_articles search_latency; do
  if [ ! -x build/bench/$t ] || [ bench/$t.c -nt build/bench/$t ] ||
     [ build/libmarsad.a -nt build/bench/$t ]; then
    ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -Isrc \
      $(pkg-config --cflags $pkgs) -o build/bench/$t bench/$t.c \
      build/libmarsad.a $(pkg-config --libs $pkgs) -lm -lpthread
  fi
done
