#!/usr/bin/env bash
# Builds the libloyalty wheel with the native library inside, offline, with Debian's own Python
# tooling (python3-pip, python3-setuptools, python3-wheel: no build isolation, nothing fetched).
#   bindings/python/build-wheel.sh <libloyalty.so.0 | loyalty.dll> <output dir> [platform tag]
# The platform tag defaults to the building machine's (linux_x86_64); for Windows DLLs give
# win_amd64 or win32.
set -euo pipefail
lib="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
here="$(cd "$(dirname "$0")" && pwd)"
PY=/usr/bin/python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/libloyalty" "$here/pyproject.toml" "$here/setup.py" "$work/"
rm -rf "$work/libloyalty/__pycache__"
case "$(basename "$lib")" in
  *.dll) cp "$lib" "$work/libloyalty/loyalty.dll"
     # libloyalty.sync's loyalty-sync.dll and its libpq.dll, when built beside it.
     for d in loyalty-sync.dll libpq.dll; do
       [ ! -f "$(dirname "$lib")/$d" ] || cp "$(dirname "$lib")/$d" "$work/libloyalty/"
     done ;;
  *.dylib) cp "$lib" "$work/libloyalty/libloyalty.0.dylib" ;;
  *) cp -L "$lib" "$work/libloyalty/libloyalty.so.0"
     # Without its debugging sections (a RelWithDebInfo build's are most of its size).
     strip --strip-debug "$work/libloyalty/libloyalty.so.0" ;;
esac
LOYALTY_WHEEL_PLATFORM="${3:-}" "$PY" -m pip wheel --no-build-isolation --no-deps --no-index \
  --quiet --wheel-dir "$out" "$work"
ls "$out"/libloyalty-*.whl
