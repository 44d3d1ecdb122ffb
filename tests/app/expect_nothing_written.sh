#!/usr/bin/env bash
# expect_nothing_written.sh <path> <expect.sh arguments...>: expect.sh, and
# <path> (the command's --out) must not exist afterwards.
set -u
path=$1
shift
rm -rf "$path"
"$(dirname "$0")/expect.sh" "$@" || exit 1
if [[ -e $path ]]; then echo "the refused command wrote $path:"; ls -la "$path"; exit 1; fi
exit 0
