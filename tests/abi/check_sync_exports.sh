#!/usr/bin/env bash
# libloyalty-sync exports exactly the functions sync.h declares, and both match the committed list
# tests/abi/sync-exports.txt (which also checks loyalty-sync.dll, tests/abi/check_dll.sh).
#   tests/abi/check_sync_exports.sh <path to libloyalty-sync.so>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$1" | awk '$2 == "T" {print $3}' | LC_ALL=C sort > "$tmp/exported"
grep -o 'LOY_SYNC_API[^(]*(' "$root/include/loyalty/sync.h" | grep -o 'loy_[a-z_0-9]*' |
  LC_ALL=C sort > "$tmp/declared"
LC_ALL=C sort "$root/tests/abi/sync-exports.txt" > "$tmp/committed"
status=0
diff -u "$tmp/committed" "$tmp/declared" || { echo "sync.h differs from sync-exports.txt"; status=1; }
diff -u "$tmp/committed" "$tmp/exported" || { echo "the library differs from sync-exports.txt"; status=1; }
[ $status -eq 0 ] && echo "libloyalty-sync: $(wc -l < "$tmp/exported") exports as declared and listed"
exit $status
