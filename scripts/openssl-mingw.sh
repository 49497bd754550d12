#!/usr/bin/env bash
# Makes OpenSSL's libssl and libcrypto for Windows with MinGW-w64, as static libraries, from
# Debian's own openssl source package (the version of the installed libssl3), so that libpq.dll
# (scripts/libpq-mingw.sh) speaks TLS to the chain's authority. Debian ships no OpenSSL for
# MinGW. Only the libraries are built (no engines, no loadable modules, no legacy provider), and
# only what a TLS client of PostgreSQL uses: no SSL 3 or DTLS, none of the ciphers, hashes and
# curves TLS 1.2 and 1.3 do not negotiate with a server (ARIA, Blowfish, Camellia, CAST, IDEA,
# RC2/4/5, SEED, SM2/3/4, GOST, MD4, MDC2, Whirlpool, binary curves), no CMS, CMP, OCSP,
# certificate transparency, time stamps or SRP.
#   bash scripts/openssl-mingw.sh x86_64|i686 OUTDIR
# Gives OUTDIR/include/openssl, OUTDIR/lib/libssl.a and libcrypto.a, and OUTDIR/LICENSE.openssl.
# Made again only when Debian's version changes.
set -euo pipefail
arch="$1"
out="$2"
version="$(dpkg-query -W -f='${Version}\n' libssl3 | head -1)"
options="no-shared no-tests no-module no-legacy no-engine no-dso no-ssl3 no-ssl3-method no-dtls
  no-aria no-bf no-camellia no-cast no-idea no-rc2 no-rc4 no-rc5 no-seed no-sm2 no-sm3 no-sm4
  no-gost no-md4 no-mdc2 no-whirlpool no-ec2m no-cms no-cmp no-ocsp no-ct no-ts no-srp no-comp"
stamp="$arch $version $(echo $options)"
if [ "$(cat "$out/VERSION.debian" 2>/dev/null || true)" = "$stamp" ]; then
  exit 0
fi
cd "$(dirname "$0")/.."
src="$(bash scripts/debian-source.sh "openssl=$version")"
trap 'rm -rf "$(dirname "$src")"' EXIT
# On i686, OpenSSL's assembly is written position-independent, which MinGW's 32-bit assembler
# cannot relocate: the C code serves there.
case "$arch" in
  x86_64) target=mingw64; asm="" ;;
  i686) target=mingw; asm=no-asm ;;
  *) echo "unknown architecture '$arch' (x86_64 or i686)"; exit 2 ;;
esac
echo "making OpenSSL for $arch from Debian's openssl $(cat "$(dirname "$src")/VERSION.debian")"
build="$(dirname "$src")/build-$arch"
mkdir -p "$build"
(cd "$build" &&
 "$src/Configure" "$target" $asm $options \
   --prefix="$build/install" --libdir=lib --cross-compile-prefix="$arch-w64-mingw32-" \
   >configure.log 2>&1) || { tail -20 "$build/configure.log"; exit 1; }
(cd "$build" && make -s -j"$(nproc)" build_libs >make.log 2>&1 &&
 make -s install_dev >>make.log 2>&1) || { tail -20 "$build/make.log"; exit 1; }
rm -rf "$out"
mkdir -p "$out/lib"
cp -r "$build/install/include" "$out/"
cp "$build/install/lib/libssl.a" "$build/install/lib/libcrypto.a" "$out/lib/"
cp "$src/LICENSE.txt" "$out/LICENSE.openssl"
echo "$stamp" > "$out/VERSION.debian"
