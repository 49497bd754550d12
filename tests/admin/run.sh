#!/usr/bin/env bash
# The back-office tool end to end: init, import (all or nothing, per-row errors), member show,
# reports as table/CSV/JSON, segments, campaign, outbox drain, expiry and review with progress.
#   tests/admin/run.sh <loyalty-admin> <programme.json> <work dir>
# With LOYALTY_RUNNER set (cmake/wine-run.sh), the tool is a Windows program run through it.
set -euo pipefail
ADMIN="$1"; P="$2"; W="$3"
source "$(dirname "$0")/runner.sh"
rm -rf "$W"; mkdir -p "$W"
DB="$W/club.db"

A init "$DB" --currency IRT --programme "$P" --at 2026-11-20 | contains "programme version 1 loaded" \
  || fail "init"

cat > "$W/bad.csv" <<'CSV'
phone,name,tags,consent_sms
09121110001,Good,coffee,yes
12,Too short,,no
CSV
if A members import "$DB" "$W/bad.csv" --at 2026-11-20 >"$W/out" 2>"$W/err"; then
  fail "an import with a bad row must fail"
fi
grep -q "1 of 2 rows cannot be imported; nothing was written" "$W/err" || fail "import report"
grep -q "LOY_ERR_INVALID_PHONE" "$W/err" || fail "per-row status"
A report "$DB" members --at 2026-11-21 --format csv | contains "^all,0,0," \
  || fail "nothing half-imported"

cat > "$W/good.csv" <<'CSV'
phone,name,tags,consent_sms,branch,birth_date
09121110001,Good,coffee,yes,golestan,1990-11-25
09121110002,"Second, with comma",,no,golestan,
CSV
A members import "$DB" "$W/good.csv" --dry-run --at 2026-11-20 | contains "all 2 rows are valid" \
  || fail "dry run"
A members import "$DB" "$W/good.csv" --at 2026-11-20 2>"$W/progress" | contains "imported 2" \
  || fail "import"
grep -q "rows checked: 2 / 2" "$W/progress" || fail "import progress"

A member show "$DB" 09121110001 --at 2026-11-21 > "$W/show"
for want in "Member #1  Good" "Points: balance 0" "Tier: Bronze" "Last purchases:" "Segments:" \
            "Messages:"; do
  grep -q "$want" "$W/show" || fail "member show lacks '$want'"
done

A member show "$DB" 9121110001 --at 2026-11-21 | contains "Member #1  Good" \
  || fail "a phone typed without its 0 is a phone, not a member id"
A member export "$DB" 09121110001 --at 2026-11-21 > "$W/export.json" || fail "member export"
A member export "$DB" 2 --out "$W/export-2.json" --at 2026-11-21 2>&1 | contains "member data written" \
  || fail "member export --out"
python3 - "$W/export.json" "$W/export-2.json" <<'PY'
import json, sys
one, two = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
assert one["format"] == "libloyalty member export 1", one["format"]
assert one["member"]["phone"] == "+989121110001" and one["member"]["name"] == "Good", one["member"]
assert [t["tag"] for t in one["tags"]] == ["coffee"], one["tags"]
assert two["member"]["name"] == "Second, with comma", two["member"]
assert "+989121110001" not in json.dumps(two), "another member's phone in the export"
PY
{ A report "$W/missing.db" overview 2>&1 || true; } | contains "does not exist" \
  || fail "reports on a missing file"
[ ! -e "$W/missing.db" ] || fail "a report created a database file"
A report "$DB" members --at 2026-11-21 --format json > "$W/members.json"
python3 - "$W/members.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
assert rows == [{"period": "all", "new_members": 2, "members": 2, "active_30": 0,
                 "active_90": 0}], rows
PY
A report "$DB" members --group month --from 2026-11-01 --to 2026-12-01 --at 2026-11-21 \
  | contains "^1405-08" || fail "Jalali months by default for a Persian programme"
A report "$DB" members --group month --calendar gregorian --from 2026-11-01 \
  --to 2026-12-01 --at 2026-11-21 | contains "^2026-11" || fail "Gregorian months"
A segments "$DB" --at 2026-11-21 --format csv | contains "^coffee-lovers,.*,custom,1$" \
  || fail "segment sizes"
