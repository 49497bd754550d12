#!/usr/bin/env bash
# Installs the Debian 12 packages libloyalty builds and tests with (only those missing).
set -euo pipefail
packages=(g++ cmake ninja-build pkgconf libsqlite3-dev libfmt-dev catch2 libboost-dev
          nlohmann-json3-dev)
# The test command also fuzzes: clang and its libFuzzer runtime.
[ "${1:-}" = "--test" ] && packages+=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
