# Sourced by the loyalty-admin test scripts: `A args...` runs the tool at $ADMIN, through
# $LOYALTY_RUNNER when set (cmake/wine-run.sh for the Windows build). A Windows program writes
# CRLF line ends to a pipe; the checks read lines without the CR.
A() {
  if [ -n "${LOYALTY_RUNNER:-}" ]; then "$LOYALTY_RUNNER" "$ADMIN" "$@" | tr -d '\r'
  else "$ADMIN" "$@"; fi
}
# On failure, what the last `status` call saw as well: its exit status and its error output.
fail() {
  echo "FAIL: $*"
  if [ -n "${W:-}" ] && [ -f "$W/rc" ]; then
    echo "last status call: exit $(cat "$W/rc"); its error output:"
    sed 's/^/  /' "$W/err" 2>/dev/null | head -20
  fi
  exit 1
}
# `... | contains PATTERN`: reads the whole input, then matches. (`grep -q` stops at the first
# match; the writer then dies of SIGPIPE and, under pipefail, the check fails at random.)
contains() {
  local text
  text="$(cat)"
  grep -q -- "$1" <<<"$text"
}
