#!/usr/bin/env bash
# The chain's sync benchmark against a real PostgreSQL 15, made and started for it in a scratch
# directory (tests/chain/postgres.sh) and removed at exit. The authority's database `loyalty`
# stays empty: each measurement runs on a copy of it. Quick mode (CI): 500 records a round,
# 2,000 members, days of 300 records, 3 rounds; by hand, 5,000 records, 5 rounds, and --members
# 1000000 for the first load of a million members.
#
#   bench/sync_bench.sh <build dir> [--quick | sync_bench's options...]
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
shift
options=(--records 5000 --rounds 5 --members 100000 --day 2000)
[ "${1:-}" = "--quick" ] && options=(--records 500 --rounds 3 --members 2000 --day 300 --quick)
[ $# -eq 0 ] || [ "$1" = "--quick" ] || options=("$@")
source "$root/tests/chain/postgres.sh"
pg_role bench
"$build/bench/sync_bench" --conninfo "host=$pg_work/sock user=bench" \
  --admin "host=$pg_work/sock dbname=postgres user=loyalty_owner" --dir "$pg_work/tills" "${options[@]}"
