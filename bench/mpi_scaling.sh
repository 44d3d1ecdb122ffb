#!/usr/bin/env bash
# mpi_scaling.sh <glasses> [ranks]: the speed-up of one MPFR-dominated sweep
# (the `default` preset: d = 64, 4 layers; count-ones to n = 600; bf16
# against an mpfr:192 reference) on `ranks` MPI ranks (default 2) sharing
# each track's rows (--ranks-per-track), against the singleton, both with
# --threads 1, measured back to back in this one run; then the same ranks
# taking whole tracks (--ranks-per-track 1), which cannot beat the longest
# track. Every run's sweep.csv and summary.json must be byte-identical.
# Prints wall times, ratios, and the fraction of rank 0's time in row exchanges.
set -euo pipefail
glasses=$1
ranks=${2:-2}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
args=(sweep --preset default --family count-ones --n 1:600 --formats bf16 --reference mpfr:192 --no-certify
      --threads 1)

# timed ERRFILE COMMAND...: runs it (stdout discarded, stderr to ERRFILE) and prints its wall seconds.
timed() {
  local err=$1 start=$EPOCHREALTIME
  shift
  "$@" > /dev/null 2> "$err" || { cat "$err" >&2; return 1; }
  awk "BEGIN { print $EPOCHREALTIME - $start }"
}
ratio() { awk "BEGIN { print $1 / $2 }"; }
t1=$(timed "$dir/one.err" "$glasses" "${args[@]}" --out "$dir/one")
tg=$(timed "$dir/group.err" mpirun -np "$ranks" --bind-to core "$glasses" "${args[@]}" --ranks-per-track "$ranks" \
     --out "$dir/group")
ti=$(timed "$dir/items.err" mpirun -np "$ranks" --bind-to core "$glasses" "${args[@]}" --out "$dir/items")
for run in group items; do
  for f in sweep.csv summary.json; do
    cmp -s "$dir/one/$f" "$dir/$run/$f" || { echo "FAIL: $run: $f differs from the singleton's"; exit 1; }
  done
done
printf 'singleton --threads 1:                        %7.1f s\n' "$t1"
printf '%d ranks, --ranks-per-track %d (rows shared):  %7.1f s  speed-up %.2fx\n' "$ranks" "$ranks" "$tg" \
       "$(ratio "$t1" "$tg")"
printf '%d ranks, --ranks-per-track 1 (whole tracks):  %7.1f s  speed-up %.2fx\n' "$ranks" "$ti" \
       "$(ratio "$t1" "$ti")"
grep -h "row exchanges" "$dir/group.err" || true
echo "outputs byte-identical to the singleton's"
