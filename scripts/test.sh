#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test through CTest: once in
# the release build, once under AddressSanitizer + UndefinedBehaviorSanitizer.
# Labels: unit, property, e2e, security (`ctest -L unit` runs one alone).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

# Tests start their own agents and daemons; they must not find the caller's.
export XDG_RUNTIME_DIR
XDG_RUNTIME_DIR=$(mktemp -d)
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
unset INCH_HOME INCH_PASSPHRASE_FILE

for flavour in release asan; do
  echo "== build ($flavour)"
  bash scripts/build.sh "$flavour" >/dev/null
  if [ "$flavour" = release ]; then
    echo "== lint (clang-format, clang-tidy)"
    bash scripts/lint.sh
  fi
  echo "== test ($flavour)"
  # The release pass runs the full property suites (>= 10,000 cases); under
  # the sanitizers the SQLite-backed property cases are fewer, to keep CI short.
  cases=()
  [ "$flavour" = asan ] && cases=(INCH_CASES=300)
  env "${cases[@]}" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "build/$flavour" --output-on-failure -j"$jobs" --timeout 600 </dev/null
done
echo "== all tests passed"
