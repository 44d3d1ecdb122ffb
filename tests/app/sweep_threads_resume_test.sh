#!/usr/bin/env bash
# sweep_threads_resume_test.sh <glasses>
# MPFR, ablation and certified tracks (issue 16): one sweep with an MPFR
# track (mpfr:64), an MPFR reference (mpfr:128), the ablation of every bf16
# rounding site and interval certification of the onsets writes the same
# bytes with --threads 1 and --threads 2, and after SIGKILL at two moments
# -- while tracks run, and after every track point is saved (certifications
# and merge points, which are not saved, running) -- and --resume.
set -u
glasses=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
args=(sweep --preset paper-literal --family count-ones --n 1:200 --formats bf16,mpfr:64 --ablate bf16
      --reference mpfr:128)
fail() { echo "$*"; exit 1; }
same() {  # same <dir-a> <dir-b> <what>: the same bytes (the thread count in the provenance aside)
  cmp "$1/sweep.csv" "$2/sweep.csv" || fail "$3: sweep.csv differs"
  cmp <(grep -v '^    "threads": [0-9]*$' "$1/summary.json") <(grep -v '^    "threads": [0-9]*$' "$2/summary.json") ||
    fail "$3: summary.json differs"
}

"$glasses" "${args[@]}" --threads 1 --out "$dir/t1" > /dev/null 2>&1 || fail "--threads 1 failed"
"$glasses" "${args[@]}" --threads 2 --out "$dir/t2" > /dev/null 2>&1 || fail "--threads 2 failed"
same "$dir/t1" "$dir/t2" "--threads 1 vs 2"
# The sweep holds what the test claims: MPFR tracks, the ablation, a certified onset.
grep -q '"scalar": "mpfr:64"' "$dir/t1/summary.json" || fail "no mpfr:64 track"
grep -q '"ablated_format": "bf16"' "$dir/t1/summary.json" || fail "no ablation"
grep -q '"certified": true' "$dir/t1/summary.json" || fail "no certified onset"
echo "--threads 1 and 2: byte-identical"

# kill_at <out> <lines>: start the sweep, SIGKILL it once the saved points
# of all tracks number at least <lines> (before sweep.csv exists).
kill_at() {
  "$glasses" "${args[@]}" --threads 2 --out "$1" > /dev/null 2>&1 &
  local pid=$! lines=0
  for _ in $(seq 1 2000); do
    lines=$(cat "$1"/.progress/track-*.jsonl 2> /dev/null | wc -l)
    [[ $lines -ge $2 ]] && break
    sleep 0.01
  done
  kill -9 "$pid"
  wait "$pid" 2> /dev/null
  [[ -f $1/sweep.csv ]] && fail "the run finished before it could be killed ($lines points saved)"
  echo "killed with $lines of $2 points saved"
  "$glasses" "${args[@]}" --threads 2 --out "$1" --resume > /dev/null 2>&1 || fail "resume failed"
  same "$dir/t1" "$1" "resume after SIGKILL at $2 points"
  [[ ! -e $1/.progress ]] || fail "progress files left behind"
}
kill_at "$dir/mid" 500
kill_at "$dir/late" $(( 200 * 13 ))  # 200 n × 13 tracks (bf16, mpfr:64, mpfr:128, 10 ablated sites)
echo "resumed runs are byte-identical"
