#!/usr/bin/env bash
# Unpacks a Debian source package (apt-get source) into a new scratch directory and prints the
# path of its source tree. Adds Debian's source index (deb-src) first when apt has none. The
# Windows build makes what Debian ships for Linux only from Debian's own sources: SQLite's
# amalgamation and libpq.
#   dir=$(bash scripts/debian-source.sh PACKAGE=VERSION)      (the caller removes $(dirname "$dir"))
# The version unpacked is in $(dirname "$dir")/VERSION.debian.
set -euo pipefail
spec="$1"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! apt-get source --print-uris "$spec" >/dev/null 2>&1; then
  echo "adding Debian's source index (deb-src) for apt-get source" >&2
  codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  $SUDO tee /etc/apt/sources.list.d/debian-src.sources >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  bash "$(dirname "$0")/apt-update.sh" >&2
fi
work="$(mktemp -d)"
# The version asked for first; should a mirror lack its files, the other versions Debian lists,
# newest first (a security update's source can lag behind its index).
package="${spec%%=*}"
tried=()
for want in "$spec" $(apt-cache showsrc "$package" 2>/dev/null | awk '/^Version:/ {print $2}' |
                      sort -rV | sed "s/^/$package=/"); do
  [ "${#tried[@]}" -eq 0 ] || [ "$want" != "$spec" ] || continue
  tried+=("$want")
  if (cd "$work" && apt-get source -qq "$want" >/dev/null 2>&1); then
    [ "$want" = "$spec" ] || echo "apt-get source $spec failed; using $want" >&2
    break
  fi
  rm -rf "${work:?}"/*
done
[ -n "$(ls -A "$work")" ] || { echo "apt-get source failed: ${tried[*]}" >&2; rm -rf "$work"; exit 1; }
src="$(find "$work" -maxdepth 1 -mindepth 1 -type d | head -1)"
echo "${want#*=}" > "$work/VERSION.debian"
[ -n "$src" ] || { echo "apt-get source $spec unpacked nothing" >&2; exit 1; }
echo "$src"
