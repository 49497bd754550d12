#!/usr/bin/env bash
# The shared library exports exactly the C functions the header declares, and both match the
# committed list tests/abi/exports.txt (a change to the ABI shows up as a change to that file);
# and every one of them is called by a test written in C (tests/c/).
#   tests/abi/check_exports.sh <path to libloyalty.so>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$1" | awk '{print $3}' | grep -v '^$' | sort > "$tmp/exported"
python3 "$root/tools/bindgen.py" --list | sort > "$tmp/declared"
sort "$root/tests/abi/exports.txt" > "$tmp/committed"
status=0
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
