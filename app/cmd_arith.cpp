// glasses arith: the conformance interface. Reads Berkeley TestFloat
// `testfloat_gen` lines (hex operands, optionally followed by an expected
// result and flags, which are ignored) and writes each line's operands, the
// computed result and the exception flags in the same layout, so that
//   testfloat_gen f16_mul | glasses arith --format fp16 --op mul | testfloat_ver f16_mul
// checks the emulation. Output is written only when every line parsed.
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/bits.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::app {
namespace {

struct ArithOptions {
  std::string format = "fp16";
  std::string rounding = "near_even";
  std::string op = "add";
  std::uint64_t seed = 0;
};

std::string hex(std::uint64_t bits, int digits) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string s(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, bits >>= 4) s[static_cast<std::size_t>(i)] = kDigits[bits & 15];
  return s;
}

std::uint64_t parse_hex(const std::string& token, const numerics::BitCodec& codec, long line, int index) {
  const auto fail = [&](const std::string& why) -> std::uint64_t {
    throw InputError("line " + std::to_string(line) + ", operand " + std::to_string(index + 1) + " '" + token +
                     "': " + why);
  };
  if (token.empty() || token.size() > 16) return fail("not a hex bit pattern");
  std::uint64_t v = 0;
  for (char c : token) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return fail("not a hex bit pattern");
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  if ((v & ~codec.mask()) != 0) {
    return fail("does not fit in " + std::to_string(codec.total_bits()) + " bits (" +
                numerics::to_string(codec.format()) + ")");
  }
  return v;
}

int run_arith(const ArithOptions& o) {
  const numerics::Format f = numerics::parse_format(o.format);
  const numerics::Rounding mode = numerics::parse_rounding(o.rounding);
  const numerics::ArithOp op = numerics::parse_arith_op(o.op);
  if (!numerics::encoding(f)) throw InputError("format '" + o.format + "' has no bit encoding for arith");
  const numerics::BitCodec in(numerics::operand_format(op, f)), out(numerics::result_format(op, f));
  const int n = numerics::operand_count(op);
  numerics::RoundingContext ctx{mode};
  ctx.random.state = o.seed;

  std::string output;
  std::string text;
  long line = 0;
  std::vector<std::uint64_t> operands;
  while (std::getline(std::cin, text)) {
    ++line;
    std::istringstream tokens(text);
    std::vector<std::string> fields;
    for (std::string t; tokens >> t;) fields.push_back(t);
    if (fields.empty()) continue;
    if (static_cast<int>(fields.size()) != n && static_cast<int>(fields.size()) != n + 2) {
      throw InputError("line " + std::to_string(line) + ": expected " + std::to_string(n) + " operand(s), or " +
                       std::to_string(n) + " operand(s) followed by a result and flags, got " +
                       std::to_string(fields.size()) + " fields");
    }
    operands.clear();
    for (int i = 0; i < n; ++i) operands.push_back(parse_hex(fields[static_cast<std::size_t>(i)], in, line, i));
    ctx.flags = {};
    const std::uint64_t result = numerics::arith(op, f, operands, ctx);
    for (std::uint64_t a : operands) output += hex(a, in.hex_digits()) + ' ';
    output += hex(result, out.hex_digits()) + ' ' + hex(ctx.flags.bits, 2) + '\n';
  }
  std::cout << output;
  return kExitSuccess;
}

}  // namespace

void add_arith_command(CLI::App& root, Action& action) {
  static ArithOptions options;
  CLI::App* cmd = root.add_subcommand(
      "arith", "Apply one operation to TestFloat-style hex operand lines read from stdin (conformance testing)");
  cmd->add_option("--format", options.format, "Format of the operands: fp16, bf16, tf32, e4m3, e5m2, ...")
      ->capture_default_str();
  cmd->add_option("--rounding", options.rounding, "near_even, near_maxMag, minMag, min, max or stochastic")
      ->capture_default_str();
  cmd->add_option("--op", options.op, "add sub mul div sqrt fma from_f32 to_f32 from_f64 to_f64")
      ->capture_default_str();
  cmd->add_option("--seed", options.seed, "Seed of the stochastic rounding stream")->capture_default_str();
  cmd->callback([&action] { action = [] { return run_arith(options); }; });
}

}  // namespace glasses::app
