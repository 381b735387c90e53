#!/usr/bin/env bash
# Configures and builds one flavour of inch: `release` (default) or `asan`
# (AddressSanitizer + UndefinedBehaviorSanitizer). Warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
shift || true
case "$flavour" in
  release) extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan) extra=(-DCMAKE_BUILD_TYPE=Debug -DINCH_SANITIZE=ON -DINCH_BENCH=OFF) ;;
  *) echo "usage: scripts/build.sh [release|asan] [cmake --build args]" >&2; exit 2 ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "build/$flavour" -DINCH_WERROR=ON "${extra[@]}" >/dev/null
cmake --build "build/$flavour" -j"$jobs" "$@"
