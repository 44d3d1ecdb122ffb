#!/usr/bin/env bash
# forward_text_test.sh <glasses> <gpt2-small fixture> <tiny tokenizer.json>:
# a model folder with a tokenizer.json gives `forward --text` the same
# logits as `forward --tokens` with the ids the reference (Hugging Face's
# Rust tokenizers, tests/fixtures/tokenizers/tiny/expected_special.jsonl)
# gives for the text with its special tokens (<s> = 1 first), and without
# them under --no-add-special-tokens.
set -eu
glasses=$1 model=$2 tokenizer=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$model/config.json" "$model/model.safetensors" "$tokenizer" "$dir/"
text="the ones on tone"
ids="1 44 45 2 39 43 2 39 44 39 7"
"$glasses" forward --model "$dir" --text "$text" --format fp32 > "$dir/text.txt"
"$glasses" forward --model "$dir" --tokens "$ids" --format fp32 > "$dir/tokens.txt"
cmp "$dir/text.txt" "$dir/tokens.txt"
[[ $(wc -l < "$dir/text.txt") -eq 11 ]] || { echo "expected 11 positions"; exit 1; }
"$glasses" forward --model "$dir" --text "$text" --no-add-special-tokens --format fp32 > "$dir/plain.txt"
"$glasses" forward --model "$dir" --tokens "${ids#1 }" --format fp32 > "$dir/plain_tokens.txt"
cmp "$dir/plain.txt" "$dir/plain_tokens.txt"
echo ok
