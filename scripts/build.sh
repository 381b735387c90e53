#!/usr/bin/env bash
# Configures and builds one flavour of inch:
#   release (default): optimised, with debug info; what scripts/demo.sh
#     runs and bench/ measures. Warnings are shown, and are errors only
#     with INCH_WERROR=ON in the environment.
#   asan: AddressSanitizer + UndefinedBehaviorSanitizer, no optimisation,
#     line tables only (enough for the sanitizers' stack traces), test
#     files compiled in batches (INCH_UNITY), warnings are errors. The
#     flavour scripts/test.sh and CI test.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
shift || true
case "$flavour" in
  release) extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DINCH_WERROR=${INCH_WERROR:-OFF}") ;;
  asan) extra=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1"
               -DINCH_SANITIZE=ON -DINCH_BENCH=OFF -DINCH_UNITY=ON -DINCH_WERROR=ON) ;;
  *) echo "usage: scripts/build.sh [release|asan] [cmake --build args]" >&2; exit 2 ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "build/$flavour" "${extra[@]}" >/dev/null
cmake --build "build/$flavour" -j"$jobs" "$@"
