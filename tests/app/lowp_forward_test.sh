#!/usr/bin/env bash
# lowp_forward_test.sh <glasses> <refmodels-dir>
# `glasses forward --format fp16|bf16` on the Llama, Mistral and GPT-2
# fixtures against an independent emulation (refmodels/lowp_reference.py:
# plain Python, its own round-to-nearest-even on the binary64 bit pattern,
# every operation rounded in the order DESIGN.md and the kernels document),
# bit for bit: every logit of every position printed to 9 digits (exact
# for fp16/bf16 values) and compared as text with the committed outputs.
set -euo pipefail
glasses=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for model in llama-small llama-gqa-small mistral-tiny gpt2-small; do
  for format in fp16 bf16; do
    want=$dir/$model/logits_$format.txt
    "$glasses" forward --model "$dir/$model" --tokens "$(cat "$dir/$model/tokens.txt")" --format "$format" \
      --digits 9 > "$work/out.txt"
    if [[ $(wc -l < "$want") -lt 31 ]]; then echo "$want: fewer than 31 positions"; status=1; continue; fi
    if cmp -s "$want" "$work/out.txt"; then
      echo "$model $format: $(wc -w < "$want") logits identical"
    else
      echo "$model $format: differs from the reference; first differing lines:"
      diff "$want" "$work/out.txt" | head -n 4 | cut -c 1-200
      status=1
    fi
  done
done
exit $status
