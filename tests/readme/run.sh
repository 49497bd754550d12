#!/usr/bin/env bash
# The README's "A sale in C" is a whole program that works as written: it is extracted from
# README.md, built with the README's own command against the freshly built library, and run twice
# in an empty folder (a sale, then the same key again: a replay).
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
first="$(cd "$W" && ./pos)"
second="$(cd "$W" && ./pos)"
echo "$first"; echo "$second"
[[ "$first" == sold:* ]] || { echo "FAIL: the first run did not sell"; exit 1; }
[[ "$second" == replayed:* ]] || { echo "FAIL: the same key again is not a replay"; exit 1; }
[ "${first#sold}" = "${second#replayed}" ] || { echo "FAIL: the replay differs"; exit 1; }
echo "README sale snippet: built and run as written"
