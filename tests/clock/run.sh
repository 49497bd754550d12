#!/usr/bin/env bash
# The clock campaign: the tests that read the real clock are run again with the clock moved to
# awkward moments, so that none passes only on the day it was written. Each moment is an offset
# from now given to libfaketime (Debian's libfaketime), so every process of a run sees the same
# time passing; the steady clock is left alone (threads' timed waits use it). Moments:
#   - Tehran's midnight that is also the Gregorian new year (the programmes count in +03:30),
#     crossed 10 s into the run;
#   - Nowruz: the Persian year's first day begins at Tehran's midnight, crossed 10 s in;
#   - the example programme's Friday happy hour (16:00-19:00 Tehran), where sales earn more;
#   - 29 February of a leap year: its Tehran midnight crossed 10 s in;
#   - a day years ahead, when every date written into a test is long past.
# What runs at each: the C ABI's test programs (but the checkpoints', which the disk decides),
# the README's sale and the upgrade from release 0.4.0; the C++ core's tests, whose fixture
# fixes the clock and which take longest, at the new year and years ahead only.
#   tests/clock/run.sh <build dir> <source dir> <work dir>
set -euo pipefail
build="$(cd "$1" && pwd)"
src="$(cd "$2" && pwd)"
work="$3"
lib=""
for f in /usr/lib/*/faketime/libfaketimeMT.so.1; do [ -e "$f" ] && lib="$f"; done
[ -n "$lib" ] || { echo "FAIL: libfaketime is not installed (scripts/install-deps.sh --test)"; exit 1; }

moments=("2026-12-31 20:29:50" "2027-03-20 20:29:50" "2026-11-27 13:00:00"
         "2028-02-28 20:29:50" "2031-06-15 10:00:00")
failed=0
for moment in "${moments[@]}"; do
  rm -rf "$work"; mkdir -p "$work/scratch"
  offset=$(( $(date -u -d "$moment" +%s) - $(date -u +%s) ))
  # (A moment already past is a negative offset: "-N", where a future one is "+N".)
  if [ "$offset" -lt 0 ]; then FAKETIME="$offset"; else FAKETIME="+$offset"; fi
  export FAKETIME FAKETIME_DONT_FAKE_MONOTONIC=1
  # The clock really moved: a program started under the offset reads the moment's day.
  seen="$(LD_PRELOAD="$lib" date -u +%Y-%m-%d)"
  [ "$seen" = "${moment:0:10}" ] || { echo "FAIL: libfaketime did not move the clock to $moment"; exit 1; }
  runs=()
  for t in capi reports paths privacy refunds journal exchange peers; do
    runs+=("$build/tests/${t}_test $work/scratch")
  done
  case "$moment" in
    2026-12-31*|2031-*) runs+=("$build/tests/loyalty_tests") ;;
  esac
  runs+=("bash $src/tests/readme/run.sh $build $work/readme"
         "bash $src/tests/upgrade/run.sh $build/tests/upgrade_club $src/tests/upgrade/v5 $work/upgrade")
  for r in "${runs[@]}"; do
    if ! out="$(LD_PRELOAD="$lib" $r 2>&1)"; then
      echo "FAIL at $moment UTC: $r"
      printf '%s\n' "$out" | tail -20
      failed=$((failed + 1))
    fi
  done
  echo "clock at $moment UTC: ${#runs[@]} programs run"
done
unset FAKETIME FAKETIME_DONT_FAKE_MONOTONIC
[ "$failed" -eq 0 ] || { echo "clock campaign: $failed failed"; exit 1; }
echo "clock campaign: ${#moments[@]} moments, no failure"
