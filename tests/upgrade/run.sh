#!/usr/bin/env bash
# Upgrade without loss: the club file an earlier release wrote (tests/upgrade/v5, made by
# make-fixture.sh) is opened by this release, migrated, and must read exactly as that release
# read it: every balance, entry, expiry, tier, receipt, coupon and id printed on a receipt.
#   tests/upgrade/run.sh <club program> <fixture dir> <work dir>
set -euo pipefail
club="$1"; fixture="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
python3 - "$fixture/club.sql" "$work/club.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as f:
    db.executescript(f.read())
db.close()
PY
"$club" read "$work/club.db" > "$work/read.txt"
if ! diff -u "$fixture/expected.txt" "$work/read.txt"; then
  echo "FAIL: the migrated file does not read as the release that wrote it read it"
  exit 1
fi
# The second read (the file now at this release's schema) reads the same again.
"$club" read "$work/club.db" > "$work/again.txt"
diff -u "$fixture/expected.txt" "$work/again.txt"

# Version 4 kept each request's canonical text (a phone and a name among them); version 5 keeps
# its SHA-256 digest. The same file taken back to version 4's shape, with such a text, is opened:
# the text is gone from every byte of the file, and the digest is what a retry is compared with.
python3 - "$fixture/club.sql" "$work/v4.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as f:
    db.executescript(f.read())
db.executescript("""
ALTER TABLE requests RENAME COLUMN digest TO request;
INSERT INTO requests(key, op, request, status, message, created_at)
  VALUES ('T1-enrol-7', 'enrol', 'phone=13:+989121234567;name=4:Sara;', 0, '', 0);
PRAGMA user_version = 4;""")
db.close()
PY
v4="$("$club" verify "$work/v4.db")"
[ "$v4" = "verify problems=0 " ] || { echo "FAIL: the version 4 file: $v4"; exit 1; }
python3 - "$work/v4.db" <<'PY'
import hashlib, sqlite3, sys
path = sys.argv[1]
text = "phone=13:+989121234567;name=4:Sara;"
db = sqlite3.connect(path)
digest = db.execute("SELECT digest FROM requests WHERE key='T1-enrol-7'").fetchone()[0]
assert digest == hashlib.sha256(text.encode()).hexdigest(), digest
db.close()
for suffix in ("", "-wal"):
    try:
        data = open(path + suffix, "rb").read()
    except FileNotFoundError:
        continue
    assert b"+989121234567;name" not in data, "the request text is still in " + path + suffix
PY
echo "upgrade: $(grep -c . "$fixture/expected.txt") lines read the same; a version 4 request text became its digest"
