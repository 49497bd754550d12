#!/usr/bin/env bash
# The chain on a real PostgreSQL 15 (Debian's postgresql-15): a private cluster is made and
# started for this test in a scratch directory (unix socket only, no TCP port), the authority's
# schema is installed twice (it must be re-runnable), each till gets a login role that may only
# execute the authority's functions, and chain_test runs two branches and a web shop against
# it; then loyalty-syncd runs one round from the command line. The cluster is stopped and
# removed at exit.
#
#   tests/chain/run.sh <build dir>
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL 15 is not installed (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi
work=$(mktemp -d /tmp/loyalty-chain.XXXXXX)
chmod 755 "$work"
mkdir "$work/pg" "$work/sock" "$work/tills"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$work/pg" "$work/sock"
  as_pg() { runuser -u postgres -- "$@"; }
fi
cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
as_pg "$pgbin/initdb" -D "$work/pg" -U loyalty_owner --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$work/sock/log" -w \
  -o "-k $work/sock -c listen_addresses= -c fsync=off" start >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
psql=("$pgbin/psql" -h "$work/sock" -U loyalty_owner -v ON_ERROR_STOP=1 -q -X)
"${psql[@]}" -d postgres -c "CREATE DATABASE loyalty"
"${psql[@]}" -d loyalty -f "$root/src/sync/authority.sql"
"${psql[@]}" -d loyalty -f "$root/src/sync/authority.sql"  # installing again changes nothing
for role in branch_a branch_b shop syncd; do
  "${psql[@]}" -d loyalty -c "CREATE ROLE $role LOGIN IN ROLE loyalty_till"
done

# A till's role reads no table and calls nothing but the authority's functions.
for sql in "SELECT count(*) FROM loyalty.records" "SELECT count(*) FROM loyalty.profiles" \
           "UPDATE loyalty.origins SET status = 'active'" \
           "SELECT loyalty.record_hash('', '', 1, '', '', 0, '')"; do
  if out=$("$pgbin/psql" -h "$work/sock" -U branch_a -d loyalty -X -q -c "$sql" 2>&1); then
    echo "FAIL a till's role could run: $sql" >&2
    exit 1
  fi
  case "$out" in
    *"permission denied"*) ;;
    *) echo "FAIL unexpected answer to $sql: $out" >&2; exit 1 ;;
  esac
done
echo "ok   a till's role may only execute the authority's functions"

"$build/tests/chain_test" "$work/tills" "host=$work/sock dbname=loyalty"

# The authority kept the forked record apart and quarantined the origin.
forks=$("${psql[@]}" -d loyalty -At -c \
  "SELECT count(*) FROM loyalty.forks f JOIN loyalty.origins o USING (origin_id)
   WHERE o.name = 'branch-a' AND o.status = 'quarantined'")
[ "$forks" = 1 ] || { echo "FAIL expected one quarantined fork of branch-a, got $forks" >&2; exit 1; }
echo "ok   the forked record is kept in loyalty.forks and branch-a is quarantined"
# No profile of the erased member is left on the authority.
left=$("${psql[@]}" -d loyalty -At -c \
  "SELECT count(*) FROM loyalty.profiles WHERE profile::text LIKE '%Shirin%'
   OR (member_uid = 'branch-a:M1' AND NOT erased)")
[ "$left" = 0 ] || { echo "FAIL the erased member's profile is still on the authority" >&2; exit 1; }
echo "ok   an erasure leaves no profile on the authority"

# loyalty-syncd: one round for a new till's file, from the command line.
"$build/loyalty-admin" init "$work/tills/syncd.db" --currency IRT >/dev/null
out=$("$build/loyalty-syncd" --db "$work/tills/syncd.db" --once \
      --conninfo "host=$work/sock dbname=loyalty user=syncd")
case "$out" in
  "synced: 0 sent, "*" received; last synced 0 s ago, 0 records waiting") ;;
  *) echo "FAIL loyalty-syncd printed: $out" >&2; exit 1 ;;
esac
echo "ok   loyalty-syncd --once: $out"
set +e
out=$("$build/loyalty-syncd" --db "$work/tills/syncd.db" --once \
      --conninfo "host=$work/nowhere dbname=loyalty user=syncd connect_timeout=2")
rc=$?
set -e
[ $rc -ne 0 ] || { echo "FAIL loyalty-syncd succeeded without an authority" >&2; exit 1; }
case "$out" in
  "not synced (LOY_ERR_IO): cannot reach the authority"*) ;;
  *) echo "FAIL loyalty-syncd printed: $out" >&2; exit 1 ;;
esac
echo "ok   loyalty-syncd without an authority: exit $rc"
echo "1 passed, 0 failed"
