# Sourced by tests/chain/run.sh and bench/sync_bench.sh: makes and starts a private PostgreSQL 15
# cluster in a scratch directory (a unix socket there, no TCP port), installs the authority's
# schema in a database `loyalty`, and stops and removes it all at exit. PostgreSQL refuses to
# run as root: as root, the cluster belongs to the postgres user. With pg_tcp=1 set before, the
# cluster also listens on a free TCP port of 127.0.0.1 only, with TLS only (a certificate for
# localhost from a CA made for the test, which clients verify), where every role logs in with a
# password (SCRAM-SHA-256): so Windows programs under wine, which cannot use the unix socket,
# reach it as a till reaches its authority. Sets:
#   pg_work   the scratch directory (tills' files may go in $pg_work/tills)
#   pg_info   the conninfo of the authority, without a user (over TCP and TLS with pg_tcp=1)
#   psql      an array: psql as the owner, stopping at the first error
#   pg_role   a function: pg_role NAME makes a till's login role
#   pg_crash, pg_start   functions: stop the cluster at once, and start it again
#   pg_out_of_step       a function: how many of the authority's invariants fail (0 when sound)
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
listen="-c listen_addresses="
pg_password=""
if [ "${pg_tcp:-0}" = 1 ]; then
  # A port the kernel has just handed out and taken back is free for the moment after.
  pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  listen="-c listen_addresses=127.0.0.1 -p $pg_port"
  pg_password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  export PGPORT=$pg_port  # (the unix socket's name carries the port too)
  # TLS only, with a certificate for localhost from a CA made here, which clients verify.
  tls="$pg_work/tls"
  mkdir "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=libloyalty test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" \
    -out "$tls/server.csr" 2>/dev/null
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 2 -out "$tls/server.crt" \
    -extfile <(echo "subjectAltName=DNS:localhost,IP:127.0.0.1") 2>/dev/null
  chmod 600 "$tls/server.key"
  [ "$(id -u)" -ne 0 ] || chown postgres "$tls/server.key" "$tls/server.crt"
  listen+=" -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key"
fi
as_pg "$pgbin/initdb" -D "$pg_work/pg" -U loyalty_owner --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --locale=C >/dev/null
# Over TCP, TLS or nothing.
[ -z "$pg_password" ] || as_pg sed -i 's/^host /hostssl /' "$pg_work/pg/pg_hba.conf"
# fsync stays on: the benchmark measures what a real authority costs.
pg_start() {
  as_pg "$pgbin/pg_ctl" -D "$pg_work/pg" -l "$pg_work/sock/log" -w \
    -o "-k $pg_work/sock $listen" start >/dev/null
}
# The authority gone at once, as when its machine loses power (pg_start brings it back).
pg_crash() { as_pg "$pgbin/pg_ctl" -D "$pg_work/pg" -m immediate stop >/dev/null; }
pg_start
export PGOPTIONS="-c client_min_messages=warning"
psql=("$pgbin/psql" -h "$pg_work/sock" -U loyalty_owner -v ON_ERROR_STOP=1 -q -X)
"${psql[@]}" -d postgres -c "CREATE DATABASE loyalty"
"${psql[@]}" -d loyalty -f "$root/src/sync/authority.sql"
pg_info="host=$pg_work/sock dbname=loyalty"
[ -z "$pg_password" ] || pg_info="host=localhost port=$pg_port dbname=loyalty password=$pg_password \
sslmode=verify-full sslrootcert=$tls/ca.crt"
pg_role() {
  "${psql[@]}" -d loyalty -c "CREATE ROLE $1 LOGIN IN ROLE loyalty_till"
  [ -z "$pg_password" ] || "${psql[@]}" -d loyalty -c "ALTER ROLE $1 PASSWORD '$pg_password'"
}
# The authority's invariants, as a count of what breaks them: a record held twice, an origin
# whose acknowledged seq is not the last record held of it, a member whose chain-wide balance is
# not the sum of their entries. (A sale cannot be projected twice: its uid is the key.)
pg_out_of_step() {
  "${psql[@]}" -d loyalty -At -c "SELECT
    (SELECT count(*) FROM (SELECT origin_id, seq FROM loyalty.records GROUP BY 1, 2
                           HAVING count(*) > 1) d)
    + (SELECT count(*) FROM loyalty.origins o WHERE o.acked_seq <>
         (SELECT coalesce(max(seq), 0) FROM loyalty.records r WHERE r.origin_id = o.origin_id))
    + (SELECT count(*) FROM loyalty.accounts a WHERE a.balance <>
         (SELECT sum(points) FROM loyalty.entries e WHERE e.member_uid = a.member_uid))"
}
