#!/usr/bin/env bash
# The man page renders without a warning and documents every command the tool has (and its
# dates and exit statuses), so the two cannot drift apart.
#   tests/admin/man.sh <loyalty-admin> <loyalty-admin.1>
set -euo pipefail
A="$1"; M="$2"
fail() { echo "FAIL: $*"; exit 1; }
warnings="$(groff -man -Tutf8 -ww -z "$M" 2>&1)"
[ -z "$warnings" ] || fail "groff warns: $warnings"
page="$(groff -man -Tutf8 "$M" 2>/dev/null | sed 's/.\x08//g')"
commands="$("$A" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && NF {print $1}')"
[ -n "$commands" ] || fail "no commands in --help"
for c in $commands; do
  grep -Eq "^ {7}$c( |$)" <<<"$page" || fail "the man page does not document '$c'"
done
for s in DATES "EXIT STATUS" "1405-09-01" "--version" "--exponent" "member export"; do
  grep -q -- "$s" <<<"$page" || fail "the man page lacks '$s'"
done
echo "man page: renders cleanly, documents $(wc -w <<<"$commands") commands"
