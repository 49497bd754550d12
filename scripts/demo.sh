#!/usr/bin/env bash
# Builds libloyalty and runs the example POS checkout session on an embedded SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOYALTY_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)"
mkdir -p build/demo
./build/release/examples/pos_session build/demo/demo.db examples/programme.json
echo
echo "The session's database is build/demo/demo.db (open it with sqlite3 to look inside)."