A segment "$DB" coffee-lovers --at 2026-11-21 --format csv | contains "^1,Good," \
  || fail "segment export"
A segments "$DB" --at 2026-11-21 --format csv | contains "^birthdays-this-week,.*,1$" \
  || fail "birthday segment"

A outbox drain "$DB" --at 2026-11-20T12:00 > "$W/drain" 2>"$W/drain.err"
grep -q '"trigger":"welcome"' "$W/drain" || fail "welcome message drained"
grep -q "1 messages sent" "$W/drain.err" || fail "only the consenting member is messaged"
A outbox drain "$DB" --at 2026-11-20T12:05 2>&1 >/dev/null | contains "0 messages sent" \
  || fail "drained messages are not sent twice"
A campaign send "$DB" yalda-coffee --at 2026-11-20T12:10 | contains "segment: 1 members" \
  || fail "campaign send"
A expire "$DB" --at 2026-11-21 | contains "expired 0 points" || fail "expire"
A tiers review "$DB" --at 2026-11-21 2>"$W/review.err" | contains "reviewed 2" || fail "review"
grep -q "members reviewed: 2 / 2" "$W/review.err" || fail "review progress"
{ A report "$DB" no-such --at 2026-11-21 2>&1 || true; } | contains "LOY_ERR_NOT_FOUND" || fail "bad report"

# Bad input: a clear message and exit status 2, never an abort; nothing created by a failed init.
# Under wine, a call whose error output has nothing from the tool (neither its own "loyalty-admin:"
# nor CLI11's "--help" hint) never ran it: it is run once more, and said so. What the tool itself
# answers is never run again.
status() {
  set +e
  A "$@" >"$W/out" 2>"$W/err"
  local rc=$?
  if [ -n "${LOYALTY_RUNNER:-}" ] && [ "$rc" != 2 ] &&
     ! grep -qe "loyalty-admin" -e "--help" "$W/err"; then
    echo "note: wine ended '$*' with exit $rc before the tool answered; running it again" >&2
    sed 's/^/  /' "$W/err" >&2
    A "$@" >"$W/out" 2>"$W/err"
    rc=$?
  fi
  set -e
  echo $rc | tee "$W/rc"
}
A --version | contains "^loyalty-admin [0-9]" || fail "--version"
[ "$(status report "$DB" sales --from 2026-13-01)" = 2 ] || fail "month 13 is exit 2"
grep -q "month 13 does not exist" "$W/err" || fail "month 13 message"
[ "$(status report "$DB" sales --at 2026-02-30)" = 2 ] || fail "30 February is exit 2"
[ "$(status report "$DB" sales --from 1404-12-30)" = 2 ] || fail "Esfand 1404 has 29 days"
[ "$(status report "$DB" sales --from yesterday)" = 2 ] || fail "a word is not a date"
[ "$(status report "$DB" sales --bogus)" = 2 ] || fail "an unknown option is exit 2"
[ "$(status init "$W/new.db" --currency XX)" = 2 ] || fail "unknown currency"
[ ! -e "$W/new.db" ] || fail "a failed init left a database behind"
[ "$(status init "$W/new.db" --currency IRT --programme "$W/missing.json")" = 2 ] || fail "init, no file"
[ ! -e "$W/new.db" ] || fail "an init whose programme failed left a database behind"
A init "$W/rupee.db" --currency INR --exponent 2 | contains "ready" || fail "any currency with --exponent"
[ "$(status programme load "$DB" "$W/bad.csv")" = 2 ] || fail "a bad programme is exit 2"
! grep -q "programme version" "$W/out" || fail "a stray 'programme version' line"
# Jalali dates wherever dates are: 1405-08-30 is 2026-11-21; Persian digits and '/' too.
A report "$DB" members --from 2026-11-01 --to 2026-11-21 --at 2026-11-21 --format csv > "$W/g"
A report "$DB" members --from 1405-08-10 --to 1405-08-30 --at 1405-08-30 --format csv > "$W/j"
A report "$DB" members --from ۱۴۰۵/۰۸/۱۰ --to ۱۴۰۵/۰۸/۳۰ --at 1405-08-30 --format csv > "$W/p"
cmp -s "$W/g" "$W/j" && cmp -s "$W/g" "$W/p" || fail "Jalali and Gregorian dates disagree"
echo "loyalty-admin: all checks passed"
