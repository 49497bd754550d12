#!/usr/bin/env bash
# Installs the Debian 12 packages libloyalty builds and tests with (only those missing).
set -euo pipefail
packages=(g++ cmake ninja-build pkgconf libsqlite3-dev libfmt-dev catch2 libboost-dev
          nlohmann-json3-dev libicu-dev libcli11-dev)
# The test command also fuzzes (clang and its libFuzzer runtime) and runs the language bindings:
# Python, Node with npm (koffi), Mono (C#), Java with JNA, Free Pascal (Delphi mode); nm, readelf;
# and Chromium, which renders the HTML dashboard in a test.
if [ "${1:-}" = "--test" ]; then
  packages+=(clang-14 libclang-rt-14-dev binutils python3 mono-mcs mono-runtime libjna-java
             openjdk-17-jdk-headless fp-compiler chromium)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
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
