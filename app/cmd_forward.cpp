// glasses forward: one forward pass, one line of logits (or y) per position.
#include <iostream>
#include <string>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/model/run.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/reports/files.hpp"
#include "model_options.hpp"

namespace glasses::app {
namespace {

struct ForwardOptions {
  ModelOptions model;
  std::string tokens;
  std::string text;
  bool add_special_tokens = true;  // as Hugging Face pipelines do
  std::string format;
  std::string policy;
  std::string positions = "all";
  std::string emit = "logits";
  std::string output;
  std::string reference = "mpfr:256";
  std::uint64_t seed = 0;
  std::string order = "sequential";
  int digits = 0;  // 0: enough to read each value back exactly in its format
};

std::string format_row(const model::Values& v) {
  std::string line;
  for (std::size_t i = 0; i < v.decimal.size(); ++i) {
    if (i) line += ' ';
    line += v.decimal[i];
  }
  return line + "\n";
}

int run(const ForwardOptions& o) {
  if (o.format.empty() == o.policy.empty()) throw InputError("give exactly one of --format and --policy");
  if (o.positions != "all" && o.positions != "last") throw InputError("--positions must be all or last");
  if (o.emit != "logits" && o.emit != "y") throw InputError("--emit must be logits or y");
  if (o.tokens.empty() == o.text.empty()) throw InputError("give exactly one of --tokens and --text");
  const model::ModelSource source = o.model.open();
  std::vector<int> tokens;
  if (!o.text.empty()) {
    const std::optional<tokenizer::Tokenizer> tok = o.model.tokenizer();
    if (!tok) {
      throw InputError("--text needs a tokenizer: give --model DIR with DIR/tokenizer.json (" +
                       (o.model.model_dir.empty() ? std::string("no --model given")
                                                  : "none in " + o.model.model_dir) +
                       "), or give token ids or vocabulary words with --tokens");
    }
    // Through parse_tokens, so the ids are checked against the model's vocabulary.
    std::string ids;
    for (int id : tok->encode(o.text, o.add_special_tokens)) ids += std::to_string(id) + " ";
    tokens = model::parse_tokens(source, ids, "--text (token ids from tokenizer.json)");
    if (tokens.empty()) throw InputError("--text gives no tokens");
  } else {
    tokens = model::parse_tokens(source, o.tokens, "--tokens");
    if (tokens.empty()) throw InputError("--tokens is empty");
  }
  const numerics::Format reference = numerics::parse_format(o.reference);
  const model::RunSpec spec = model::parse_run_spec(o.format.empty() ? o.policy : o.format, reference, o.seed,
                                                        model::parse_sum_order(o.order));
  const bool want_logits = o.emit == "logits";
  if (want_logits && !source.config.has_unembedding) {
    throw InputError("this model has no unembedding, so no logits: use --emit y");
  }
  const model::ForwardResult r = model::run_forward(source, spec, model::make_input(source, tokens),
                                                    o.positions == "all", want_logits, o.digits);
  std::string out;
  for (const model::Values& row : want_logits ? r.logits : r.y) out += format_row(row);
  if (r.issue.found) {
    std::cerr << "glasses: warning: numerical trouble in " << r.scalar << ": first non-finite value at position "
              << r.issue.position << ", " << (r.issue.layer >= 0 ? "layer " + std::to_string(r.issue.layer) + ", " : "")
              << r.issue.step << "\n";
  }
  if (o.output.empty()) {
    std::cout << out;
  } else {
    reports::write_file_atomically(o.output, out);
  }
  return kExitSuccess;
}

}  // namespace

void add_forward_command(CLI::App& root, Action& action) {
  static ForwardOptions o;
  CLI::App* cmd = root.add_subcommand("forward", "Run the model once and print logits or final representations");
  o.model.add_to(*cmd, false);
  auto* tokens =
      cmd->add_option("--tokens", o.tokens, "Token ids or vocabulary words, space separated (row indices for row models)");
  auto* text = cmd->add_option("--text", o.text,
                               "Text to tokenize with the model folder's tokenizer.json (needs --model DIR)");
  tokens->excludes(text);
  cmd->add_flag("--add-special-tokens,!--no-add-special-tokens", o.add_special_tokens,
                "With --text: add the tokenizer's special tokens (e.g. a BOS), as Hugging Face pipelines do "
                "(default: true)");
  cmd->add_option("--format", o.format, "Number format: fp32, fp16, bf16, mpfr:256, interval:256, ...");
  cmd->add_option("--policy", o.policy, "Precision policy: mixed:bf16/fp32, ablate:softmax=bf16, sites:...");
  cmd->add_option("--positions", o.positions, "Print every position or only the last")->capture_default_str();
  cmd->add_option("--emit", o.emit, "logits, or y (the final normalised representation)")->capture_default_str();
  cmd->add_option("--output", o.output, "Write to this file (atomically) instead of stdout");
  cmd->add_option("--reference", o.reference, "Reference format for ablate: policies")->capture_default_str();
  cmd->add_option("--seed", o.seed, "Seed of stochastic rounding")->capture_default_str();
  cmd->add_option("--order", o.order,
                  "Summation order of every reduction whose site names none: sequential, pairwise, "
                  "blocked:<k>, splitk:<s>, kahan")
      ->capture_default_str();
  cmd->add_option("--digits", o.digits,
                  "Significant digits of each value (default: enough to read it back exactly in its format: "
                  "17 for fp64, 9 for fp32, 79 for mpfr:256; intervals rounded outward)")
      ->check(CLI::PositiveNumber);
  cmd->callback([&action] { action = [] { return run(o); }; });
}

}  // namespace glasses::app
