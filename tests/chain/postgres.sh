# Sourced by tests/chain/run.sh and bench/sync_bench.sh: makes and starts a private PostgreSQL 15
# cluster in a scratch directory (a unix socket there, no TCP port), installs the authority's
# schema in a database `loyalty`, and stops and removes it all at exit. PostgreSQL refuses to
# run as root: as root, the cluster belongs to the postgres user. Sets:
#   pg_work   the scratch directory (tills' files may go in $pg_work/tills)
#   pg_info   the conninfo of the authority, without a user
#   psql      an array: psql as the owner, stopping at the first error
#   pg_role   a function: pg_role NAME makes a till's login role
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL 15 is not installed (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi
pg_work=$(mktemp -d /tmp/loyalty-chain.XXXXXX)
chmod 755 "$pg_work"
mkdir "$pg_work/pg" "$pg_work/sock" "$pg_work/tills"
as_pg() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$pg_work/pg" "$pg_work/sock"
  as_pg() { runuser -u postgres -- "$@"; }
fi
pg_cleanup() {
  as_pg "$pgbin/pg_ctl" -D "$pg_work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_work"
}
trap pg_cleanup EXIT
as_pg "$pgbin/initdb" -D "$pg_work/pg" -U loyalty_owner --auth=trust -E UTF8 --locale=C >/dev/null
# fsync stays on: the benchmark measures what a real authority costs.
as_pg "$pgbin/pg_ctl" -D "$pg_work/pg" -l "$pg_work/sock/log" -w \
  -o "-k $pg_work/sock -c listen_addresses=" start >/dev/null
export PGOPTIONS="-c client_min_messages=warning"
psql=("$pgbin/psql" -h "$pg_work/sock" -U loyalty_owner -v ON_ERROR_STOP=1 -q -X)
"${psql[@]}" -d postgres -c "CREATE DATABASE loyalty"
"${psql[@]}" -d loyalty -f "$root/src/sync/authority.sql"
pg_info="host=$pg_work/sock dbname=loyalty"
pg_role() { "${psql[@]}" -d loyalty -c "CREATE ROLE $1 LOGIN IN ROLE loyalty_till"; }
