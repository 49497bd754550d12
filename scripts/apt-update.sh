#!/usr/bin/env bash
# Runs `apt-get update`, and again after a pause when it fails: a Debian mirror caught in the
# middle of its sync serves, for a few minutes, an index whose size does not match its Release
# file ("Mirror sync in progress?"), and apt-get update then fails the whole set-up.
#   scripts/apt-update.sh [TRIES]   (as root, or through sudo; 6 tries unless told)
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
tries="${1:-6}"
for attempt in $(seq 1 "$tries"); do
  if $SUDO apt-get update -qq; then exit 0; fi
  [ "$attempt" -lt "$tries" ] || break
  echo "apt-get update failed (attempt $attempt of $tries); again in $((attempt * 20)) s" >&2
  sleep $((attempt * 20))
done
echo "apt-get update failed $tries times" >&2
exit 1
