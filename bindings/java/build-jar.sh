#!/usr/bin/env bash
# Builds libloyalty-<version>.jar: the Java binding with the native libraries inside, at the
# class-path folders where JNA looks for them (linux-x86-64/libloyalty.so, win32-x86-64/loyalty.dll,
# win32-x86/loyalty.dll), so a POS needs nothing but the jar and JNA. Uses only the JDK and
# Debian's libjna-java.
#   bindings/java/build-jar.sh <out dir> <library>:<jna-prefix> [...]
#   e.g. build-jar.sh dist build/release/libloyalty.so.0:linux-x86-64 \
#          build/windows-x64/bin/loyalty.dll:win32-x86-64 build/windows-x86/bin/loyalty.dll:win32-x86
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
version="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$here/pom.xml" | head -1)"
jna=/usr/share/java/jna.jar
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes/META-INF/maven/ir.loyalty/libloyalty"
javac -Werror -Xlint:all -encoding UTF-8 --release 17 -cp "$jna" -d "$work/classes" \
  $(find "$here/src" -name '*.java')
cp "$here/pom.xml" "$work/classes/META-INF/maven/ir.loyalty/libloyalty/"
bash "$here/../stage-natives.sh" "$work/classes" "" libloyalty.so libloyalty.dylib "$@"
jar --create --file "$out/libloyalty-$version.jar" -C "$work/classes" .
echo "$out/libloyalty-$version.jar"
