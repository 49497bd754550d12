#!/usr/bin/env bash
# The chain under faults, with real processes: four tills, each a selling process (till_sim) and
# a loyalty-syncd beside it, share forty members enrolled at the first, against a private
# PostgreSQL 15 (tests/chain/postgres.sh). While they sell, faults come one after another at
# random: a daemon killed with SIGKILL mid-round and started again, a till killed mid-sale and
# started again, a daemon paused (SIGSTOP) for a few seconds while its till keeps selling, and
# the authority itself stopped at once and started again. Then every till syncs until nothing
# waits, and the campaign checks:
#   - every record each till wrote reached the authority (nothing waiting anywhere), once;
#   - the authority's acknowledged seq of each till is the last record it holds of it;
#   - every member's balance on the authority is the sum of their entries;
#   - every till holds the same balance as the authority for every member (they converge), and
#     each till's file passes loy_verify;
#   - the chain's tiers and RFM groups computed on the authority are the library's at every till;
#   - the authority holds exactly the sales each till's journal holds, till by till, and at least
#     as many as the selling processes that were not killed reported.
#
#   tests/chain/campaign.sh <build dir> [SECONDS]     (default 30: CI's short mode; by hand, 600)
set -euo pipefail
build=$(cd "$1" && pwd)
seconds="${2:-30}"
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tests/chain/postgres.sh"
sim="$build/tests/till_sim"
syncd="$build/loyalty-syncd"
admin="$build/loyalty-admin"
tills=4
t="$pg_work/tills"
declare -a seller daemon
for i in $(seq $tills); do pg_role "camp_till$i"; done
pg_role camp_manager
"${psql[@]}" -d loyalty -c "GRANT loyalty_manager TO camp_manager"

start_daemon() {
  "$syncd" --db "$t/till$1.db" --conninfo "$pg_info user=camp_till$1" --interval 1 \
    --log "$t/till$1.sync.log" &
  daemon[$1]=$!
}
start_seller() {
  "$sim" "$t/till$1.db" "camp-$1" sell "$2" >>"$t/till$1.sold" 2>>"$t/till$1.err" &
  seller[$1]=$!
}
cleanup_campaign() {
  for pid in "${seller[@]}" "${daemon[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  pg_cleanup
}
trap cleanup_campaign EXIT

"$sim" "$t/till1.db" camp-1 enrol 40 >/dev/null
for i in $(seq 2 $tills); do "$sim" "$t/till$i.db" "camp-$i" sell 0 >/dev/null; done
for i in $(seq $tills); do start_daemon "$i"; done
end=$((SECONDS + seconds))
for i in $(seq $tills); do start_seller "$i" "$seconds"; done

declare -A faults=([daemon_killed]=0 [till_killed]=0 [daemon_paused]=0 [authority_crashed]=0)
RANDOM=$$
while [ $SECONDS -lt $((end - 3)) ]; do
  sleep "0.$((RANDOM % 9 + 1))"
  i=$((RANDOM % tills + 1))
  case $((RANDOM % 4)) in
    0) kill -9 "${daemon[$i]}" 2>/dev/null || true
       wait "${daemon[$i]}" 2>/dev/null || true
       start_daemon "$i"
       faults[daemon_killed]=$((faults[daemon_killed] + 1)) ;;
    1) if kill -0 "${seller[$i]}" 2>/dev/null; then
         kill -9 "${seller[$i]}" 2>/dev/null || true
         wait "${seller[$i]}" 2>/dev/null || true
         left=$((end - SECONDS))
         [ $left -le 0 ] || start_seller "$i" "$left"
         faults[till_killed]=$((faults[till_killed] + 1))
       fi ;;
    2) kill -STOP "${daemon[$i]}"
       sleep 2
       kill -CONT "${daemon[$i]}"
       faults[daemon_paused]=$((faults[daemon_paused] + 1)) ;;
    3) pg_crash
       sleep 1
       pg_start
       faults[authority_crashed]=$((faults[authority_crashed] + 1)) ;;
  esac
done
for i in $(seq $tills); do wait "${seller[$i]}" || { cat "$t/till$i.err" >&2; exit 1; }; done
for i in $(seq $tills); do
  kill -TERM "${daemon[$i]}"
  wait "${daemon[$i]}" || { echo "FAIL loyalty-syncd of till $i ended with $?" >&2; exit 1; }
done
if [ -s "$t/till1.err" ] || [ -s "$t/till2.err" ] || [ -s "$t/till3.err" ] || [ -s "$t/till4.err" ]; then
  echo "FAIL a till reported an error:" >&2
  cat "$t"/till*.err >&2
  exit 1
fi

