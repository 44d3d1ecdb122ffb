#!/usr/bin/env bash
# certify_max_n_test.sh <glasses>: the --certify-max-n cut-off. The
# activations-site ablation of bf16 on paper-literal collapses first at
# n = 166 (count-ones); with --certify-max-n 166 that onset is certified
# (a positive lower bound of the exact distance), with 165 it is not, and
# the summary says why.
set -u
glasses=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "$*"; exit 1; }
args=(sweep --preset paper-literal --family count-ones --n 160:170 --policies ablate:activations=bf16
      --formats bf16 --reference mpfr:128)
"$glasses" "${args[@]}" --certify-max-n 166 --out "$dir/at" > /dev/null 2>&1 || fail "sweep with --certify-max-n 166 failed"
"$glasses" "${args[@]}" --certify-max-n 165 --out "$dir/below" > /dev/null 2>&1 || fail "sweep with --certify-max-n 165 failed"
# The ablation track's entry (the first of "formats", in key order).
entry() { sed -n '/"ablate:activations=bf16": {/,/"scalar":/p' "$1/summary.json"; }
entry "$dir/at" | grep -q '"onset_first": 166,' || fail "onset moved: $(entry "$dir/at")"
entry "$dir/at" | grep -q '"certified": true,' || fail "n = 166 not certified at the limit 166: $(entry "$dir/at")"
entry "$dir/at" | grep -Eq '"exact_distance_lower": ([1-9]|0\.[0-9]*[1-9])' || fail "no positive lower bound: $(entry "$dir/at")"
entry "$dir/below" | grep -q '"onset_first": 166,' || fail "onset moved: $(entry "$dir/below")"
entry "$dir/below" | grep -q '"certified": false,' || fail "n = 166 certified above the limit 165: $(entry "$dir/below")"
entry "$dir/below" | grep -q '"certification_note": "not certified: n = 166 is above the certification limit 165"' ||
  fail "no note: $(entry "$dir/below")"
echo "--certify-max-n 166 certifies the onset at 166; 165 leaves it uncertified, with the note"
