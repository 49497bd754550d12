#!/usr/bin/env bash
# Cross-builds loyalty.dll (with loyalty.lib, loyalty.def and loyalty-admin.exe) and
# loyalty-sync.dll with loyalty-syncd.exe and libpq.dll for Windows x86_64 and i686 with Debian's
# MinGW-w64, and runs the Windows tests, the example session and the chain's test (against a
# PostgreSQL 15 started for it, on a local TCP port, over TLS) under wine. Everything comes from
# Debian's packages, SQLite, libpq and OpenSSL included (made from Debian's own source packages of
# the libsqlite3, libpq and libssl3 the Linux build uses).
#   bash scripts/windows.sh [x86_64|i686 ...]     (default: both)
# Results: build/windows-x64/ and build/windows-x86/ (the build trees, with bin/loyalty.dll),
# and a package to ship in build/windows-*/package/{bin,lib,include}.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 i686)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

# --- packages -----------------------------------------------------------------------------------
bash scripts/install-deps.sh --windows

# --- SQLite amalgamation from Debian's source package ------------------------------------------
# The same upstream version and Debian patches as the installed libsqlite3.
amalg="$root/build/sqlite-amalgamation"
sqlite_version="$(dpkg-query -W -f='${Version}' libsqlite3-dev)"
if [ "$(cat "$amalg/VERSION.debian" 2>/dev/null || true)" != "$sqlite_version" ]; then
  src="$(bash scripts/debian-source.sh "sqlite3=$sqlite_version")"
  echo "making sqlite3.c from Debian's sqlite3 $sqlite_version"
  (cd "$src" && ./configure -q >/dev/null && make -s sqlite3.c >/dev/null)
  mkdir -p "$amalg"
  cp "$src/sqlite3.c" "$src/sqlite3.h" "$amalg/"
  echo "$sqlite_version" > "$amalg/VERSION.debian"
  rm -rf "$(dirname "$src")"
fi

# --- header-only dependencies, from the host's Debian packages ------------------------------------
deps="$root/build/windows-deps/include"
mkdir -p "$deps"
for d in fmt boost nlohmann CLI catch2; do
  ln -sfn "/usr/include/$d" "$deps/$d"
done

# --- build and test each architecture ------------------------------------------------------------
export LOYALTY_WINEPREFIX="$root/build/wine"
bash cmake/wine-run.sh --init  # once, before tests run in parallel
# No persistent wine server (wineserver -p): the services wine starts with its first program
# (services.exe, winedevice.exe, rpcss.exe) would inherit that test's output pipe and keep it
# open for as long as the server lives, and ctest waits for the pipe to close.
jobs="$(nproc)"
# With both architectures, the i686 libraries (OpenSSL, libpq) are made while the x86_64 build and
# its tests run: libpq's configure script and the tests under wine each leave a core idle for a
# minute or more. Their output is shown when the i686 build begins.
deps_i686_pid=""
deps_i686_log="$root/build/windows-deps-i686.log"
if [[ " ${arches[*]} " == *" x86_64 "* && " ${arches[*]} " == *" i686 "* ]]; then
  (bash scripts/openssl-mingw.sh i686 "$root/build/openssl-i686" &&
   bash scripts/libpq-mingw.sh i686 "$root/build/libpq-i686" "$root/build/openssl-i686") \
    >"$deps_i686_log" 2>&1 &
  deps_i686_pid=$!
  trap '[ -z "$deps_i686_pid" ] || kill "$deps_i686_pid" 2>/dev/null || true' EXIT