# Every till in step: a round each to send, one to receive, and a last one moving nothing.
for pass in 1 2 3; do
  for i in $(seq $tills); do
    out=$("$syncd" --db "$t/till$i.db" --conninfo "$pg_info user=camp_till$i" --once)
    case "$out" in
      *", 0 records waiting") ;;
      *) echo "FAIL till $i did not get in step: $out" >&2; exit 1 ;;
    esac
    if [ $pass = 3 ] && [[ "$out" != "synced: 0 sent, 0 received;"* ]]; then
      echo "FAIL till $i still moved records on the last pass: $out" >&2
      exit 1
    fi
  done
done

# The authority's invariants.
bad=$(pg_out_of_step)
[ "$bad" = 0 ] || { echo "FAIL $bad records, acknowledgements or balances out of step" >&2; exit 1; }

# Every till holds the authority's balances.
"${psql[@]}" -d loyalty -At -F ' ' -c "SELECT member_uid, balance FROM loyalty.accounts
  WHERE member_uid LIKE 'camp-1:%' ORDER BY 1" > "$pg_work/authority.balances"
members=$(wc -l < "$pg_work/authority.balances")
[ "$members" -gt 0 ] || { echo "FAIL no member earned anything" >&2; exit 1; }
LC_ALL=C sort -o "$pg_work/authority.balances" "$pg_work/authority.balances"
made=0
for i in $(seq $tills); do
  "$sim" "$t/till$i.db" "camp-$i" balances > "$t/till$i.out"
  grep -v '^sales \| 0$' "$t/till$i.out" | LC_ALL=C sort > "$t/till$i.balances"
  diff -u "$pg_work/authority.balances" "$t/till$i.balances" >&2 ||
    { echo "FAIL till $i's balances differ from the authority's" >&2; exit 1; }
  mine=$(awk '/^sales / {print $2}' "$t/till$i.out")
  theirs=$("${psql[@]}" -d loyalty -At -c "SELECT count(*) FROM loyalty.sales s
    JOIN loyalty.origins o USING (origin_id) WHERE o.name = 'camp-$i'")
  [ "$mine" = "$theirs" ] ||
    { echo "FAIL till $i made $mine sales, the authority holds $theirs of them" >&2; exit 1; }
  made=$((made + mine))
done

# The chain's tiers and RFM groups, computed on the authority, are the library's at every till:
# the tier of each member's latest tier event, whichever till wrote it, and the RFM groups of
# every till's sales (at the next whole minute, which --at can name).
at=$(( ($(date +%s) / 60 + 1) * 60 ))
at_local=$(date -u -d "@$((at + 210 * 60))" +%Y-%m-%dT%H:%M)
"$pgbin/psql" -h "$pg_work/sock" -U camp_manager -d loyalty -X -q -At -F , -c \
  "SELECT tier, members FROM loyalty.report_tiers() WHERE members > 0 ORDER BY 1" \
  > "$pg_work/authority.tiers"
"$pgbin/psql" -h "$pg_work/sock" -U camp_manager -d loyalty -X -q -At -F , -c \
  "SELECT rfm_group, members FROM loyalty.report_rfm(${at}000, 210, 365)" > "$pg_work/authority.rfm"
for i in $(seq $tills); do
  "$admin" report "$t/till$i.db" tiers --format csv | awk -F, 'NR > 1 && $3 > 0 {print $1 "," $3}' |
    LC_ALL=C sort > "$t/till$i.tiers"
  diff -u "$pg_work/authority.tiers" "$t/till$i.tiers" >&2 ||
    { echo "FAIL till $i's tiers differ from the authority's" >&2; exit 1; }
  "$admin" segments "$t/till$i.db" --at "$at_local" --format csv |
    awk -F, '$3 == "rfm" {print $2 "," $4}' > "$t/till$i.rfm"
  diff -u "$pg_work/authority.rfm" "$t/till$i.rfm" >&2 ||
    { echo "FAIL till $i's RFM groups differ from the authority's" >&2; exit 1; }
done

# The sales the processes not killed reported are among them (all of them, when none was killed).
reported=$(cat "$t"/till*.sold | awk '/^sold/ {n += $2} END {print n + 0}')
[ "$made" -ge "$reported" ] && [ "$reported" -gt 0 ] &&
  { [ "${faults[till_killed]}" -gt 0 ] || [ "$made" = "$reported" ]; } ||
  { echo "FAIL $reported sales reported by the tills, $made in their files" >&2; exit 1; }
points=$("${psql[@]}" -d loyalty -At -c "SELECT coalesce(sum(balance), 0) FROM loyalty.accounts")
echo "ok   chain campaign, $seconds s, $tills tills: $made sales, each on the authority once" \
  "($reported by processes not killed), $members members holding $points points, the same at" \
  "every till; tiers $(tr '\n' ' ' < "$pg_work/authority.tiers")and RFM groups" \
  "$(tr '\n' ' ' < "$pg_work/authority.rfm")as at every till; faults: $(for k in daemon_killed till_killed daemon_paused authority_crashed; do
       echo -n "$k ${faults[$k]} "; done)"
