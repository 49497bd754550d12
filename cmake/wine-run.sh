#!/usr/bin/env bash
# Runs a Windows program under wine for the cross-built tests: a private prefix (created on first
# use), no debug chatter, and no offer to download Mono or Gecko (nothing here needs them).
#   cmake/wine-run.sh program.exe [args...]     cmake/wine-run.sh --init  (make the prefix only)
#   cmake/wine-run.sh --keep-server | --stop-server   (a session that outlives its programs)
#   cmake/wine-run.sh --can-run-32   (exit status 0 when this kernel can run wine's 32-bit loader)
set -euo pipefail
export WINEPREFIX="${WINEPREFIX:-${LOYALTY_WINEPREFIX:-${HOME:-/tmp}/.wine-loyalty}}"
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEDLLOVERRIDES="mscoree,mshtml="
# Wine reads Unix file names and arguments in the Unix locale's encoding: UTF-8, whatever the
# caller's locale, so that Persian names reach the program intact.
export LC_ALL=C.UTF-8
# Debian's `wine` starts its 32-bit loader whenever wine32 is installed, and that loader starts
# wine64 for a 64-bit program. A kernel without 32-bit support (no IA32 emulation) cannot run
# it ("Exec format error"): then 64-bit programs are started by wine64 itself, and 32-bit ones
# cannot run on this machine at all (scripts/windows.sh says so and runs only the i686 checks
# that need no wine).
can_run_32() { /usr/lib/wine/wine --version >/dev/null 2>&1; }
if [ "${1:-}" = "--can-run-32" ]; then
  can_run_32
  exit
fi
loader=wine
if ! can_run_32 && [ -x /usr/lib/wine/wine64 ]; then
  loader=/usr/lib/wine/wine64
  export WINELOADER=/usr/lib/wine/wine64
fi
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  WINEARCH=win64 "$loader" wineboot --init >/dev/null 2>&1 || true
  wineserver -w || true
fi
[ "${1:-}" = "--init" ] && exit 0
# A wine session lasts while a program runs in it; then wineserver ends it, and with it
# services.exe and every service it started. --keep-server keeps the session until
# --stop-server, for a service meant to run between the programs that start and stop it.
if [ "${1:-}" = "--keep-server" ]; then
  wineserver -w || true  # the last program's session ends first: a running server is not kept
  exec wineserver -p
fi
[ "${1:-}" = "--stop-server" ] && exec wineserver -k
exec "$loader" "$@"