fi
for arch in "${arches[@]}"; do
  case "$arch" in
    x86_64) dir=build/windows-x64 ;;
    i686) dir=build/windows-x86 ;;
    *) echo "unknown architecture '$arch' (x86_64 or i686)"; exit 2 ;;
  esac
  # wine runs a 32-bit Windows program in a 32-bit Linux process: a kernel built without 32-bit
  # support (no IA32 emulation) cannot start one. There the i686 build makes what ships (the
  # DLLs and programs) and checks their exports, imports and version resources (objdump, no
  # wine); the tests that run programs need a kernel that can, and are not built for nothing.
  runs=yes
  [ "$arch" = x86_64 ] || bash cmake/wine-run.sh --can-run-32 || runs=no
  echo "== Windows $arch: build ($dir)"
  if [ "$arch" = i686 ] && [ -n "$deps_i686_pid" ]; then
    status=0
    wait "$deps_i686_pid" || status=$?
    deps_i686_pid=""
    cat "$deps_i686_log"
    [ "$status" -eq 0 ] || { echo "making the i686 libraries failed ($status)"; exit 1; }
  else
    bash scripts/openssl-mingw.sh "$arch" "$root/build/openssl-$arch"
    bash scripts/libpq-mingw.sh "$arch" "$root/build/libpq-$arch" "$root/build/openssl-$arch"
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOYALTY_WERROR=ON \
        -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-$arch.cmake" \
        -DLOYALTY_SQLITE_AMALGAMATION="$amalg" -DLOYALTY_HEADER_DEPS_DIR="$deps" \
        -DLOYALTY_LIBPQ_DIR="$root/build/libpq-$arch" \
        -DLOYALTY_BUILD_BENCH=OFF >/dev/null
  if [ $runs = yes ]; then
    cmake --build "$dir" -j"$jobs"
  else
    cmake --build "$dir" -j"$jobs" --target loyalty loyalty_sync loyalty-syncd loyalty-admin
  fi
  rm -rf "$dir/package"
  cmake --install "$dir" --prefix "$dir/package" >/dev/null
  cp "$dir/bin/loyalty-admin.exe" "$dir/package/bin/"
  # The Python wheel for this architecture, with loyalty.dll inside.
  tag="$([ "$arch" = x86_64 ] && echo win_amd64 || echo win32)"
  bash bindings/python/build-wheel.sh "$dir/bin/loyalty.dll" "$dir/package/python" "$tag" >/dev/null
  listing="$(unzip -l "$dir/package/python/libloyalty-"*"-py3-none-$tag.whl")"
  for d in loyalty.dll loyalty-sync.dll libpq.dll; do
    grep -q "libloyalty/$d" <<<"$listing" || { echo "the $tag wheel lacks $d"; exit 1; }
  done
  rm -f "$dir/tests-not-run"
  if [ $runs = no ]; then
    if [ -x /usr/lib/wine/wine ]; then
      why="this kernel cannot run 32-bit programs (no IA32 emulation)"
    else
      why="wine32 is not installed (Debian's i386 packages could not be installed: see above)"
    fi
    echo "== Windows $arch: $why:"
    echo "   the i686 build is checked without wine; its programs' tests are not run here"
    echo "$why" > "$dir/tests-not-run"  # for the test command's summary
    ctest --test-dir "$dir" --output-on-failure -j"$jobs" -R "dll_exports"
    continue
  fi
  echo "== Windows $arch: tests under wine"
  ctest --test-dir "$dir" --output-on-failure -j"$jobs"
done
# The Java jar with both Windows DLLs where JNA looks (win32-x86-64/, win32-x86/).
if [ -f build/windows-x64/bin/loyalty.dll ] && [ -f build/windows-x86/bin/loyalty.dll ]; then
  bash bindings/java/build-jar.sh build/windows-java build/windows-x64/bin/loyalty.dll:win32-x86-64 \
    build/windows-x86/bin/loyalty.dll:win32-x86 >/dev/null
fi
# The NuGet package with both Windows DLLs in runtimes/win-x64|win-x86/native/.
if [ -f build/windows-x64/bin/loyalty.dll ] && [ -f build/windows-x86/bin/loyalty.dll ]; then
  bash bindings/csharp/pack.sh build/windows-nuget build/windows-x64/bin/loyalty.dll:win-x64 \
    build/windows-x86/bin/loyalty.dll:win-x86 >/dev/null
fi
# The npm package with both Windows DLLs in prebuilds/ (index.js picks the process's).
if [ -f build/windows-x64/bin/loyalty.dll ] && [ -f build/windows-x86/bin/loyalty.dll ] &&
   command -v npm >/dev/null; then
  bash bindings/node/pack.sh build/windows-npm build/windows-x64/bin/loyalty.dll:win32-x64 \
    build/windows-x86/bin/loyalty.dll:win32-ia32 >/dev/null
fi
echo "Windows builds: $(for a in "${arches[@]}"; do [ "$a" = x86_64 ] && echo -n "build/windows-x64/bin/loyalty.dll "; [ "$a" = i686 ] && echo -n "build/windows-x86/bin/loyalty.dll "; done)"
