#!/usr/bin/env bash
# Packs the C# binding as a NuGet package: the assembly (built here with Mono's mcs for .NET
# Framework 4.5+, lib/net45/; `dotnet pack Loyalty.csproj` gives the netstandard2.0 build with the
# same native files) and the native libraries in runtimes/<rid>/native/, from which .NET copies
# the one for the process's platform beside the program.
#   bindings/csharp/pack.sh <out dir> <library>:<rid> [...]
#   e.g. pack.sh dist build/release/libloyalty.so.0:linux-x64 \
#          build/windows-x64/bin/loyalty.dll:win-x64 build/windows-x86/bin/loyalty.dll:win-x86
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
version="$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$here/Loyalty.csproj")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib/net45"
mcs -warnaserror -target:library -out:"$work/lib/net45/Loyalty.dll" "$here/Native.g.cs" \
  "$here/Loyalty.cs"
bash "$here/../stage-natives.sh" "$work/runtimes" native libloyalty.so libloyalty.dylib "$@"
cat > "$work/Loyalty.nuspec" <<NUSPEC
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Loyalty</id>
    <version>$version</version>
    <authors>libloyalty</authors>
    <license type="expression">MIT</license>
    <description>C# binding of libloyalty, a customer-club (loyalty) engine for point-of-sale software, with its native library.</description>
    <tags>loyalty pos points rewards</tags>
  </metadata>
</package>
NUSPEC
cat > "$work/[Content_Types].xml" <<'TYPES'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="dylib" ContentType="application/octet" />
</Types>
TYPES
rm -f "$out/Loyalty.$version.nupkg"
(cd "$work" && zip -q -r -X "$out/Loyalty.$version.nupkg" Loyalty.nuspec "[Content_Types].xml" lib \
  runtimes)
echo "$out/Loyalty.$version.nupkg"
