#!/usr/bin/env bash
# Makes libpq.dll for Windows with MinGW-w64, for libloyalty-sync.dll and loyalty-syncd.exe, from
# Debian's own postgresql-15 source package: the same version and patches as the libpq-dev the
# Linux build links. Debian ships no libpq for MinGW. TLS comes from OpenSSL made the same way
# (scripts/openssl-mingw.sh), linked into the DLL, so libpq.dll needs nothing but Windows' own
# DLLs. Only libpq and what it links are built (src/common, src/port): about 3 minutes on two
# cores, most of it configure (80 s, one core) and the two variants of src/common and src/port.
#   bash scripts/libpq-mingw.sh x86_64|i686 OUTDIR OPENSSL_DIR
# Gives OUTDIR/bin/libpq.dll, OUTDIR/lib/libpq.a (its import library) and OUTDIR/include (libpq-fe.h,
# postgres_ext.h, pg_config_ext.h). Made again only when Debian's versions change.
set -euo pipefail
arch="$1"
out="$2"
ssl="$(cd "$3" && pwd)"
version="$(dpkg-query -W -f='${Version}\n' libpq-dev | head -1)"
stamp="$arch $version, $(cat "$ssl/VERSION.debian")"
if [ "$(cat "$out/VERSION.debian" 2>/dev/null || true)" = "$stamp" ]; then
  exit 0
fi
cd "$(dirname "$0")/.."
src="$(bash scripts/debian-source.sh "postgresql-15=$version")"
trap 'rm -rf "$(dirname "$src")"' EXIT
echo "making libpq.dll for $arch from Debian's postgresql-15 $(cat "$(dirname "$src")/VERSION.debian")"
build="$(dirname "$src")/build-$arch"
mkdir -p "$build"
(cd "$build" &&
 "$src/configure" -q --host="$arch-w64-mingw32" --without-readline --without-zlib \
   --without-icu --with-openssl --without-llvm CPPFLAGS="-I$ssl/include" LDFLAGS="-L$ssl/lib" \
   LIBS="-lcrypt32 -lws2_32 -lgdi32 -luser32 -ladvapi32" >configure.log 2>&1) ||
  { tail -20 "$build/configure.log"; exit 1; }
# Only the variants of src/common and src/port that libpq links, the "_shlib" ones (made with the
# frontend's, on which their rules depend); their "all" makes the server's as well. Nothing else
# is on libpq's link line: configure's LIBS would add the frontend's, which it does not use.
make -s -C "$build/src/backend" generated-headers >"$build/make.log" 2>&1 ||
  { tail -20 "$build/make.log"; exit 1; }
make -s -C "$build/src/common" -j"$(nproc)" libpgcommon_shlib.a >"$build/make.log" 2>&1 ||
  { tail -20 "$build/make.log"; exit 1; }
make -s -C "$build/src/port" -j"$(nproc)" libpgport_shlib.a >"$build/make.log" 2>&1 ||
  { tail -20 "$build/make.log"; exit 1; }
# The static OpenSSL needs Windows' libraries that libpq's own link line leaves out.
make -s -C "$build/src/interfaces/libpq" -j"$(nproc)" >"$build/make.log" 2>&1 SHLIB_PREREQS= LIBS= \
  SHLIB_LINK="-lssl -lcrypto -lcrypt32 -lshell32 -lws2_32 -lsecur32 -lgdi32 -luser32 -ladvapi32" ||
  { tail -20 "$build/make.log"; exit 1; }
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/include"
cp "$build/src/interfaces/libpq/libpq.dll" "$out/bin/"
cp "$build/src/interfaces/libpq/libpq.a" "$out/lib/"
cp "$src/src/interfaces/libpq/libpq-fe.h" "$src/src/include/postgres_ext.h" \
   "$build/src/include/pg_config_ext.h" "$out/include/"
cp "$src/COPYRIGHT" "$out/COPYRIGHT.libpq"
cp "$ssl/LICENSE.openssl" "$out/"
echo "$stamp" > "$out/VERSION.debian"
