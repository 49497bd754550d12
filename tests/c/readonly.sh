#!/usr/bin/env bash
# Runs tests/c/readonly_test.c on a real read-only filesystem: a tmpfs mounted in a private mount
# namespace (so nothing outside the test sees it), filled, then remounted read-only. As root the
# mount namespace is enough; otherwise an unprivileged user namespace gives the right to mount.
#   tests/c/readonly.sh <readonly_test> <work dir>
set -euo pipefail
T="$1"; W="$2"
mkdir -p "$W"
steps="set -e; mount -t tmpfs -o size=16m tmpfs '$W'; '$T' prepare '$W'; \
       mount -o remount,ro '$W'; '$T' check '$W'"
if [ "$(id -u)" -eq 0 ]; then
  unshare --mount --propagation private bash -c "$steps"
else
  unshare --user --map-root-user --mount bash -c "$steps"
fi
