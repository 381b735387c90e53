#!/usr/bin/env bash
# Installs the Debian 12 packages inch builds and tests with. Idempotent and
# quiet when everything is already present; never prompts.
set -euo pipefail

packages=(
  cmake make pkg-config
  libsodium-dev libprotobuf-dev protobuf-compiler libsqlite3-dev
  libboost-dev libcli11-dev nlohmann-json3-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-tidy clang-format  # scripts/lint.sh (version 14 on Debian 12)
  iproute2                 # the two-host tests (ip netns, veth)
  chromium chromium-driver python3-selenium  # the web interface in a real browser (tests/ui)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo -n)
  else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >/dev/null
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
