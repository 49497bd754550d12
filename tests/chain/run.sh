#!/usr/bin/env bash
# The chain on a real PostgreSQL 15 (Debian's postgresql-15): a private cluster is made and
# started for this test in a scratch directory (unix socket only, no TCP port), the authority's
# schema is installed twice (it must be re-runnable), each till gets a login role that may only
# execute the authority's functions, and chain_test runs two branches and a web shop against
# it; then loyalty-syncd runs one round from the command line. The cluster is stopped and
# removed at exit.
#
#   tests/chain/run.sh <build dir> [--no-python | --large]   (--large: chain_test's heavier
#                                                          scenarios too, after the others)
#   tests/chain/run.sh <build dir> --windows RUNNER    (a cross build: its .exe programs run
#                                                      under RUNNER, cmake/wine-run.sh, and reach
#                                                      the authority over TCP with a password)
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
python=yes
large=no
run=()
chain_test="$build/tests/chain_test"
syncd="$build/loyalty-syncd"
admin="$build/loyalty-admin"
case "${2:-}" in
  --no-python) python=no ;;
  --large) large=yes ;;
  --windows)
    python=no
    run=("$3")
    chain_test="$build/bin/chain_test.exe"
    syncd="$build/bin/loyalty-syncd.exe"
    admin="$build/bin/loyalty-admin.exe"
    pg_tcp=1
    ;;
esac
source "$root/tests/chain/postgres.sh"
"${psql[@]}" -d loyalty -f "$root/src/sync/authority.sql"  # installing again changes nothing
# A pull's page ends with the record whose body brings it to 8 MiB (an import's records are
# 4 MiB each): on an authority of its own, records of 5 MiB, 5 MiB, 5 MiB and 10 bytes come in
# pages of two, then of the last two; a page's records at most the count asked for.
"${psql[@]}" -d postgres -c "CREATE DATABASE pages"
"${psql[@]}" -d pages -f "$root/src/sync/authority.sql"
"${psql[@]}" -d pages -c "INSERT INTO loyalty.origins(name, till) VALUES ('big', 'big');
  INSERT INTO loyalty.records(origin_id, seq, kind, body, prev, hash, till_time)
  SELECT 1, s, 'member', CASE WHEN s < 4 THEN repeat('x', 5242880) ELSE 'y' END, '', '', 0
  FROM generate_series(1, 4) s"
pages=""
for ask in "'{}', 500" "'{\"big\": 2}', 500" "'{}', 1"; do
  pages+="$("${psql[@]}" -d pages -At -c "SELECT string_agg(seq::text, ',' ORDER BY seq)
    FROM loyalty.pull('other', $ask)")/"
done
[ "$pages" = "1,2/3,4/1/" ] || { echo "FAIL a pull's pages of 8 MiB: $pages" >&2; exit 1; }
"${psql[@]}" -d postgres -c "DROP DATABASE pages"
echo "ok   a pull's pages end at 8 MiB: $pages"
for role in branch_a branch_b shop syncd hq; do pg_role $role; done
# The manager's role: a till's and the manager's reports.
pg_role manager
"${psql[@]}" -d loyalty -c "GRANT loyalty_manager TO manager"

# The reports below put this run's sales in the Jalali month the run ends in. A run that crossed
# Tehran's midnight at a month's start (the test takes 20-40 s; under wine or the sanitizers
# longer) would split them over two months, so one starting within three minutes of such a
# midnight waits for it to pass.
jalali_in() {
  "${psql[@]}" -d loyalty -At -c "SELECT loyalty.jalali_month($(date +%s)000 + $1 * 1000, 210)"
}
while [ "$(jalali_in 0)" != "$(jalali_in 180)" ]; do sleep 5; done

