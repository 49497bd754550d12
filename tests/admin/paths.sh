#!/usr/bin/env bash
# loyalty-admin with Persian letters and spaces in every path it takes: the database, the
# programme file, a members CSV and the dashboard it writes. The same script runs the Linux tool
# and, with LOYALTY_RUNNER set to cmake/wine-run.sh, the Windows one.
#   tests/admin/paths.sh <loyalty-admin> <programme.json> <work dir>
set -euo pipefail
ADMIN="$1"; P="$2"; W="$3"
source "$(dirname "$0")/runner.sh"
rm -rf "$W"; mkdir -p "$W"
D="$W/باشگاه مشتریان"
mkdir -p "$D"
DB="$D/باشگاه تهران.db"
PROG="$D/برنامه وفاداری.json"
CSV="$D/مشتریان شعبه ۱.csv"
HTML="$D/داشبورد مدیر.html"
cp "$P" "$PROG"
cat > "$CSV" <<'CSV'
phone,name,tags,consent_sms,branch
۰۹۱۲۱۱۱۰۰۰۱,مریم احمدی,coffee,yes,golestan
09121110002,رضا کریمی,,no,golestan
CSV

A init "$DB" --currency IRT --programme "$PROG" --at 2026-11-20 | contains "programme version 1 loaded" \
  || fail "init with Persian paths"
A members import "$DB" "$CSV" --at 2026-11-20 2>/dev/null | contains "imported 2" \
  || fail "import of a CSV with a Persian name"
A member show "$DB" 09121110001 --at 2026-11-21 | contains "مریم احمدی" \
  || fail "the imported member, by her Persian name"
A dashboard "$DB" --out "$HTML" --at 2026-11-21 | contains "dashboard written" || fail "dashboard"
# Exactly these names exist: nothing was written under a garbled one.
[ -s "$DB" ] || fail "the database is not at its Persian path"
[ -s "$HTML" ] || fail "the dashboard is not at its Persian path"
grep -q "dir=\"rtl\"" "$HTML" || fail "the dashboard is the Persian page"
unexpected="$(cd "$D" && ls -A | grep -v -x -e "باشگاه تهران.db" -e "باشگاه تهران.db-wal" \
  -e "باشگاه تهران.db-shm" -e "برنامه وفاداری.json" -e "مشتریان شعبه ۱.csv" \
  -e "داشبورد مدیر.html" || true)"
[ -z "$unexpected" ] || fail "unexpected files: $unexpected"
{ A programme load "$DB" "$D/نیست.json" 2>&1 || true; } | contains "نیست.json" \
  || fail "a missing file is named in the error"
echo "loyalty-admin with Persian paths: all checks passed"
