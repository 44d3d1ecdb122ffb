// tokenize_reference.js TOKENIZER TEXT_FILE [REPEAT]: MB/s of the reference,
// Hugging Face's Rust `tokenizers` through its npm binding, encoding the
// file whole, then paragraph by paragraph (split at blank lines), without
// special tokens, best of REPEAT (default 5) each. Needs
// `npm install tokenizers` in a folder on NODE_PATH (see
// bench/tokenize_side_by_side.sh). Prints one line like bench_tokenize.
"use strict";
const fs = require("fs");
const { Tokenizer } = require("tokenizers");

(async () => {
  const [file, textFile, repeatArg] = process.argv.slice(2);
  const repeat = Number(repeatArg || 5);
  const text = fs.readFileSync(textFile, "utf8");
  const bytes = Buffer.byteLength(text, "utf8");
  const t0 = process.hrtime.bigint();
  const tok = Tokenizer.fromFile(file);
  const load = Number(process.hrtime.bigint() - t0) / 1e9;
  let best = Infinity;
  let ids = 0;
  for (let r = 0; r < repeat; ++r) {
    const a = process.hrtime.bigint();
    const enc = await tok.encode(text, null, { addSpecialTokens: false });
    ids = enc.getIds().length;
    best = Math.min(best, Number(process.hrtime.bigint() - a) / 1e9);
  }
  const paragraphs = text.split("\n\n");
  let bestParagraphs = Infinity;
  let paragraphIds = 0;
  for (let r = 0; r < repeat; ++r) {
    const a = process.hrtime.bigint();
    paragraphIds = 0;
    for (const p of paragraphs) paragraphIds += (await tok.encode(p, null, { addSpecialTokens: false })).getIds().length;
    bestParagraphs = Math.min(bestParagraphs, Number(process.hrtime.bigint() - a) / 1e9);
  }
  const mb = bytes / 1e6;
  console.log(`reference: ${(mb / best).toFixed(2)} MB/s whole, ${(mb / bestParagraphs).toFixed(2)} MB/s by paragraph ` +
              `(${bytes} bytes, ${ids} / ${paragraphIds} ids, ${paragraphs.length} paragraphs, best of ${repeat}: ` +
              `${best.toFixed(3)} s / ${bestParagraphs.toFixed(3)} s; load ${load.toFixed(2)} s)`);
})();
