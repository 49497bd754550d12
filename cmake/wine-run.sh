#!/usr/bin/env bash
# Runs a Windows program under wine for the cross-built tests: a private prefix (created on first
# use), no debug chatter, and no offer to download Mono or Gecko (nothing here needs them).
#   cmake/wine-run.sh program.exe [args...]     cmake/wine-run.sh --init  (make the prefix only)
set -euo pipefail
export WINEPREFIX="${WINEPREFIX:-${LOYALTY_WINEPREFIX:-${HOME:-/tmp}/.wine-loyalty}}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="mscoree,mshtml="
# Wine reads Unix file names and arguments in the Unix locale's encoding: UTF-8, whatever the
# caller's locale, so that Persian names reach the program intact.
export LC_ALL=C.UTF-8
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  WINEARCH=win64 wineboot --init >/dev/null 2>&1 || true
  wineserver -w || true
fi
[ "${1:-}" = "--init" ] && exit 0
exec wine "$@"
