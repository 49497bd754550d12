#!/usr/bin/env bash
# Packs the Node binding with prebuilt libraries inside, where index.js looks first:
# prebuilds/<platform>-<arch>/ (process.platform and process.arch: linux-x64, win32-x64,
# win32-ia32). The result is an npm tarball to publish or to `npm install` from a file.
#   bindings/node/pack.sh <out dir> <library>:<platform>-<arch> [...]
#   e.g. pack.sh dist build/release/libloyalty.so.0:linux-x64 \
#          build/windows-x64/bin/loyalty.dll:win32-x64 build/windows-x86/bin/loyalty.dll:win32-ia32
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/index.js" "$here/index.d.ts" "$here/capi.js" "$work/"
bash "$here/../stage-natives.sh" "$work/prebuilds" "" libloyalty.so.0 libloyalty.0.dylib "$@"
(cd "$work" && npm pack --silent --pack-destination "$out" >/dev/null)
ls "$out"/libloyalty-*.tgz
