#!/usr/bin/env bash
# Makes the fixture of tests/upgrade/run.sh: a club's file written by an earlier release, kept as
# SQL text (tests/upgrade/v5/club.sql), and what that release's `club read` printed of it
# (tests/upgrade/v5/expected.txt). Run by hand when a release changes the schema; the fixture is
# kept in the repository so that every later release is tested against the same file.
#   tests/upgrade/make-fixture.sh [commit] [out dir]
# The default commit is release 0.4.0, the last with schema version 5.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
commit="${1:-774ae199ec33c013e21649e5339d5e3083d04729}"
out="${2:-$root/tests/upgrade/v5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$out"
git -C "$root" archive "$commit" | tar -x -C "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DLOYALTY_BUILD_TESTS=OFF -DLOYALTY_BUILD_EXAMPLES=OFF -DLOYALTY_BUILD_BENCH=OFF \
      -DLOYALTY_BUILD_TOOLS=OFF >/dev/null
cmake --build "$work/build" --target loyalty >/dev/null
cc -std=c99 -I"$work/src/include" "$root/tests/upgrade/club.c" -L"$work/build" -lloyalty \
   -Wl,-rpath,"$work/build" -o "$work/club"
"$work/club" write "$work/club.db" "$work/src/examples/programme.json"
"$work/club" read "$work/club.db" > "$out/expected.txt"
python3 - "$work/club.db" "$out/club.sql" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for pragma in ("application_id", "user_version"):
        f.write(f"PRAGMA {pragma} = {db.execute(f'PRAGMA {pragma}').fetchone()[0]};\n")
    for line in db.iterdump():
        f.write(line + "\n")
PY
echo "fixture written to $out from $commit"
