#!/usr/bin/env bash
# A DLL as a POS vendor receives it (loyalty.dll, loyalty-sync.dll): it exports exactly the
# functions of its list (tests/abi/exports.txt, sync-exports.txt) under their plain C names (no
# _name@N decoration on 32-bit), imports only Windows' own DLLs and the DLLs named (the C++
# runtime is linked in), is built for the named architecture, and carries a version resource
# with the project's version.
#   tests/abi/check_dll.sh <dll> <objdump> <x86_64|i686> <version> <exports list> [<dll it may
#                          import>...]
set -euo pipefail
dll="$1"; objdump="$2"; arch="$3"; version="$4"; exports="$5"
shift 5
name="$(basename "$dll")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
"$objdump" -p "$dll" > "$tmp/p"

case "$(basename "$exports")" in
  exports.txt) want_name=loyalty.dll ;;
  sync-exports.txt) want_name=loyalty-sync.dll ;;
  *) echo "no DLL is known to export $exports"; exit 2 ;;
esac
[ "$name" = "$want_name" ] || { echo "the DLL is named $name, not $want_name"; status=1; }
case "$arch" in
  x86_64) want="pei-x86-64" ;;
  i686) want="pei-i386" ;;
  *) echo "unknown architecture $arch"; exit 2 ;;
esac
grep -q "file format $want" "$tmp/p" || { echo "not a $want DLL"; status=1; }

# The export table: between "[Ordinal/Name Pointer] Table" and the next blank line.
awk '/\[Ordinal\/Name Pointer\] Table/{t=1; next} t && NF==0 {t=0} t {print $NF}' "$tmp/p" \
  | sort > "$tmp/exported"
sort "$exports" > "$tmp/committed"
if ! diff -u "$tmp/committed" "$tmp/exported" > "$tmp/d"; then
  echo "$name's exports differ from $exports (- committed, + exported):"
  head -40 "$tmp/d"; status=1
fi

# Imports: Windows' own DLLs only (no libstdc++-6.dll, libgcc_s, libwinpthread-1.dll), and those
# named.
grep "DLL Name:" "$tmp/p" | awk '{print tolower($3)}' | sort -u > "$tmp/imports"
allowed="kernel32.dll msvcrt.dll bcrypt.dll shell32.dll user32.dll advapi32.dll"
for d in "$@"; do allowed+=" $(tr '[:upper:]' '[:lower:]' <<<"$d")"; done
while read -r d; do
  case " $allowed " in
    *" $d "*) ;;
    *) echo "$name imports $d, which Windows does not ship"; status=1 ;;
  esac
done < "$tmp/imports"

# The version resource (UTF-16 strings in .rsrc).
strings -el "$dll" > "$tmp/strings"
for s in FileVersion "$version" "$name" ProductName; do
  grep -qF "$s" "$tmp/strings" || { echo "no '$s' in the version resource"; status=1; }
done

[ $status -eq 0 ] && echo "$name ($want): $(wc -l < "$tmp/exported") exports as listed;" \
  "imports $(tr '\n' ' ' < "$tmp/imports")"
exit $status
