#!/usr/bin/env bash
# tokenize_side_by_side.sh [BUILD_DIR] [TOKENIZER] [MB]: MB/s of glasses and of
# the reference (Hugging Face's Rust tokenizers through npm) encoding the
# same generated English prose, in one run, and their ratio.
#   BUILD_DIR  default build/release (holds bench/bench_tokenize)
#   TOKENIZER  default BUILD_DIR/tokenizer-fixtures/gpt2/tokenizer.json
# The reference is found through NODE_PATH or ./node_modules; without
# node_modules/tokenizers it is skipped with a message (install it with
# `npm install tokenizers` in a scratch folder and set NODE_PATH to its
# node_modules).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
tokenizer=${2:-$build/tokenizer-fixtures/gpt2/tokenizer.json}
mb=${3:-4}
text=$(mktemp)
trap 'rm -f "$text"' EXIT
ours=$("$build/bench/bench_tokenize" "$tokenizer" --mb "$mb" --text-out "$text")
echo "$ours"
if ! command -v node > /dev/null || ! NODE_PATH=${NODE_PATH:-$PWD/node_modules} node -e 'require("tokenizers")' 2> /dev/null; then
  echo "reference: skipped (node_modules/tokenizers is not installed: npm install tokenizers, then set NODE_PATH)"
  exit 0
fi
theirs=$(NODE_PATH=${NODE_PATH:-$PWD/node_modules} node "$here/tokenize_reference.js" "$tokenizer" "$text")
echo "$theirs"
read -r a1 a2 <<< "$(sed -E 's/^[a-z]+: ([0-9.]+) MB\/s whole, ([0-9.]+) MB\/s by paragraph.*/\1 \2/' <<< "$ours")"
read -r b1 b2 <<< "$(sed -E 's/^[a-z]+: ([0-9.]+) MB\/s whole, ([0-9.]+) MB\/s by paragraph.*/\1 \2/' <<< "$theirs")"
awk -v a1="$a1" -v a2="$a2" -v b1="$b1" -v b2="$b2" \
  'BEGIN { printf "ratio glasses/reference: %.2f whole, %.2f by paragraph\n", a1 / b1, a2 / b2 }'
