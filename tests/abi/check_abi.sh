#!/usr/bin/env bash
# The ABI beyond names: every function's return and parameter types (tests/abi/signatures.txt)
# and every public struct's size and field offsets on this data model (tests/abi/layout-<model>.txt:
# lp64 for 64-bit Linux, llp64 for 64-bit Windows, ilp32 for 32-bit Windows), as compiled.
# Within a major version functions and fields may only be added (a struct grows at its end): the
# test says whether a difference is an addition (update the committed file) or a break.
#   tests/abi/check_abi.sh <layout program> <lp64|llp64|ilp32> [runner]
set -euo pipefail
prog="$1"; model="$2"; runner="${3:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
compare() {  # committed, current, what
  if ! diff -u "$1" "$2" > "$tmp/d"; then
    if grep -q '^-[^-]' "$tmp/d"; then
      echo "$3: the ABI is broken (a line changed or went; - committed, + now):"
    else
      echo "$3: additions only; add them to $(basename "$1") (- committed, + now):"
    fi
    cat "$tmp/d"; status=1
  fi
}
python3 "$root/tools/bindgen.py" --signatures > "$tmp/signatures"
compare "$root/tests/abi/signatures.txt" "$tmp/signatures" "function signatures"
${runner:+"$runner"} "$prog" | tr -d '\r' > "$tmp/layout"
compare "$root/tests/abi/layout-$model.txt" "$tmp/layout" "struct layouts ($model)"
[ $status -eq 0 ] && echo "ABI: $(wc -l < "$tmp/signatures") signatures and" \
  "$(wc -l < "$tmp/layout") layout lines ($model) as committed"
exit $status
