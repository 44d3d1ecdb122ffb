#!/usr/bin/env bash
# expect.sh <exit-code> <regex> <stdin-text|-> <command...>
# Runs the command with the given text on stdin ("-": none); passes when it
# exits with <exit-code> and its combined stdout+stderr, lines joined by
# "~", matches the extended <regex>.
set -u
want_exit=$1 regex=$2 input=$3
shift 3
[[ $input == "-" ]] && input=""
output=$(printf '%b' "$input" | "$@" 2>&1)
got_exit=$?
joined=$(printf '%s' "$output" | tr '\n' '~')
if [[ $got_exit -ne $want_exit ]]; then
  echo "exit code $got_exit, expected $want_exit; output:"; echo "$output"; exit 1
fi
if ! grep -Eq -- "$regex" <<< "$joined"; then
  echo "output does not match /$regex/:"; echo "$output"; exit 1
fi
exit 0
