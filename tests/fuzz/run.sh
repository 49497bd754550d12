#!/usr/bin/env bash
# Builds the fuzz targets with clang and runs each for SECONDS (default 15) on a copy of its
# checked-in seeds. Any crash, leak or sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH="${1:-15}"
export CC=clang-14 CXX=clang++-14
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOYALTY_FUZZ=ON \
      -DLOYALTY_BUILD_TESTS=OFF -DLOYALTY_BUILD_EXAMPLES=OFF -DLOYALTY_BUILD_BENCH=OFF \
      -DLOYALTY_BUILD_TOOLS=OFF -DLOYALTY_BUILD_SYNC=OFF >/dev/null
cmake --build build/fuzz -j"$(nproc)"
for t in basket programme phone coupon open import; do
  work="build/fuzz/corpus-$t"
  rm -rf "$work"
  mkdir -p "$work"
  cp tests/fuzz/corpus/$t/* "$work"/
  echo "== fuzz_$t for ${SECONDS_EACH}s"
  if ! ./build/fuzz/tests/fuzz/fuzz_$t -max_total_time="$SECONDS_EACH" -error_exitcode=77 \
      -timeout=10 -rss_limit_mb=2048 "$work" > "build/fuzz/fuzz_$t.log" 2>&1; then
    tail -60 "build/fuzz/fuzz_$t.log"
    echo "fuzz_$t found a problem (the input is in build/fuzz, see the log above)"
    exit 1
  fi
  grep -E "^Done" "build/fuzz/fuzz_$t.log" || true
done
echo "fuzzing: 6 targets, no findings"
