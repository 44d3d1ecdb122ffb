#!/usr/bin/env bash
# sweep_text_test.sh <glasses> <gpt2-small fixture> <tiny tokenizer.json>:
# `glasses sweep --model DIR` on a folder with a tokenizer.json builds the
# families from text. With the tiny tokenizer " 1" is two tokens (▁ 1, by
# hand from its vocabulary), so summary.json says one more unit costs 2
# tokens, and the note is printed on stderr; without a separator, "111"
# is one token per digit and there is no note. Bad text options exit 2.
set -eu
glasses=$1 model=$2 tokenizer=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$model/config.json" "$model/model.safetensors" "$tokenizer" "$dir/"
fail() { echo "$*"; exit 1; }

"$glasses" sweep --model "$dir" --family count-ones --template 'ones: {seq}' --n 1:6 --formats bf16,fp32 \
  --reference fp64 --no-certify --out "$dir/spaced" > /dev/null 2> "$dir/spaced.err"
grep -q "glasses: note: n counts units (\"1\"), not tokens: one more unit costs 2 tokens" "$dir/spaced.err" ||
  fail "no note on stderr: $(cat "$dir/spaced.err")"
python3 - "$dir/spaced/summary.json" <<'PY' || fail "spaced summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["sequences"] == "text", s["sequences"]
assert s["template"] == "ones: {seq}", s["template"]
t = s["tokens_per_unit"]
assert t["min"] == 2 and t["max"] == 2 and t["prefixes"] is True, t
assert "costs 2 tokens" in t["note"], t
assert s["n"] == [1, 2, 3, 4, 5, 6], s["n"]
assert {"bf16", "fp32", "fp64"} == set(s["formats"]), s["formats"]  # the reference track too
assert "tokenised whole with special tokens" in s["family_description"], s["family_description"]
PY

"$glasses" sweep --model "$dir" --family copy-last --unit-sep '' --no-add-special-tokens --n 1,3,8 \
  --formats bf16 --reference fp32 --no-certify --out "$dir/packed" > /dev/null 2> "$dir/packed.err"
grep -q "note" "$dir/packed.err" && fail "unexpected note: $(cat "$dir/packed.err")"
python3 - "$dir/packed/summary.json" <<'PY' || fail "packed summary"
import json, sys
s = json.load(open(sys.argv[1]))
t = s["tokens_per_unit"]
assert t["min"] == 1 and t["max"] == 1 and t["note"] == "", t
assert "without special tokens" in s["family_description"], s["family_description"]
PY

expect_2() {  # expect_2 <regex> <args...>
  local regex=$1; shift
  set +e
  "$glasses" "$@" > "$dir/out" 2>&1
  local status=$?
  set -e
  [[ $status -eq 2 ]] || fail "exit $status for $*: $(cat "$dir/out")"
  grep -Eq -- "$regex" "$dir/out" || fail "no /$regex/ for $*: $(cat "$dir/out")"
}
expect_2 "template: 'count: ' has no \{seq\}" sweep --model "$dir" --template 'count: ' --out "$dir/never"
expect_2 "template: text families only; the model has no tokenizer" \
  sweep --model "$model" --template '{seq}' --out "$dir/never"
expect_2 "unit: text families only; the model has no tokenizer" sweep --preset default --unit one --out "$dir/never"
expect_2 "sequences: text sequences need a tokenizer" sweep --model "$model" --sequences text --out "$dir/never"
# 30 units of two tokens, after <s>: 1 + 60 and 1 + 62 tokens; 31 units: 63 and 65 > 64.
expect_2 "n = 31 gives sequences of 65 tokens, but the model supports 64 positions" \
  sweep --model "$dir" --template '{seq}' --n 1:31 --out "$dir/never"
"$glasses" sweep --model "$dir" --template '{seq}' --n 30 --formats bf16 --reference fp32 --no-certify \
  --out "$dir/fits" > /dev/null 2>&1 || fail "n = 30 (63 tokens) should fit in 64 positions"
expect_2 "one: token families only" sweep --model "$dir" --one 5 --out "$dir/never"
expect_2 "add_special_tokens: 'yes' is neither true nor false" sweep --model "$dir" --add-special-tokens yes --out "$dir/never"
mkdir "$dir/foreign"
cp "$model/config.json" "$model/model.safetensors" "$dir/foreign/"
printf '%s' '{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
  "pre_tokenizer": null, "post_processor": null, "decoder": null, "model": {"type": "BPE", "dropout": null,
  "unk_token": null, "continuing_subword_prefix": null, "end_of_word_suffix": null, "fuse_unk": false,
  "byte_fallback": false, "ignore_merges": false, "vocab": {"1": 100, " ": 101}, "merges": []}}' > "$dir/foreign/tokenizer.json"
expect_2 "token id 100 for the family's text, outside the model's vocabulary of 48 tokens" \
  sweep --model "$dir/foreign" --template '{seq}' --out "$dir/never"
[[ ! -e "$dir/never" ]] || fail "a refused sweep wrote $dir/never"
echo ok
