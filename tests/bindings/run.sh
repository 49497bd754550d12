#!/usr/bin/env bash
# Builds and runs one language binding's checkout test against the freshly built shared library.
#   tests/bindings/run.sh <python|node|csharp|java|pascal> <directory of libloyalty.so> <work dir>
set -euo pipefail
lang="$1"
libdir="$(cd "$2" && pwd)"
work="$3"
root="$(cd "$(dirname "$0")/../.." && pwd)"
lib="$libdir/libloyalty.so.0"
programme="$root/examples/programme.json"
rm -rf "$work"
mkdir -p "$work"
export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# The club's programme: the example programme with a partner, a partner's campaign and a prize
# draw added (tests/bindings/extras.json), for the tests of rewards, partners and draws.
export LOYALTY_CLUB_PROGRAMME="$work/club.json"
python3 - "$programme" "$root/tests/bindings/extras.json" "$LOYALTY_CLUB_PROGRAMME" <<'PY'
import json, sys
club = json.load(open(sys.argv[1], encoding="utf-8"))
for key, value in json.load(open(sys.argv[2], encoding="utf-8")).items():
    club[key] = club.get(key, []) + value if isinstance(value, list) else value
json.dump(club, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
PY

case "$lang" in
  python)
    LOYALTY_LIBRARY="$lib" python3 "$root/bindings/python/tests/test_checkout.py" -v
    ;;
  python-wheel)
    # The wheel with the library inside, built and installed offline with Debian's tools into a
    # fresh virtual environment, finds its bundled library with nothing set.
    bash "$root/bindings/python/build-wheel.sh" "$lib" "$work/dist" >/dev/null
    /usr/bin/python3 -m venv "$work/venv"
    "$work/venv/bin/python" -m pip install --quiet --no-index "$work"/dist/libloyalty-*.whl
    (cd "$work" && env -u LOYALTY_LIBRARY -u LD_LIBRARY_PATH "$work/venv/bin/python" - "$programme" <<'PY'
import os, sys, libloyalty
db = libloyalty.Database.open("wheel.db", default_currency="IRT")
assert libloyalty.library_path().startswith(os.path.dirname(libloyalty.__file__)), \
    libloyalty.library_path()
assert db.load_programme_file(sys.argv[1]) == 1
sara = db.enrol(phone="09123456789", name="سارا", idempotency_key="W-enrol-1")
with db.basket(member=sara.id, receipt="W-1") as b:
    b.add_line("LATTE", "coffee", 2000, 150_000)
    r = db.commit(b, "W-sale-1")
assert r.points_earned > 0 and db.member(sara.id).balance == r.points_earned
print("wheel: the bundled", os.path.basename(libloyalty.library_path()), "sold and earned",
      r.points_earned, "points")
db.close()
PY
    )
    ;;
  node-package)
    # The npm package with the library in prebuilds/linux-x64/, installed into an empty project
    # (koffi comes from the npm registry) and used with nothing set.
    bash "$root/bindings/node/pack.sh" "$work/dist" "$lib:linux-x64" >/dev/null
    mkdir -p "$work/app"
    (cd "$work/app" && npm init -y >/dev/null && \
       npm install --no-audit --no-fund --loglevel=error "$work"/dist/libloyalty-*.tgz)
    (cd "$work/app" && env -u LOYALTY_LIBRARY -u LD_LIBRARY_PATH node - "$programme" <<'JS'
const path = require('node:path');
const { Database, libraryCandidates } = require('libloyalty');
const bundled = libraryCandidates()[0];
if (!require('node:fs').existsSync(bundled)) throw new Error('no bundled library at ' + bundled);
const db = Database.open('pkg.db', { defaultCurrency: 'IRT' });
if (db.loadProgrammeFile(process.argv[2]) !== 1) throw new Error('programme');
const sara = db.enrol({ phone: '09123456789', name: 'سارا' }, 'N-enrol-1');
const b = db.basket({ member: sara.id, receipt: 'N-1' });
b.addLine('LATTE', 'coffee', 2000, 150000);
const r = db.commit(b, 'N-sale-1');
if (!(r.pointsEarned > 0)) throw new Error('no points');
console.log('npm package: the bundled', path.basename(bundled), 'sold and earned', r.pointsEarned, 'points');
b.close(); db.close();
JS
    )
    ;;
  node)
    # koffi comes from the npm registry, pinned by package-lock.json; installed outside the
    # source tree and found through NODE_PATH.
    cp "$root/bindings/node/package.json" "$root/bindings/node/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
    LOYALTY_LIBRARY="$lib" NODE_PATH="$work/node_modules" node --test "$root/bindings/node/test/"
    # The TypeScript declarations: a till's checkout against them compiles with --strict.
    (cd "$root/bindings/node" && "$work/node_modules/.bin/tsc" --noEmit --strict --noUnusedLocals \
       --lib es2020,dom test/types.ts)
    ;;
  csharp)
    mcs -warnaserror -out:"$work/PosCheckout.exe" "$root/bindings/csharp/Native.g.cs" \
        "$root/bindings/csharp/Loyalty.cs" "$root/bindings/csharp/PosCheckout.cs"
    mono "$work/PosCheckout.exe" "$work/club.db" "$programme" "$LOYALTY_CLUB_PROGRAMME"
    ;;
  java)
    jna=/usr/share/java/jna.jar
    javac -Werror -Xlint:all -cp "$jna" -d "$work/classes" \
        "$root/bindings/java/src/ir/loyalty/jna/LoyaltyLibrary.java" \
        "$root/bindings/java/src/ir/loyalty/Loyalty.java" "$root/bindings/java/test/CheckoutTest.java"
    java -Djna.library.path="$libdir" -cp "$work/classes:$jna" CheckoutTest "$work/club.db" "$programme"
    ;;
  csharp-nuget)
    # The NuGet package, consumed as a .NET build does: the program references lib/net45's
    # assembly, and the native library of its runtime identifier is copied beside it. Mono
    # then loads it from the program's folder with no library path set.
    pkg="$(bash "$root/bindings/csharp/pack.sh" "$work/dist" "$lib:linux-x64")"
    mkdir -p "$work/pkg" "$work/app"
    (cd "$work/pkg" && unzip -q "$pkg")
    for f in Loyalty.nuspec "[Content_Types].xml" lib/net45/Loyalty.dll \
             runtimes/linux-x64/native/libloyalty.so; do
      [ -f "$work/pkg/$f" ] || { echo "the package lacks $f"; exit 1; }
    done
    cp "$work/pkg/lib/net45/Loyalty.dll" "$work/pkg/runtimes/linux-x64/native/libloyalty.so" \
       "$work/app/"
    mcs -warnaserror -r:"$work/app/Loyalty.dll" -out:"$work/app/PosCheckout.exe" \
        "$root/bindings/csharp/PosCheckout.cs"
    (cd "$work/app" && env -u LD_LIBRARY_PATH mono PosCheckout.exe "$work/club.db" "$programme" \
       "$LOYALTY_CLUB_PROGRAMME")
    ;;
  java-jar)
    # The jar with the library inside and its JUnit test, run with nothing else on the class path
    # but JNA and JUnit: JNA extracts the library from the jar.
    jar="$(bash "$root/bindings/java/build-jar.sh" "$work/dist" "$lib:linux-x86-64")"
    cp=/usr/share/java/junit4.jar:/usr/share/java/hamcrest.jar:/usr/share/java/jna.jar
    javac -Werror -Xlint:all -encoding UTF-8 -cp "$jar:$cp" -d "$work/test-classes" \
      "$root/bindings/java/junit/ir/loyalty/LoyaltyTest.java" "$root/bindings/java/junit/ir/loyalty/ClubTest.java"
    env -u LOYALTY_LIBRARY -u LD_LIBRARY_PATH java -Dloyalty.programme="$programme" \
      -Dloyalty.club="$LOYALTY_CLUB_PROGRAMME" -cp "$work/test-classes:$jar:$cp" \
      org.junit.runner.JUnitCore ir.loyalty.LoyaltyTest ir.loyalty.ClubTest
    ;;
  pascal)
    fpc -Mdelphi -Sew -vw -l- -FU"$work" -FE"$work" -Fl"$libdir" "$root/bindings/pascal/pos_checkout.dpr"
    "$work/pos_checkout" "$work/club.db" "$programme" "$LOYALTY_CLUB_PROGRAMME"
    # The example on docs/integration/delphi.md, as a reader would copy it.
    awk '/^```pascal$/{c=1; next} c && /^```$/{exit} c{print}' "$root/docs/integration/delphi.md" \
      > "$work/sale.dpr"
    fpc -Mdelphi -Sew -vw -l- -FU"$work" -FE"$work" -Fl"$libdir" -Fu"$root/bindings/pascal" \
        "$work/sale.dpr" > "$work/sale.build" || { cat "$work/sale.build"; exit 1; }
    mkdir -p "$work/sale-run"
    sold="$(cd "$work/sale-run" && ../sale)"
    grep -q "^sold: .*, total 300000$" <<<"$sold"
    ;;
  *)
    echo "unknown binding: $lang" >&2
    exit 2
    ;;
esac
