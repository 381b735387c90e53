#!/usr/bin/env bash
# Static checks, run by scripts/test.sh after the build:
#   1. clang-format --dry-run --Werror on every .cpp/.hpp of ours;
#   2. clang-tidy 14 (checks in .clang-tidy, every finding an error) over
#      the sources of crypto store net ui cli, one unit per library.
# Needs a build's compile_commands.json (scripts/build.sh asan or release).
#   scripts/lint.sh [format|tidy]      (default: both)
# Env: INCH_LINT_BUILD (build dir; default build/asan, else build/release),
# INCH_LINT_JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
default_build=build/asan
[ -f "$default_build/compile_commands.json" ] || default_build=build/release
build=${INCH_LINT_BUILD:-$default_build}
jobs=${INCH_LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
rc=0  # 1 once any check failed; both checks run regardless

if [ "$what" = all ] || [ "$what" = format ]; then
  echo "== clang-format"
  mapfile -t files < <(find common crypto store net cli ui fuzz tests bench \
    \( -name '*.cpp' -o -name '*.hpp' \) -not -path 'fuzz/compat/*' | sort)
  if ! clang-format --dry-run --Werror "${files[@]}"; then
    echo "lint: some files are not clang-formatted; run:" \
         "clang-format -i <the files named above>" >&2
    rc=1
  fi
fi

if [ "$what" = all ] || [ "$what" = tidy ]; then
  echo "== clang-tidy"
  if [ ! -f "$build/compile_commands.json" ]; then
    echo "lint: no $build/compile_commands.json; run scripts/build.sh asan first" >&2
    exit 2
  fi
  # clang 14 parses the g++ build's commands, with the same stand-ins as
  # the clang fuzz build (scripts/fuzz.sh): fuzz/compat/expected for
  # libstdc++ 12's <expected>, co_await on for Boost.Asio, and -std=c++2b
  # (clang 14 does not know the -std=c++23 that CMake passes to g++ 12).
  # clang's -Wconversion also means -Wsign-conversion, which g++'s does not
  # and which the tree does not pass (cmake/InchWarnings.cmake).
  # scripts/lint_units.py gives clang a compile database of one unit per
  # library (each including all of that library's .cpp files, with their
  # flags less the g++ precompiled header): parsing and walking the system
  # headers once per library instead of once per file is ten times faster.
  # The units live outside the tree, so the config is named explicitly.
  db=$(mktemp -d)
  log=$(mktemp)
  trap 'rm -rf "$log" "$db"' EXIT
  mapfile -t units < <(python3 scripts/lint_units.py \
    "$build/compile_commands.json" "$db" "$PWD")
  args=(-p "$db" --quiet "--config-file=$PWD/.clang-tidy"
        "-extra-arg-before=-isystem$PWD/fuzz/compat"
        -extra-arg=-DBOOST_ASIO_HAS_CO_AWAIT=1 -extra-arg=-std=c++2b
        -extra-arg=-Wno-sign-conversion)
  tidy_rc=0
  printf '%s\n' "${units[@]}" |
    xargs -P "$jobs" -n 1 clang-tidy-14 "${args[@]}" >"$log" 2>&1 || tidy_rc=1
  # clang-tidy prints warning counts; show the findings with their source
  # lines, without those.
  sed 's/\x1b\[[0-9;]*m//g' "$log" |
    grep -vE '^(clang-tidy-14 |Suppressed |Use -header-filter|[0-9]+ warnings? (and [0-9]+ errors? )?generated)' ||
    true
  if [ "$tidy_rc" -ne 0 ]; then
    rc=1
    echo "lint: clang-tidy reported findings (above); fix them, or disable a" \
         "check in .clang-tidy with a comment saying why" >&2
  fi
fi

[ "$rc" -eq 0 ] && echo "== lint passed"
exit "$rc"
