#!/usr/bin/env bash
# Installs the Debian 12 packages libloyalty builds and tests with (only those missing).
#   scripts/install-deps.sh [--test | --windows]
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages=(g++ cmake ninja-build pkgconf libsqlite3-dev libfmt-dev catch2 libboost-dev
          nlohmann-json3-dev libcli11-dev)
# --test: the test command also fuzzes (clang and its libFuzzer runtime), checks the Jalali
# calendar against ICU, and runs the language bindings: Python, Node with npm (koffi), Mono (C#),
# Java with JNA, Free Pascal (Delphi mode); nm, readelf; Chromium, which renders the HTML
# dashboard in a test; groff, which renders the man page; PostgreSQL 15 with libpq, for
# libloyalty-sync and the chain's test against a real authority (tests/chain/run.sh); and
# libfaketime, which moves the clock of the clock campaign's programs (tests/clock/run.sh).
if [ "${1:-}" = "--test" ]; then
  packages+=(clang-14 libclang-rt-14-dev binutils python3 mono-mcs mono-runtime libjna-java
             openjdk-17-jdk-headless fp-compiler chromium libicu-dev groff-base
             python3-venv python3-pip python3-setuptools python3-wheel unzip zip junit4
             libhamcrest-java postgresql-15 libpq-dev libfaketime)
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
fi
# --windows: the cross build for Windows (scripts/windows.sh): MinGW-w64 (the POSIX-threads g++,
# for std::thread), wine for 64- and 32-bit programs (wine32 comes from the i386 architecture,
# enabled here, after the rest: see below), dpkg-dev with tcl to make SQLite's amalgamation from
# Debian's source package, and Debian's Python, Java and Mono tooling to build the Windows
# wheels, jar and NuGet package; libpq-dev and libssl3 name the postgresql-15 and openssl
# sources libpq.dll is made from (scripts/libpq-mingw.sh, openssl-mingw.sh, which need make and
# perl), and postgresql-15 with openssl is the authority, over TLS, the Windows chain test runs
# against.
if [ "${1:-}" = "--windows" ]; then
  packages+=(g++-mingw-w64-x86-64-posix g++-mingw-w64-i686-posix binutils-mingw-w64-x86-64
             binutils-mingw-w64-i686 wine wine64 dpkg-dev tcl binutils
             python3-pip python3-setuptools python3-wheel unzip zip openjdk-17-jdk-headless
             libjna-java mono-mcs libpq-dev postgresql-15 libssl3 make perl openssl)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  bash "$(dirname "$0")/apt-update.sh"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# wine32, which runs the i686 tests, from Debian's i386 architecture. Its libraries must be the
# very versions of the amd64 ones installed, so every i386 index has to be fetched, security's
# too; a mirror that serves one of them inconsistent (its size not the one its Release names)
# leaves wine32 uninstallable. Then the i386 architecture is left disabled again (so that no
# later apt-get update fails on it), and scripts/windows.sh checks the i686 build without wine
# and says so in its output and in the test command's summary.
if [ "${1:-}" = "--windows" ] &&
   ! dpkg-query -W -f='${Status}' wine32:i386 2>/dev/null | grep -q "install ok installed"; then
  export DEBIAN_FRONTEND=noninteractive
  added=no
  if ! dpkg --print-foreign-architectures | grep -qx i386; then
    echo "enabling the i386 architecture (32-bit wine runs the i686 tests)"
    $SUDO dpkg --add-architecture i386
    added=yes
  fi
  if bash "$(dirname "$0")/apt-update.sh" 2 &&
     $SUDO apt-get install -y -qq --no-install-recommends wine32:i386; then
    :
  else
    echo "wine32 could not be installed from Debian's i386 packages (apt's message above):" \
         "the i686 build will be checked without wine"
    if [ $added = yes ] &&
       ! dpkg-query -W -f='${binary:Package}\n' 2>/dev/null | grep -q ':i386$'; then
      $SUDO dpkg --remove-architecture i386
      bash "$(dirname "$0")/apt-update.sh" 2 || true
    fi
  fi
fi
