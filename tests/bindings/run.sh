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

case "$lang" in
  python)
    LOYALTY_LIBRARY="$lib" python3 "$root/bindings/python/tests/test_checkout.py" -v
    ;;
  node)
    # koffi comes from the npm registry, pinned by package-lock.json; installed outside the
    # source tree and found through NODE_PATH.
    cp "$root/bindings/node/package.json" "$root/bindings/node/package-lock.json" "$work/"
    (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
    LOYALTY_LIBRARY="$lib" NODE_PATH="$work/node_modules" node --test "$root/bindings/node/test/"
    ;;
  csharp)
    mcs -warnaserror -out:"$work/PosCheckout.exe" "$root/bindings/csharp/Native.g.cs" \
        "$root/bindings/csharp/Loyalty.cs" "$root/bindings/csharp/PosCheckout.cs"
    mono "$work/PosCheckout.exe" "$work/club.db" "$programme"
    ;;
  java)
    jna=/usr/share/java/jna.jar
    javac -Werror -Xlint:all -cp "$jna" -d "$work/classes" \
        "$root/bindings/java/src/ir/loyalty/jna/LoyaltyLibrary.java" \
        "$root/bindings/java/src/ir/loyalty/Loyalty.java" "$root/bindings/java/test/CheckoutTest.java"
    java -Djna.library.path="$libdir" -cp "$work/classes:$jna" CheckoutTest "$work/club.db" "$programme"
    ;;
  pascal)
    fpc -Mdelphi -Sew -vw -l- -FU"$work" -FE"$work" -Fl"$libdir" "$root/bindings/pascal/pos_checkout.dpr"
    "$work/pos_checkout" "$work/club.db" "$programme"
    # The example on docs/integration/delphi.md, as a reader would copy it.
    awk '/^```pascal$/{c=1; next} c && /^```$/{exit} c{print}' "$root/docs/integration/delphi.md" \
      > "$work/sale.dpr"
    fpc -Mdelphi -Sew -vw -l- -FU"$work" -FE"$work" -Fl"$libdir" -Fu"$root/bindings/pascal" \
        "$work/sale.dpr" > "$work/sale.build" || { cat "$work/sale.build"; exit 1; }
    mkdir -p "$work/sale-run"
    (cd "$work/sale-run" && ../sale) | grep -q "^sold: .*, total 300000$"
    ;;
  *)
    echo "unknown binding: $lang" >&2
    exit 2
    ;;
esac
