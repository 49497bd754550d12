#!/usr/bin/env bash
# Builds and runs every test: warnings as errors on Linux, then the Windows builds (x86_64 and
# i686) under wine, then under ASan + UBSan on Linux, then the fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each part's time, printed in the summary: the whole run is kept well inside CI's limit.
times=()
part_start=$SECONDS
bash scripts/install-deps.sh --test
jobs="$(nproc)"
part() {
  times+=("$(printf '%5d s  %s' $((SECONDS - part_start)) "$1")")
  part_start=$SECONDS
}
part "packages"

echo "== build and test (warnings are errors)"
cmake -S . -B build/ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOYALTY_WERROR=ON >/dev/null
cmake --build build/ci -j"$jobs"
ctest --test-dir build/ci --output-on-failure -j"$jobs" | tee build/ci/ctest.log

part "Linux: build and test"

echo "== benchmark, quick mode (the full run: see docs/performance.md)"
mkdir -p build/ci/bench-run
./build/ci/bench/loyalty_bench --quick --dir build/ci/bench-run
./build/ci/bench/checkout_run build/ci/bench-run/bench.db --checkouts 2000 --no-redeem
bash bench/sync_bench.sh build/ci --quick

part "benchmark, quick mode"

echo "== Windows: loyalty.dll for x86_64 and i686 (MinGW-w64), tests under wine"
bash scripts/windows.sh

part "Windows: builds and tests under wine"

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLOYALTY_WERROR=ON \
      -DLOYALTY_SANITIZE=ON -DLOYALTY_BUILD_BENCH=OFF >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs" | tee build/asan/ctest.log

part "ASan + UBSan: build and test"

echo "== fuzzing (libFuzzer, ASan + UBSan), 20 s per target"
bash tests/fuzz/run.sh 20

part "fuzzing"

echo "== summary"
echo "Linux:" && grep -E "tests passed|Total Test time" build/ci/ctest.log
echo "ASan + UBSan:" && grep -E "tests passed|Total Test time" build/asan/ctest.log
for d in build/windows-x64 build/windows-x86; do
  [ ! -f "$d/tests-not-run" ] || echo "Windows ($d): tests under wine NOT run: $(cat "$d/tests-not-run")"
done
echo "Time by part (${SECONDS} s in all):" && printf '%s\n' "${times[@]}"
