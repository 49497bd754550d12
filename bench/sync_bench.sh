#!/usr/bin/env bash
# The chain's sync benchmark against a real PostgreSQL 15, made and started for it in a scratch
# directory (tests/chain/postgres.sh) and removed at exit. Quick mode (CI): 500 records a round.
#
#   bench/sync_bench.sh <build dir> [--quick]
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
records=5000
[ "${2:-}" = "--quick" ] && records=500
source "$root/tests/chain/postgres.sh"
pg_role bench
"$build/bench/sync_bench" --conninfo "$pg_info user=bench" --dir "$pg_work/tills" \
  --records "$records" --rounds 5
