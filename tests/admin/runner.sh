# Sourced by the loyalty-admin test scripts: `A args...` runs the tool at $ADMIN, through
# $LOYALTY_RUNNER when set (cmake/wine-run.sh for the Windows build). A Windows program writes
# CRLF line ends to a pipe; the checks read lines without the CR.
A() {
  if [ -n "${LOYALTY_RUNNER:-}" ]; then "$LOYALTY_RUNNER" "$ADMIN" "$@" | tr -d '\r'
  else "$ADMIN" "$@"; fi
}
fail() { echo "FAIL: $*"; exit 1; }
