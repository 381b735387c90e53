#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 14 (ASan + UBSan, every module
# coverage-instrumented) and runs one of them, or each in turn, for N
# seconds, merging new interesting inputs into fuzz/corpus/<target>/.
#   scripts/fuzz.sh [target|all|list] [seconds]   (defaults: all, 60)
# Env: INCH_FUZZ_BUILD (build dir, default build/fuzz), INCH_FUZZ_JOBS.
# Crashes are left in <build dir>/crashes/<target>/; never in the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-all}
seconds=${2:-60}
build=${INCH_FUZZ_BUILD:-build/fuzz}
jobs=${INCH_FUZZ_JOBS:-2}
all_targets=(frame wire_message wire_op op journal_record node_file handshake pairing)

if [ "$target" = list ]; then printf '%s\n' "${all_targets[@]}"; exit 0; fi
if [ "$target" != all ] && [[ ! " ${all_targets[*]} " =~ " $target " ]]; then
  echo "fuzz.sh: unknown target '$target' (try: scripts/fuzz.sh list)" >&2
  exit 2
fi

# The toolchain, installed only when missing (as scripts/install-deps.sh).
packages=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo -n); else
      echo "fuzz.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scripts/install-deps.sh

# clang 14 cannot compile libstdc++ 12's <expected> (conditionally trivial
# destructors, P0848, need clang 16): fuzz/compat/expected stands in for it
# in this build only, found first on the system include path.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
flags+=" -fno-omit-frame-pointer -isystem $PWD/fuzz/compat"
# Boost 1.74 enables co_await for clang only with libc++; libstdc++ has it.
flags+=" -DBOOST_ASIO_HAS_CO_AWAIT=1"
# clang 14 cannot emit -fsanitize=function prologues for coroutine frames
# ("Cannot represent a difference across sections"); the rest of UBSan stays.
flags+=" -fno-sanitize=function"
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null

run_one() {
  local name=$1
  cmake --build "$build" -j"$jobs" --target "fuzz_$name"
  local corpus="fuzz/corpus/$name" work="$build/work/$name" crashes="$build/crashes/$name"
  mkdir -p "$corpus" "$work" "$crashes"
  echo "== fuzz_$name for ${seconds}s (corpus $corpus)"
  # New inputs go to a scratch corpus first; the checked-in one only gets
  # the inputs that add coverage (merge below).
  local status=0
  "$build/fuzz/fuzz_$name" "$work" "$corpus" -max_total_time="$seconds" \
    -artifact_prefix="$crashes/" -print_final_stats=1 -max_len=16384 \
    -timeout=10 -rss_limit_mb=2048 || status=$?
  # -use_counters=0: keep only inputs that reach new edges (not new hit
  # counts), so the checked-in corpus stays small.
  "$build/fuzz/fuzz_$name" -merge=1 -use_counters=0 "$corpus" "$work" >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz_$name found a crash: see $crashes/ (reproduce: $build/fuzz/fuzz_$name <file>)" >&2
  fi
  return "$status"
}

if [ "$target" = all ]; then
  rc=0
  for t in "${all_targets[@]}"; do run_one "$t" || rc=1; done
  exit "$rc"
fi
run_one "$target"
