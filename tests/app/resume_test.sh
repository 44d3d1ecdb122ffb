#!/usr/bin/env bash
# resume_test.sh <glasses>: a sweep killed with SIGKILL part-way and
# resumed with --resume writes the same bytes as an uninterrupted run; a
# second run into the same directory without --resume or --force is
# refused with exit code 2.
set -u
glasses=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Under sanitizers (GLASSES_TEST_SANITIZED=1, tests/CMakeLists.txt) a
# shorter sweep: the same code paths, at a sanitized binary's speed.
n_max=3000; [[ ${GLASSES_TEST_SANITIZED:-0} == 1 ]] && n_max=1000
args=(sweep --preset paper-literal --family count-ones --n "1:$n_max" --formats bf16,fp16 --reference fp64
      --no-certify --threads 1)
"$glasses" "${args[@]}" --out "$dir/full" > /dev/null 2>&1 || { echo "uninterrupted run failed"; exit 1; }
"$glasses" "${args[@]}" --out "$dir/cut" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  lines=$(cat "$dir/cut/.progress/track-0.jsonl" 2> /dev/null | wc -l)
  [[ $lines -ge 200 ]] && break
  sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2> /dev/null
if [[ -f $dir/cut/sweep.csv ]]; then echo "the run finished before it could be killed"; exit 1; fi
echo "killed after $(wc -l < "$dir/cut/.progress/track-0.jsonl") points of track 0"
"$glasses" "${args[@]}" --out "$dir/cut" > /dev/null 2>&1
status=$?
if [[ $status -ne 2 ]]; then echo "a second run without --resume exited $status, expected 2"; exit 1; fi
"$glasses" "${args[@]}" --out "$dir/cut" --resume > /dev/null 2>&1 || { echo "resume failed"; exit 1; }
cmp "$dir/full/sweep.csv" "$dir/cut/sweep.csv" || { echo "sweep.csv differs after resume"; exit 1; }
cmp "$dir/full/summary.json" "$dir/cut/summary.json" || { echo "summary.json differs after resume"; exit 1; }
[[ ! -e $dir/cut/.progress ]] || { echo "progress files left behind"; exit 1; }
echo "resumed run is byte-identical"