# A till's role reads no table and calls nothing but the authority's functions.
for sql in "SELECT count(*) FROM loyalty.records" "SELECT count(*) FROM loyalty.profiles" \
           "UPDATE loyalty.origins SET status = 'active'" \
           "SELECT loyalty.record_hash('', '', 1, '', '', 0, '')"; do
  if out=$("$pgbin/psql" -h "$pg_work/sock" -U branch_a -d loyalty -X -q -c "$sql" 2>&1); then
    echo "FAIL a till's role could run: $sql" >&2
    exit 1
  fi
  case "$out" in
    *"permission denied"*) ;;
    *) echo "FAIL unexpected answer to $sql: $out" >&2; exit 1 ;;
  esac
done
echo "ok   a till's role may only execute the authority's functions"

"${run[@]}" "$chain_test" "$pg_work/tills" "$pg_info"

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

# The authority's projection: the member's account over the whole chain (earned 120 at A, 60 at
# B, 30 at A; spent 40 at B), and the manager's report by branch and Jalali month.
account=$("${psql[@]}" -d loyalty -At -c \
  "SELECT balance || ' ' || lifetime FROM loyalty.accounts WHERE member_uid = 'branch-a:M1'")
[ "$account" = "170 210" ] || { echo "FAIL the authority's account: $account" >&2; exit 1; }
echo "ok   the authority's account of a member: balance 170, lifetime 210"
# A past receipt claimed at its till: the authority's sale is now the member's, with its points.
claimed=$("${psql[@]}" -d loyalty -At -c \
  "SELECT member_uid || ' ' || points_earned FROM loyalty.sales WHERE sale_uid = 'claim-a:S1'")
