#!/usr/bin/env bash
# The two-partner demo: installs what is needed, builds, then plays Alex and
# Sam on this one machine — two homes, pairing with a one-time code, a
# private reflection each, wishes and gives, reveal together, a choice, a
# done and a thank-you — and shows both views side by side. All traffic goes
# through a recording relay; the demo ends by checking that neither
# reflection reached the other home or the wire.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
echo "Building inch (first time: a few minutes)..."
bash scripts/build.sh release --target inch inch_record_relay >/dev/null

bin="$PWD/build/release/cli/inch"
relay_bin="$PWD/build/release/tests/inch_record_relay"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for who in alex sam; do "$bin" --home "$work/$who" lock >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$work/run"
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset INCH_HOME INCH_PASSPHRASE_FILE NO_COLOR

# The "id" field of the one JSON document on stdin.
json_id() { tr -d '\n' | sed -E 's/.*"id": *"([^"]+)".*/\1/'; }
# Prints two files in columns, padding by characters, not bytes.
side_by_side() {
  local left=$1 right=$2 width=$3 a b
  LC_ALL=C.UTF-8 paste -d '\n' <(expand "$left") <(expand "$right") | {
    while IFS= read -r a && IFS= read -r b; do
      a=${a:0:$width}
      printf '%s%*s  %s\n' "$a" $((width - ${#a})) "" "$b"
    done
  }
}
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
alex() { echo "  alex\$ inch $*" >&2; "$bin" --home "$work/alex" "$@"; }
sam() { echo "  sam\$ inch $*" >&2; "$bin" --home "$work/sam" "$@"; }
# Reads "HOST:PORT" from the first line of FILE matching PATTERN.
wait_for_line() {
  local file=$1 pattern=$2
  for _ in $(seq 1 200); do
    if grep -qE "$pattern" "$file" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "demo: timed out waiting for $pattern in $file" >&2
  cat "$file" >&2
  return 1
}

say "1. Two laptops, two nodes. Each passphrase is paid once (Argon2id)."
for who in alex sam; do
  printf 'demo passphrase of %s\n' "$who" >"$work/$who.pass"
  chmod 600 "$work/$who.pass"
  "$bin" --home "$work/$who" --passphrase-file "$work/$who.pass" init
  "$bin" --home "$work/$who" --passphrase-file "$work/$who.pass" unlock --for 10m >/dev/null
done

say "2. Each reflects privately. Reflections never leave the laptop."
alex_secret="alex-reflection-$RANDOM$RANDOM"
sam_secret="sam-reflection-$RANDOM$RANDOM"
alex journal write --prompt connection "Connection for me is being asked about my day. ($alex_secret)"
sam journal write --prompt closeness "Closeness starts for me with touch, long before words. ($sam_secret)"

say "3. Pairing: Sam's laptop shows a one-time code, Alex types it."
record="$work/wire.bin"
: >"$record"
echo "  sam\$ inch pair --listen 127.0.0.1:0" >&2
# Background processes run the binary itself (not a shell function), so
# that $! is the node and the cleanup stops it.
# --yes: in the demo one person plays both partners; at home each compares
# the check words on their own screen and answers the question.
"$bin" --home "$work/sam" pair --listen 127.0.0.1:0 --json --yes </dev/null >"$work/pair.out" 2>"$work/pair.err" &
pids+=($!)
pair_pid=$!
wait_for_line "$work/pair.out" '"code"'
pair_addr=$(sed -E 's/.*"address": *"([^"]+)".*/\1/' "$work/pair.out")
code=$(sed -E 's/.*"code": *"([^"]+)".*/\1/' "$work/pair.out")
"$relay_bin" "$pair_addr" "$record" >"$work/relay1.out" &
pids+=($!)
wait_for_line "$work/relay1.out" ':'
echo "  (Sam's screen shows the code $code)"
alex pair "$(cat "$work/relay1.out")" --code "$code" --yes
wait "$pair_pid"
echo "  Sam's screen shows the same check words:"
"$bin" --home "$work/sam" status | grep '^partner' | sed 's/^/    /'

say "4. Sam runs the daemon; Alex's syncs go through a recording relay."
echo "  sam\$ inch serve --listen 127.0.0.1:0" >&2
"$bin" --home "$work/sam" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for_line "$work/serve.log" 'listening on'
serve_addr=$(grep -oE 'listening on [0-9.]+:[0-9]+' "$work/serve.log" | head -1 | awk '{print $3}')
"$relay_bin" "$serve_addr" "$record" >"$work/relay2.out" &
pids+=($!)
wait_for_line "$work/relay2.out" ':'
peer=$(cat "$work/relay2.out")
sync_now() { "$bin" --home "$work/alex" sync --peer "$peer" >/dev/null; }

say "5. Wishes: small, specific, positive. Private until shared."
w1=$(alex --json wish add "Ask me one question about my day before we look at our phones" --importance 5 | json_id)
alex wish add "A six-second kiss when one of us comes home" --importance 3 >/dev/null
s1=$(sam --json wish add "Hold my hand on our evening walk" --importance 4 | json_id)
sam wish add "Plan one evening a week, just us" --importance 5 >/dev/null
alex share "$w1"
sam share "$s1"
sync_now
echo "  Alex sees nothing of Sam's list yet: neither has said ready."
alex list --partner

say "6. Reveal together: both say ready; the lists flow only now."
alex ready lists
sam ready lists
sync_now
alex list --partner

say "7. What am I willing to give? Alex offers a smaller step of Sam's wish."
g1=$(alex --json give add "Hold your hand for the first five minutes of the walk" --size small --for "$s1" | json_id)
alex share "$g1"
sg=$(sam --json give add "Ask about your day before phones, three evenings a week" --size small --for "$w1" | json_id)
sam share "$sg"
sync_now
sam choose "$g1"
sync_now
sam done "$g1"
alex ready notes
sam ready notes
sam thank "Thank you for the walk: your hand in mine made the whole evening feel lighter." --for "$g1"
sync_now

say "8. Side by side."
alex_view="$work/alex.view"; sam_view="$work/sam.view"
# Each view gets half of a wide terminal (inch fits its columns to
# COLUMNS); a narrow one shows them one above the other instead.
cols=160
if [ -t 1 ]; then cols=$(tput cols 2>/dev/null || echo 160); fi
half=$(( (cols - 2) / 2 < 76 ? 76 : (cols - 2) / 2 ))
view() { COLUMNS=$half "$bin" --home "$work/$1" "${@:2}"; }
{ echo "ALEX'S LAPTOP"; view alex list; echo; view alex notes; } >"$alex_view" 2>&1
{ echo "SAM'S LAPTOP"; view sam list; echo; view sam notes; } >"$sam_view" 2>&1
if [ "$cols" -ge $((2 * half + 2)) ]; then
  side_by_side "$alex_view" "$sam_view" "$half"
else
  echo "  (a terminal of $((2 * half + 2)) columns shows these side by side)"
  cat "$alex_view"; echo; cat "$sam_view"
fi

say "9. What did NOT travel."
leaks=0
check_absent() {
  local marker=$1 where=$2
  if grep -rqaF "$marker" $where; then
    echo "  LEAK: $marker found in $where"; leaks=1
  fi
}
check_absent "$alex_secret" "$work/sam $record $work/alex"
check_absent "$sam_secret" "$work/alex $record $work/sam"
check_absent "Hold my hand" "$record"
if [ "$leaks" -eq 0 ]; then
  echo "  Neither reflection is in the other home, on its own disk in plaintext, or in the $(wc -c <"$record") bytes on the wire."
  echo "  Shared items crossed the wire only encrypted: no plaintext in the recording."
else
  exit 1
fi
say "Done. Everything above happened in $work (now removed)."
