#!/usr/bin/env bash
# crash_test.sh <glasses> <report-suite.json>: crash safety (README
# "Hardening").
#  1. sweep, report and check --json killed with SIGKILL at pseudo-random
#     moments (fixed seed) and rerun (--resume for sweep) write the same
#     bytes as an uninterrupted run;
#  2. a second process writing the same --out directory refuses (exit 2);
#  3. an output directory that cannot be created, or a full disk, ends
#     with exit 2, a message naming the problem, and no partial output.
set -u
glasses=$1 suite=$2
dir=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
RANDOM=16  # the kill moments are pseudo-random but the same at every run

# kill_after <seconds> <command...>: runs it and kills it with SIGKILL after
# <seconds> unless it ended; returns 0 if it was killed.
kill_after() {
  local delay=$1
  shift
  "$@" > /dev/null 2>&1 &
  local pid=$!
  local waited=0
  while kill -0 "$pid" 2> /dev/null && [[ $waited -lt $delay ]]; do sleep 0.01; waited=$((waited + 1)); done
  if kill -9 "$pid" 2> /dev/null; then wait "$pid" 2> /dev/null; return 0; fi
  wait "$pid" 2> /dev/null
  return 1
}

# 1a. sweep: killed three times, each rerun with --resume.
# Under sanitizers (GLASSES_TEST_SANITIZED=1, tests/CMakeLists.txt) a
# shorter sweep: the same code paths, at a sanitized binary's speed.
n_max=2000; [[ ${GLASSES_TEST_SANITIZED:-0} == 1 ]] && n_max=700
sweep=(sweep --preset paper-literal --family count-ones --n "1:$n_max" --formats bf16,fp16 --reference fp64 --no-certify
       --threads 2)
"$glasses" "${sweep[@]}" --out "$dir/sweep-full" > /dev/null 2>&1 || fail "uninterrupted sweep"
kills=0
for round in 1 2 3; do
  resume=(); [[ $round -gt 1 ]] && resume=(--resume)
  delay=$((20 + RANDOM % 60))  # 0.2 to 0.8 s, in 10 ms steps
  kill_after "$delay" "$glasses" "${sweep[@]}" --out "$dir/sweep-cut" "${resume[@]}" && kills=$((kills + 1))
done
"$glasses" "${sweep[@]}" --out "$dir/sweep-cut" --resume > /dev/null 2>&1 || fail "resumed sweep"
[[ $kills -ge 1 ]] || fail "the sweep always finished before it was killed"
for f in sweep.csv summary.json; do cmp "$dir/sweep-full/$f" "$dir/sweep-cut/$f" || fail "sweep $f differs after $kills kills"; done
echo "sweep: byte-identical after $kills kills and --resume"

# 1b. report (a small suite, no PDF) and 1c. check --json: killed, then rerun.
report=(report --suite "$suite" --no-pdf --date 2024-01-01 --threads 2)
"$glasses" "${report[@]}" --out "$dir/report-full" > /dev/null 2>&1 || fail "uninterrupted report"
check=(check B.1 B.2-literal B.8 --quick --threads 2)
"$glasses" "${check[@]}" --json "$dir/check-full.json" > /dev/null 2>&1 || fail "uninterrupted check"
for round in 1 2; do
  delay=$((5 + RANDOM % 40))
  kill_after "$delay" "$glasses" "${report[@]}" --out "$dir/report-cut" || echo "report round $round ended before the kill"
  delay=$((10 + RANDOM % 100))
  kill_after "$delay" "$glasses" "${check[@]}" --json "$dir/check-cut.json" || echo "check round $round ended before the kill"
  [[ ! -e $dir/check-cut.json ]] || cmp -s "$dir/check-full.json" "$dir/check-cut.json" || fail "a killed check left a partial JSON"
done
"$glasses" "${report[@]}" --out "$dir/report-cut" > /dev/null 2>&1 || fail "rerun report"
"$glasses" "${check[@]}" --json "$dir/check-cut.json" > /dev/null 2>&1 || fail "rerun check"
cmp "$dir/check-full.json" "$dir/check-cut.json" || fail "check --json differs after a kill"
# (.glasses.lock holds the last writer's pid)
diff -r -x .glasses.lock "$dir/report-full" "$dir/report-cut" > /dev/null ||
  fail "report differs after a kill: $(diff -rq -x .glasses.lock "$dir/report-full" "$dir/report-cut")"
echo "report and check --json: byte-identical after kills"

# 2. Two writers of one --out: the second refuses while the first runs.
"$glasses" "${sweep[@]/1:$n_max/1:30000}" --out "$dir/locked" > /dev/null 2>&1 &
first=$!
for _ in $(seq 1 500); do [[ -s $dir/locked/.glasses.lock ]] && break; sleep 0.01; done
kill -0 "$first" 2> /dev/null || fail "the first writer ended too early"
out=$("$glasses" "${sweep[@]}" --out "$dir/locked" --resume 2>&1)
status=$?
kill -9 "$first" 2> /dev/null
wait "$first" 2> /dev/null
[[ $status -eq 2 ]] || fail "a second writer of the same --out exited $status, expected 2: $out"
grep -q "in use by another glasses process (pid $first)" <<< "$out" || fail "unexpected message: $out"
out=$("$glasses" "${report[@]}" --out "$dir/locked" 2>&1)
[[ $? -eq 0 ]] || fail "the lock outlived its SIGKILLed holder: $out"
echo "two writers: the second refused; the lock ends with its holder"

# 3a. An output directory that cannot be created.
touch "$dir/file"
out=$("$glasses" "${sweep[@]}" --out "$dir/file/sub" 2>&1)
[[ $? -eq 2 ]] || fail "--out below a file: expected exit 2"
grep -q "cannot create the output directory '$dir/file/sub'" <<< "$out" || fail "unexpected message: $out"
out=$("$glasses" "${check[@]}" --json "$dir/missing/c.json" 2>&1)
[[ $? -eq 2 ]] || fail "--json into a missing directory: expected exit 2: $out"
[[ ! -e $dir/missing ]] || fail "check created the missing directory"
echo "unwritable outputs: exit 2 with a message"

# 3b. A full disk: a 64 KiB tmpfs in a private mount namespace (skipped
# where namespaces are not allowed).
if ! unshare -m true 2> /dev/null; then echo "SKIPPED: no mount namespace for the full-disk case"; exit 77; fi
full=$(unshare -m bash -c '
  mkdir -p "$1/full" && mount -t tmpfs -o size=64k tmpfs "$1/full" || exit 77
  "$2" sweep --preset paper-literal --family count-ones --n "1:$3" --formats bf16 --reference fp64 --no-certify \
      --out "$1/full/out" > /dev/null 2> "$1/stderr"
  echo "exit=$?"
  find "$1/full/out" -name "sweep.csv" -o -name "summary.json" -o -name "*.tmp*"
' _ "$dir" "$glasses" "$n_max")
[[ $? -eq 77 ]] && { echo "SKIPPED: cannot mount a tmpfs for the full-disk case"; exit 77; }
grep -q "^exit=2$" <<< "$full" || fail "full disk: $full $(cat "$dir/stderr")"
[[ $(wc -l <<< "$full") -eq 1 ]] || fail "full disk left output files: $full"
grep -q "No space left on device\|disk full" "$dir/stderr" || fail "full disk: unexpected message $(cat "$dir/stderr")"
echo "full disk: exit 2, no partial output: $(grep error "$dir/stderr")"
