#!/usr/bin/env bash
# The shared library exports exactly the C functions the header declares, and both match the
# committed list tests/abi/exports.txt (a change to the ABI shows up as a change to that file);
# every one of them carries the version node LOYALTY_0 and is called by a test written in C
# (tests/c/); and the library needs nothing but SQLite and the C and C++ runtimes (no libfmt).
#   tests/abi/check_exports.sh <path to libloyalty.so>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$1" > "$tmp/nm"
# Every function carries the version node LOYALTY_0 (capi/loyalty.map); the node itself is listed
# as an absolute symbol.
awk '$2 != "A" {print $3}' "$tmp/nm" | grep -v '^$' > "$tmp/versioned"
status=0
if grep -v '@@LOYALTY_0$' "$tmp/versioned" > "$tmp/unversioned"; then
  echo "exported without the version node LOYALTY_0:"; cat "$tmp/unversioned"; status=1
fi
sed 's/@@LOYALTY_0$//' "$tmp/versioned" | sort > "$tmp/exported"
# The library needs no libfmt (compiled in): only SQLite and the C and C++ runtimes.
readelf -d "$1" | awk '/NEEDED/ {gsub(/[][]/, "", $5); print $5}' > "$tmp/needed"
while read -r lib; do
  case "$lib" in
    libsqlite3.so.*|libstdc++.so.*|libgcc_s.so.*|libc.so.*|libm.so.*) ;;
    ld-linux*.so.*) ;;  # the C runtime's loader, for thread-local storage (the random-byte pool)
    libasan.so.*|libubsan.so.*) ;;  # the sanitizer build's own runtimes
    *) echo "libloyalty.so needs $lib"; status=1 ;;
  esac
done < "$tmp/needed"
python3 "$root/tools/bindgen.py" --list | sort > "$tmp/declared"
sort "$root/tests/abi/exports.txt" > "$tmp/committed"
if ! diff -u "$tmp/committed" "$tmp/exported" > "$tmp/d1"; then
  echo "the library's exports differ from tests/abi/exports.txt (- committed, + exported):"
  cat "$tmp/d1"; status=1
fi
if ! diff -u "$tmp/committed" "$tmp/declared" > "$tmp/d2"; then
  echo "the header's functions differ from tests/abi/exports.txt (- committed, + declared):"
  cat "$tmp/d2"; status=1
fi
# Every public C function is called by a test written in C.
while read -r fn; do
  if ! grep -qw "$fn" "$root"/tests/c/*.c; then
    echo "no C test calls $fn"; status=1
  fi
done < "$tmp/committed"
[ $status -eq 0 ] && echo "$(wc -l < "$tmp/exported") exported functions, all declared in loyalty.h, listed, and called from the C tests"
exit $status
