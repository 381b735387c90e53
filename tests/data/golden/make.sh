#!/usr/bin/env bash
# Makes the golden homes in this folder with a given `inch` binary: two
# partners, Alex and Sam, paired and synced, with a journal entry each,
# wishes, a give, a choice, a note, a withdrawn item and a private draft.
# Kept in git so that every later build must open, read and sync homes
# written by this format version (golden_e2e_test.cpp). Regenerate only
# when a format version is added, keeping the old folder beside the new.
#   usage: make.sh INCH_BINARY OUT_DIR
set -euo pipefail
bin=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
work=$(mktemp -d)
trap 'for w in alex sam; do "$bin" --home "$out/$w" lock >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
export XDG_RUNTIME_DIR="$work/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
for who in alex sam; do
  printf 'golden passphrase of %s\n' "$who" >"$out/$who.pass"
  chmod 600 "$out/$who.pass"
  "$bin" --home "$out/$who" --passphrase-file "$out/$who.pass" init >/dev/null
  "$bin" --home "$out/$who" --passphrase-file "$out/$who.pass" unlock >/dev/null
done
alex() { "$bin" --home "$out/alex" "$@"; }
sam() { "$bin" --home "$out/sam" "$@"; }
id() { tr -d '\n' | sed -E 's/.*"id": *"([^"]+)".*/\1/'; }

alex journal write --prompt connection "golden journal of alex" >/dev/null
sam journal write "golden journal of sam" >/dev/null
"$bin" --home "$out/sam" pair --listen 127.0.0.1:0 --json >"$work/pair.out" &
for _ in $(seq 100); do grep -q code "$work/pair.out" && break; sleep 0.05; done
addr=$(sed -E 's/.*"address": *"([^"]+)".*/\1/' "$work/pair.out")
code=$(sed -E 's/.*"code": *"([^"]+)".*/\1/' "$work/pair.out")
alex pair "$addr" --code "$code" >/dev/null
wait
"$bin" --home "$out/sam" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/serve.log" && break; sleep 0.05; done
peer=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$work/serve.log" | head -1 | awk '{print $3}')
sync() { alex sync --peer "$peer" >/dev/null; }

w1=$(alex --json wish add "golden wish of alex" --importance 4 | id)
alex wish add "golden draft of alex" >/dev/null
gone=$(alex --json wish add "golden withdrawn wish of alex" | id)
s1=$(sam --json wish add "golden wish of sam" --importance 5 | id)
alex share "$w1" "$gone" >/dev/null
sam share "$s1" >/dev/null
alex ready lists >/dev/null
sam ready lists >/dev/null
sync
alex withdraw "$gone" >/dev/null
g1=$(alex --json give add "golden give of alex" --size small --for "$s1" | id)
alex share "$g1" >/dev/null
sync
sam choose "$g1" >/dev/null
alex ready notes >/dev/null
sam ready notes >/dev/null
sam thank "golden note of sam" --for "$g1" >/dev/null
sync
kill "$serve_pid"
wait "$serve_pid" || true
for w in alex sam; do "$bin" --home "$out/$w" lock >/dev/null; done
ls "$out"/*/*.db-wal "$out"/*/*.db-shm 2>/dev/null && { echo "a database was left open" >&2; exit 1; }
rm -f "$out"/*/last-sync
echo "golden homes written to $out"
