#!/usr/bin/env bash
# The README's "A sale in C" is a whole program that works as written: it is extracted from
# README.md, built with the README's own command against the freshly built library, and run in an
# empty folder: it sells, then sends the same basket with the same key again (a replay). The
# program is run once: in the programme's Friday happy hour a sale earns enough to pay with points,
# so a second run would send a different basket under the same key (refused, as it should be).
#   tests/readme/run.sh <directory of the built libloyalty> <work dir>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
libdir="$(cd "$1" && pwd)"
W="$2"
rm -rf "$W"; mkdir -p "$W/examples"
cp "$root/examples/programme.json" "$W/examples/"
# The first ```c block after the heading.
awk '/^## A sale in C/{s=1} s && /^```c$/{c=1; next} c && /^```$/{exit} c{print}' \
  "$root/README.md" > "$W/pos.c"
grep -q "int main" "$W/pos.c" || { echo "FAIL: no C program under '## A sale in C'"; exit 1; }
# The README's build command, with this checkout's include and library folders.
cmd="$(awk '/^## A sale in C/{s=1} s && /^cc pos.c/{print; exit}' "$root/README.md")"
[ -n "$cmd" ] || { echo "FAIL: no build command in the README"; exit 1; }
cmd="${cmd//-Iinclude/-I$root/include}"
cmd="${cmd//build\/release/$libdir}"
cmd="${cmd//\$PWD\/$libdir/$libdir}"
cmd="${cmd% && ./pos}"
(cd "$W" && eval "$cmd -Wall -Wextra -pedantic -Werror")
out="$(cd "$W" && ./pos)"
echo "$out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || { echo "FAIL: expected two lines"; exit 1; }
first="$(printf '%s\n' "$out" | sed -n 1p)"
second="$(printf '%s\n' "$out" | sed -n 2p)"
[[ "$first" == sold:* ]] || { echo "FAIL: the first pass did not sell"; exit 1; }
[[ "$second" == replayed:* ]] || { echo "FAIL: the same key again is not a replay"; exit 1; }
[ "${first#sold}" = "${second#replayed}" ] || { echo "FAIL: the replay differs"; exit 1; }
echo "README sale snippet: built and run as written"
