#!/usr/bin/env bash
# Copies native libraries into a package's per-platform folders, as each ecosystem names them:
# <dest>/<target>[/<sub>]/<file>, the file loyalty.dll for a Windows target (win32-*, win-*),
# <mac name> for a macOS one, <linux name> otherwise (an ELF copy loses its debugging sections).
# Used by the Node, Java and NuGet packagers.
#   bindings/stage-natives.sh <dest> <sub or ""> <linux name> <mac name> <library>:<target> [...]
set -euo pipefail
dest="$1"; sub="$2"; linux_name="$3"; mac_name="$4"
shift 4
for spec in "$@"; do
  lib="${spec%:*}"; target="${spec##*:}"
  case "$target" in
    win32-*|win-*) name=loyalty.dll ;;
    darwin-*|osx-*) name="$mac_name" ;;
    *) name="$linux_name" ;;
  esac
  dir="$dest/$target${sub:+/$sub}"
  mkdir -p "$dir"
  cp -L "$lib" "$dir/$name"
  case "$name" in *.so|*.so.*) strip --strip-debug "$dir/$name" ;; esac
done
