#!/usr/bin/env bash
# Installs the Debian packages marsad needs to build and test, when missing.
# Checks with pkg-config (libraries) and command -v (tools); installs only what
# is absent, non-interactively. Safe to run repeatedly.
set -eu

need_pkgs=()
check_pc() { # pkg-config-name debian-package
  pkg-config --exists "$1" 2>/dev/null || need_pkgs+=("$2")
}
check_cmd() { # command debian-package
  command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2")
}

check_cmd pkg-config pkg-config
check_cmd make make
check_cmd cc gcc
check_pc libutf8proc libutf8proc-dev
check_pc jansson libjansson-dev
check_pc sqlite3 libsqlite3-dev
check_pc zlib zlib1g-dev
check_pc libpq libpq-dev
check_pc libmicrohttpd libmicrohttpd-dev
check_pc gumbo libgumbo-dev

if [ "${1:-}" = "--test" ]; then
  # Test-only tools: a second compiler, sanitizer and fuzzer runtimes,
  # valgrind; python3 for the CLI tests and tools/gen_bad_inputs.py; sqlite3
  # for the store tests; curl for the HTTP tests; postgresql for the store
  # tests on PostgreSQL (the browser test installs
  # chromium and playwright-core itself).
  check_cmd clang clang
  check_cmd valgrind valgrind
  check_cmd python3 python3
  check_cmd sqlite3 sqlite3
  check_cmd curl curl
  # a PostgreSQL server for the store tests (scripts/pg.sh runs its own)
  [ -n "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ] || need_pkgs+=("postgresql")
  [ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
    need_pkgs+=("libclang-rt-dev")
fi

if [ ${#need_pkgs[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${need_pkgs[*]}" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root (or sudo) to install: ${need_pkgs[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || true
$SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
