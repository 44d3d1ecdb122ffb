#!/usr/bin/env bash
# order_test.sh <glasses>: summation orders on the command line.
#  - `--order sequential` writes the same bytes as no --order (sweep.csv,
#    summary.json), on tracks that use the vector kernels (fp32, bf16,
#    mixed:bf16/fp32) and the scalar loops (fp16, an ablation);
#  - another order changes the numbers and is stated in summary.json;
#  - a bad order is refused with exit code 2 before anything is written.
set -u
glasses=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
args=(sweep --preset default --family count-ones --n 1:40 --formats fp32,bf16,fp16,mixed:bf16/fp32 --ablate bf16
      --reference fp64 --no-certify --threads 2)
"$glasses" "${args[@]}" --out "$dir/none" > /dev/null 2>&1 || { echo "run without --order failed"; exit 1; }
"$glasses" "${args[@]}" --order sequential --out "$dir/sequential" > /dev/null 2>&1 || { echo "--order sequential failed"; exit 1; }
cmp "$dir/none/sweep.csv" "$dir/sequential/sweep.csv" || { echo "sweep.csv differs with --order sequential"; exit 1; }
cmp "$dir/none/summary.json" "$dir/sequential/summary.json" || { echo "summary.json differs with --order sequential"; exit 1; }
"$glasses" "${args[@]}" --order pairwise --out "$dir/pairwise" > /dev/null 2>&1 || { echo "--order pairwise failed"; exit 1; }
grep -q '"order": "pairwise"' "$dir/pairwise/summary.json" || { echo "summary.json does not state the order"; exit 1; }
if cmp -s "$dir/none/sweep.csv" "$dir/pairwise/sweep.csv"; then echo "--order pairwise changed nothing"; exit 1; fi
out=$("$glasses" "${args[@]}" --order blocked:0 --out "$dir/bad" 2>&1)
status=$?
[[ $status -eq 2 ]] || { echo "--order blocked:0 exited $status, expected 2"; exit 1; }
[[ $out == *"summation order 'blocked:0'"* ]] || { echo "unclear message: $out"; exit 1; }
[[ ! -e $dir/bad ]] || { echo "a refused run wrote $dir/bad"; exit 1; }
echo "--order sequential is byte-identical; pairwise differs; bad orders refused"