[ "$claimed" = "claim-a:M1 50" ] || { echo "FAIL the claimed sale on the authority: $claimed" >&2; exit 1; }
echo "ok   a claimed receipt is the member's sale on the authority"
expired=$("${psql[@]}" -d loyalty -At -c "SELECT a.balance || ' ' || count(e.*) FROM loyalty.accounts a
  JOIN loyalty.entries e USING (member_uid) WHERE member_uid = 'jobs-a:M1' AND e.kind = 3
  GROUP BY a.balance")
[ "$expired" = "0 1" ] || { echo "FAIL the head office's expiry on the authority: $expired" >&2; exit 1; }
echo "ok   the head office's expiry reached the authority once: balance 0, one expire entry"
# Invariants over every scenario: each record the authority acknowledged is held once and its
# facts projected once; every member's chain-wide balance is the sum of their entries; no till
# wrote what only the head office writes (expiry entries, programme releases).
dups=$(pg_out_of_step)
[ "$dups" = 0 ] || { echo "FAIL $dups records, acknowledgements or balances out of step" >&2; exit 1; }
till_jobs=$("${psql[@]}" -d loyalty -At -c "SELECT count(*) FROM loyalty.records r
  JOIN loyalty.origins o USING (origin_id), jsonb_array_elements(r.body::jsonb) f
  WHERE o.name NOT IN ('head-office', 'release-hq')
    AND (f->>'t' = 'program_release' OR (f->>'t' = 'entry' AND f->>'kind' = '3'))")
[ "$till_jobs" = 0 ] || { echo "FAIL a till wrote $till_jobs head-office facts" >&2; exit 1; }
echo "ok   every record held once, every balance its entries, no head-office fact from a till"
month=$("${psql[@]}" -d loyalty -At -c "SELECT loyalty.jalali_month($(date +%s)000, 210)")
report=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -c \
  "SELECT branch, month, sales, members, total, refunded, points_earned, points_redeemed
   FROM loyalty.report_branches(210)")
# Shirin's three sales (210,000, 210 points earned, 40 redeemed), the race's 4 tills x 30 sales
# of 10,000 (10 points each), Parisa's three (350,000, 350 earned, 150 redeemed under holds) and
# one of 100,000 whose points the head office expired later, and three (140,000, 140 earned, 160
# redeemed within offline allowances), and a sale of 50,000 claimed by a member afterwards (50
# points, counted as the member's), none counted twice. At branch "north", the coupon scenario's
# four sales of 90,000 after their coupons, by one member, one of them voided, earning nothing
# under their programme. At "south", the gift card's two anonymous sales of 100,000 and 20,000.
# At "west", the wallet scenario's top-up of 100,000 and two sales (of
# 100,000 and 50,000) paid partly from it.
[ "$report" = "|$month|131|9|2050000|0|2050|350
north|$month|4|1|360000|90000|0|0
south|$month|2|0|120000|0|0|0
west|$month|3|1|250000|0|0|0" ] ||
  { echo "FAIL the chain report: $report" >&2; exit 1; }
echo "ok   the chain's report by branch and Jalali month: $report"
# The chain's points by branch and Jalali month, and the liability at each month's end: the same
# 2,050 points earned and 350 redeemed as the sales above, and the reward scenario's 100 points
# adjusted and 20 redeemed for a mug; then the 100 the head office expired sixty days later, in a
# later month; 1,780 outstanding at the first month's end, 1,680 after.
points=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -F ' ' -c \
  "SELECT branch, month, earned, reversed, redeemed, expired, adjusted
   FROM loyalty.report_points(210)" | tr '\n' '/')
later=$(cut -d/ -f2 <<<"$points" | cut -d' ' -f2)
[[ "$points" == " $month 2050 0 370 0 100/ $later 0 0 0 100 0/" && "$later" > "$month" ]] ||
  { echo "FAIL the chain's points report: $points" >&2; exit 1; }
echo "ok   the chain's points by branch and Jalali month: $points"
liability=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -F ' ' -c \
  "SELECT month, points_outstanding, expired_to_date, redeemed_to_date
   FROM loyalty.report_liability(210)" | tr '\n' '/')
[ "$liability" = "$month 1780 0 370/$later 1680 100 370/" ] ||
  { echo "FAIL the chain's liability report: $liability" >&2; exit 1; }
echo "ok   the chain's points liability at each month's end: $liability"
# The chain's coupon uses by campaign: the single-use code used once that counts (and once given
# back by the void), and the campaign of two uses used at both branches.
campaigns=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -F ' ' -c \
  "SELECT campaign, branch, month, uses, discount, given_back
   FROM loyalty.report_campaigns(210)" | tr '\n' '/')
[ "$campaigns" = "spring north $month 2 20000 0/welcome north $month 1 10000 1/" ] ||
  { echo "FAIL the chain's campaign report: $campaigns" >&2; exit 1; }
echo "ok   the chain's coupon uses by campaign: $campaigns"
# Every coupon hold was posted by the sale that used it, in time, but the one given back.
coupon_holds=$("${psql[@]}" -d loyalty -At -c "SELECT status || ':' || count(*) || ':' ||
  bool_or(late) FROM loyalty.coupon_holds GROUP BY status ORDER BY status" | tr '\n' ' ')
[ "$coupon_holds" = "posted:4:false voided:1:false " ] ||
  { echo "FAIL the coupon holds on the authority: $coupon_holds" >&2; exit 1; }
echo "ok   coupon holds on the authority: $coupon_holds"
# The chain's best members by spend: Parisa's three sales of 350,000 and her 200 points; Shirin,
# erased, keeps her figures and loses her name.
top=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -F ' ' -c \
  "SELECT member_uid, purchases, spend, points, name = '' FROM loyalty.report_top_members(1)")
erased=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -c \
  "SELECT purchases || ' ' || spend || ' ' || (name = '') FROM loyalty.report_top_members(1000)
   WHERE member_uid = 'branch-a:M1'")
[ "$top" = "hold-a:M1 3 350000 200 t" ] && [ "$erased" = "3 210000 true" ] ||
  { echo "FAIL the chain's top members: $top / $erased" >&2; exit 1; }
echo "ok   the chain's top members: $top; the erased member nameless: $erased"
# The chain's members by the branch (or till) that enrolled them and Jalali month: enrolled,
# buying there, buying there more than once. Shirin joined at branch-a (erased since, still
# counted) and bought at A twice and at B once; the second member of branch-a never bought; the
# coupon scenario's member (of coupon-a) bought four times at "north", one voided; each race
# till's member bought thirty times; Parisa (hold-a) bought at A twice and at B once; the head
# office of the imports scenario enrolled 22,500 who never bought.
members=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -F ' ' -c \
  "SELECT * FROM loyalty.report_members(210)" | tr '\n' '/')
want=""
for row in "allow-a 1 1 1" "allow-b 0 1 0" "branch-a 2 1 1" "branch-b 0 1 0" "card-a 1 0 0" \
           "claim-a 1 1 0" "coupon-a 1 0 0" "hold-a 1 1 1" "hold-b 0 1 0" "imports-hq 22500 0 0" \
           "jobs-a 1 1 0" "north 0 1 1" "race-0 1 1 1" "race-1 1 1 1" "race-2 1 1 1" "race-3 1 1 1" \
           "release-a 1 0 0" "reward-a 1 0 0" "wallet-a 1 0 0" "west 0 1 1"; do
  want+="${row%% *} $month ${row#* }/"
done
[ "$members" = "$want" ] || { echo "FAIL the chain's members report: $members" >&2; exit 1; }
echo "ok   the chain's members by branch and Jalali month: ${members:0:60}..."
# No programme of these scenarios has tiers: the fourteen active members and the 22,500 imported
# are in none; Shirin, erased, is not counted.
tiers=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -F , -c \
  "SELECT * FROM loyalty.report_tiers()")
[ "$tiers" = ",22514" ] || { echo "FAIL the chain's tiers report: $tiers" >&2; exit 1; }
echo "ok   the chain's tiers: 14 active members, none placed in a tier"
for report in "report_branches(10)" "report_points(10)" "report_liability(10)" \
              "report_campaigns(10)" "report_top_members(10)" "report_members(10)" \
              "report_tiers()" "report_rfm(0, 210, 365)"; do
  if "$pgbin/psql" -h "$pg_work/sock" -U branch_a -d loyalty -X -q -c \
     "SELECT * FROM loyalty.$report" >/dev/null 2>&1; then
    echo "FAIL a till's role could run the manager's $report" >&2
    exit 1
  fi
done
# The two sales that spent Parisa's points posted their holds, in time; the others were given
# back or lapsed.
holds=$("${psql[@]}" -d loyalty -At -c "SELECT status || ':' || count(*) || ':' ||
  coalesce(sum(posted_points), 0) || ':' || bool_or(late) FROM loyalty.holds
  GROUP BY status ORDER BY status" | tr '\n' ' ')
[ "$holds" = "pending:1:0:false posted:2:150:false voided:2:0:false " ] ||
  { echo "FAIL the holds on the authority: $holds" >&2; exit 1; }
echo "ok   holds on the authority: $holds"
# The gift card's two holds were posted by the sales that used them; its activities on the
# authority add up to nothing left.
cards=$("${psql[@]}" -d loyalty -At -c "SELECT (SELECT status || ':' || count(*) FROM
  loyalty.giftcard_holds GROUP BY status) || ' ' || (SELECT sum(amount) FROM
  loyalty.gift_card_activities)")
[ "$cards" = "posted:2 0" ] ||
  { echo "FAIL the gift card holds on the authority: $cards" >&2; exit 1; }
echo "ok   gift card holds on the authority, and the card's balance: $cards"
# The mug's hold was posted by its redemption, in time.
rewards=$("${psql[@]}" -d loyalty -At -c "SELECT status || ':' || count(*) || ':' || bool_or(late)
  || ':' || sum(quantity) FROM loyalty.reward_holds GROUP BY status")
[ "$rewards" = "posted:1:false:1" ] ||
  { echo "FAIL the reward holds on the authority: $rewards" >&2; exit 1; }
echo "ok   reward holds on the authority: $rewards"
# The wallet: the two payments posted their holds (80,000 and 20,000), the hold given back was
# voided, and the member's wallet over the whole chain is empty.
wallet=$("${psql[@]}" -d loyalty -At -c "SELECT status || ':' || count(*) || ':' ||
  coalesce(sum(posted_amount), 0) || ':' || bool_or(late) FROM loyalty.wallet_holds
  GROUP BY status ORDER BY status" | tr '\n' ' ')
wallet+=$("${psql[@]}" -d loyalty -At -c "SELECT sum(amount) FROM loyalty.wallet_entries
  WHERE member_uid = 'wallet-a:M1'")
[ "$wallet" = "posted:2:100000:false voided:1:0:false 0" ] ||
  { echo "FAIL the wallet holds on the authority: $wallet" >&2; exit 1; }
echo "ok   wallet holds on the authority, and the wallet left: $wallet"
# The offline allowance's over-use, by till: each spent 80 points without a hold, and the member
# now owes 20 over the whole chain.
offline=$("$pgbin/psql" -h "$pg_work/sock" -U manager -d loyalty -X -q -At -c \
  "SELECT till || ':' || sales || ':' || points || ':' || members_in_debt
   FROM loyalty.report_offline_spends(210)" | tr '\n' ' ')
[ "$offline" = "allow-a:1:80:1 allow-b:1:80:1 " ] ||
  { echo "FAIL the offline spends report: $offline" >&2; exit 1; }
echo "ok   the offline allowance's over-use, by till: $offline"
# Jalali months on the authority, as the library computes them: Nowruz 1405 at Tehran's
# midnight, and Esfand 30 of the leap year 1403.
jalali=$("${psql[@]}" -d loyalty -At -c "SELECT string_agg(loyalty.jalali_month(ms, 210), ' ')
  FROM unnest(ARRAY[1774038599000, 1774038600000, 1742459400000, 1742502600000,
                    1796126400000]) ms")
[ "$jalali" = "1404-12 1405-01 1403-12 1404-01 1405-09" ] ||
  { echo "FAIL Jalali months on the authority: $jalali" >&2; exit 1; }
echo "ok   Jalali months on the authority: $jalali"

# Duplicated and gapped batches, sent to the authority as a till's role would: race-0's first
# three records again are taken as duplicates (nothing applied twice); a record past a gap is
# refused with the seq to send from, and nothing moves.
batch() {
  "${psql[@]}" -d loyalty -At -c "SELECT jsonb_agg(jsonb_build_object('seq', seq + $2,
    'prev', prev, 'kind', kind, 'key', coalesce(idem_key, ''), 'at', till_time, 'body', body,
    'hash', CASE WHEN $2 = 0 THEN hash ELSE loyalty.record_hash(prev, 'race-0', seq + $2, kind,
    coalesce(idem_key, ''), till_time, body) END) ORDER BY seq)
    FROM loyalty.records r JOIN loyalty.origins o USING (origin_id)
    WHERE o.name = 'race-0' AND seq <= $1"
}
acked=$("${psql[@]}" -d loyalty -At -c "SELECT acked_seq FROM loyalty.origins WHERE name = 'race-0'")
again=$("$pgbin/psql" -h "$pg_work/sock" -U branch_b -d loyalty -X -q -At -F ' ' -c \
  "SELECT status, acked_seq, applied, duplicates FROM loyalty.push('race-0', '$(batch 3 0)', '[]')")
[ "$again" = "ok $acked 0 3" ] || { echo "FAIL a duplicated batch: $again" >&2; exit 1; }
gap=$("$pgbin/psql" -h "$pg_work/sock" -U branch_b -d loyalty -X -q -At -F '|' -c \
  "SELECT status, acked_seq, applied, message FROM loyalty.push('race-0', '$(batch 1 $((acked + 1)))', '[]')")
[ "$gap" = "gap|$acked|0|the authority holds race-0 up to seq $acked; send from seq $((acked + 1))" ] ||
  { echo "FAIL a gapped batch: $gap" >&2; exit 1; }
[ "$(pg_out_of_step)" = 0 ] || { echo "FAIL the authority out of step after them" >&2; exit 1; }
echo "ok   a duplicated batch is taken as duplicates, a gapped one refused: $gap"

# The manager's dashboard from the command line: the page names the branches, in Persian.
"${run[@]}" "$syncd" --dashboard "$pg_work/chain.html" \
  --conninfo "$pg_info user=manager" --offset 210 >/dev/null
for want in 'dir="rtl"' '<td>north</td>' '<td>west</td>' 'بدون شعبه' '۲٬۰۵۰٬۰۰۰' \
            '<th>عضو جدید</th>' '<td>بدون سطح</td><td class="n">۲۲٬۵۱۴</td>' '<td>قهرمانان</td>'; do
  grep -qF "$want" "$pg_work/chain.html" ||
    { echo "FAIL the chain dashboard lacks $want" >&2; exit 1; }
done
echo "ok   loyalty-syncd --dashboard: the chain's page in Persian"

# The Python binding of libloyalty-sync: a new till finds Parisa by phone with the balance the
# authority holds for her.
if [ "$python" = yes ]; then
pg_role py_till
python_balance=$(LOYALTY_LIBRARY="$build/libloyalty.so.0" python3 "$root/tests/chain/python_sync.py" \
  "$pg_work/tills/python.db" "$pg_info user=py_till" 09127770011 "$pg_info user=manager")
authority_balance=$("${psql[@]}" -d loyalty -At -c \
  "SELECT balance FROM loyalty.accounts WHERE member_uid = 'hold-a:M1'")
[ "$python_balance" = "$authority_balance" ] ||
  { echo "FAIL Python sees $python_balance, the authority $authority_balance" >&2; exit 1; }
echo "ok   Python (libloyalty.sync): Parisa's balance $python_balance, as on the authority"
fi

# loyalty-syncd: one round for a new till's file, from the command line.
"${run[@]}" "$admin" init "$pg_work/tills/syncd.db" --currency IRT >/dev/null
out=$("${run[@]}" "$syncd" --db "$pg_work/tills/syncd.db" --once --conninfo "$pg_info user=syncd" |
     tr -d '\r')
case "$out" in
  "synced: 0 sent, "*" received; last synced 0 s ago, 0 records waiting") ;;
  *) echo "FAIL loyalty-syncd printed: $out" >&2; exit 1 ;;
esac
echo "ok   loyalty-syncd --once: $out"
set +e
out=$("${run[@]}" "$syncd" --db "$pg_work/tills/syncd.db" --once \
      --conninfo "host=127.0.0.1 port=1 dbname=loyalty user=syncd connect_timeout=2" | tr -d '\r')
rc=$?
set -e
[ $rc -ne 0 ] || { echo "FAIL loyalty-syncd succeeded without an authority" >&2; exit 1; }
case "$out" in
  "not synced (LOY_ERR_IO): cannot reach the authority"*) ;;
  *) echo "FAIL loyalty-syncd printed: $out" >&2; exit 1 ;;
esac
echo "ok   loyalty-syncd without an authority: exit $rc"
# Over TCP, the authority speaks TLS only, and the till verifies whom it speaks to.
if [ "${pg_tcp:-0}" = 1 ]; then
  for case in "sslmode=disable|no encryption" "sslrootcert=$tls/server.crt|certificate verify failed"; do
    set +e
    out=$("${run[@]}" "$syncd" --db "$pg_work/tills/syncd.db" --once \
          --conninfo "$pg_info user=syncd ${case%%|*}" | tr -d '\r')
    rc=$?
    set -e
    [ $rc -ne 0 ] && [[ "$out" == *"${case#*|}"* ]] ||
      { echo "FAIL loyalty-syncd with ${case%%|*} (exit $rc): $out" >&2; exit 1; }
  done
  echo "ok   loyalty-syncd over TLS only: without it refused, with an unknown CA refused"
fi

# loyalty-syncd in the foreground with a log: SIGTERM stops it between rounds, with status 0, and
# the log's last line says so.
if [ ${#run[@]} -eq 0 ]; then
  "$syncd" --db "$pg_work/tills/syncd.db" --conninfo "$pg_info user=syncd" --interval 1 \
    --log "$pg_work/syncd.log" &
  pid=$!
  for _ in $(seq 100); do
    grep -q "synced: " "$pg_work/syncd.log" 2>/dev/null && break
    sleep 0.1
  done
  kill -TERM $pid
  set +e
  wait $pid
  rc=$?
  set -e
  last=$(tail -1 "$pg_work/syncd.log")
  [ $rc -eq 0 ] && [[ "$last" =~ ^[0-9-]{10}T[0-9:]{8}Z\ stopped$ ]] ||
    { echo "FAIL loyalty-syncd on SIGTERM: exit $rc, last line $last" >&2; exit 1; }
  echo "ok   loyalty-syncd --log: a round logged, SIGTERM stops it: $last"
fi

# loyalty-syncd as a Windows service on a new till: installed with its options, started by the
# service control manager, its first round takes the chain's backlog and carries a member
# enrolled at this till to the authority; removed, it stops between rounds and says so in its log. The till's file is in a folder with a Persian name, as under a
# Persian user's profile (C:\Users\علی\AppData\...).
if [ ${#run[@]} -gt 0 ]; then
  pg_role svc_till
  mkdir -p "$pg_work/tills/صندوق ۱"
  till="$pg_work/tills/صندوق ۱/service.db"
  "${run[@]}" "$admin" init "$till" --currency IRT >/dev/null
  printf 'phone,name\n09124440777,Service Test\n' > "$pg_work/member.csv"
  "${run[@]}" "$admin" members import "$till" "$pg_work/member.csv" >/dev/null
  # Wine ends its session, and the services in it, when its last program ends, where Windows
  # keeps its service control manager running: the session is kept while the service runs.
  "${run[@]}" --keep-server
  trap '"${run[@]}" --stop-server >/dev/null 2>&1 || true; pg_cleanup' EXIT
  service="LoyaltySyncTest$$"
  "${run[@]}" "$syncd" --install-service "$service" --db "$till" \
    --conninfo "$pg_info user=svc_till" --interval 1 >/dev/null
  "${run[@]}" sc start "$service" >/dev/null
  for _ in $(seq 120); do
    grep -q "synced: [1-9][0-9]* sent" "$till.sync.log" 2>/dev/null && break
    sleep 0.5
  done
  "${run[@]}" "$syncd" --remove-service "$service" >/dev/null
  "${run[@]}" --stop-server
  trap pg_cleanup EXIT
  log=$(tr -d '\r' < "$till.sync.log")
  # Its first round took the chain's backlog, the imports' lists of 10,000 profiles among it, and
  # carried the member enrolled here.
  grep -q "synced: [1-9][0-9]* sent, [1-9][0-9]* received" <<<"$log" &&
    [ "$(tail -1 <<<"$log" | cut -d' ' -f2-)" = stopped ] ||
    { echo "FAIL the service's log: $log" >&2; exit 1; }
  enrolled=$("${psql[@]}" -d loyalty -At -c \
    "SELECT count(DISTINCT member_uid) FROM loyalty.profiles
    WHERE profile::text LIKE '%9124440777%'")
  [ "$enrolled" = 1 ] || { echo "FAIL the service did not carry the member: $enrolled" >&2; exit 1; }
  echo "ok   loyalty-syncd as a Windows service: installed, synced, stopped on removal"
fi
# Last, as it adds 56,000 members to the authority: a pull's page past 8 MiB, from the till's side.
if [ $large = yes ]; then
  "${run[@]}" "$chain_test" "$pg_work/tills" "$pg_info" --large
fi
echo "1 passed, 0 failed"
