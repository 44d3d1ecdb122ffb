// glasses tokenize: text to token ids and back with a Hugging Face
// tokenizer.json (glasses::tokenizer), reading stdin and writing stdout.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/tokenizer/tokenizer.hpp"

namespace glasses::app {
namespace {

struct TokenizeOptions {
  std::string tokenizer;
  bool add_special_tokens = false;
  bool jsonl = false;
  bool decode = false;
  bool skip_special_tokens = false;
};

std::string read_stdin() {
  std::string all;
  char buffer[1 << 16];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) all.append(buffer, n);
  if (std::ferror(stdin)) throw InputError("cannot read stdin");
  return all;
}

// The lines of `text`; a final newline does not start another line.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string ids_line(const std::vector<int>& ids) {
  std::string line;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) line += ' ';
    line += std::to_string(ids[i]);
  }
  return line + "\n";
}

std::vector<int> parse_ids(std::string_view line, std::size_t line_number) {
  std::vector<int> ids;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r') ++end;
    const std::string word(line.substr(i, end - i));
    std::size_t used = 0;
    long value = -1;
    try {
      value = std::stol(word, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != word.size() || value < 0 || value > 0x7FFFFFFF) {
      throw InputError("line " + std::to_string(line_number) + ": " + in_quotes(word) + " is not a token id");
    }
    ids.push_back(static_cast<int>(value));
    i = end;
  }
  return ids;
}

void write(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

int run(const TokenizeOptions& o) {
  const tokenizer::Tokenizer tok = tokenizer::Tokenizer::load(o.tokenizer);
  const std::string input = read_stdin();
  if (o.decode) {
    const auto lines = lines_of(input);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::vector<int> ids = parse_ids(lines[i], i + 1);
      std::string text;
      try {
        text = tok.decode(ids, o.skip_special_tokens);
      } catch (const InputError& e) {
        throw InputError("line " + std::to_string(i + 1) + ": " + e.what());
      }
      if (o.jsonl) {
        write(nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      } else {
        write(text + "\n");
      }
    }
    return kExitSuccess;
  }
  if (!o.jsonl) {
    write(ids_line(tok.encode(input, o.add_special_tokens)));
    return kExitSuccess;
  }
  const auto lines = lines_of(input);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string where = "line " + std::to_string(i + 1);
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(lines[i]);
    } catch (const nlohmann::json::exception& e) {
      throw InputError(where + ": not a JSON string: " + e.what());
    }
    if (!j.is_string()) throw InputError(where + ": not a JSON string but " + std::string(j.type_name()));
    try {
      write(ids_line(tok.encode(j.get_ref<const std::string&>(), o.add_special_tokens)));
    } catch (const InputError& e) {
      throw InputError(where + ": " + e.what());
    }
  }
  return kExitSuccess;
}

}  // namespace

void add_tokenize_command(CLI::App& root, Action& action) {
  static TokenizeOptions o;
  CLI::App* cmd = root.add_subcommand(
      "tokenize",
      "Encode stdin into token ids (or decode ids into text) with a Hugging Face tokenizer.json.\n"
      "Without --jsonl all of stdin, bytes as they are, is one text and the output is one line of ids;\n"
      "with --jsonl every line is one JSON string and gets one line of ids. With --decode every line\n"
      "holds space-separated ids and the output is its text, followed by a newline (one JSON string\n"
      "per line with --jsonl). The ids are those of Hugging Face's Rust tokenizers library.");
  cmd->add_option("--tokenizer", o.tokenizer, "A tokenizer.json, or a model folder that holds one")->required();
  cmd->add_flag("--add-special-tokens", o.add_special_tokens,
                "Add the post-processor's special tokens (e.g. Llama's <s>), as add_special_tokens=True");
  cmd->add_flag("--jsonl", o.jsonl, "One JSON string per line in (encoding) or out (decoding)");
  cmd->add_flag("--decode", o.decode, "Decode lines of ids into text");
  cmd->add_flag("--skip-special-tokens", o.skip_special_tokens, "With --decode: drop special added tokens");
  cmd->callback([&action] { action = [] { return run(o); }; });
}

}  // namespace glasses::app
