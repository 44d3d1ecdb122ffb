// Bit patterns: encoding, decoding, and arithmetic on encoded operands with
// the conventions of x86 SSE (Berkeley SoftFloat's 8086-SSE
// specialisation), as Berkeley TestFloat checks them.
//
// NaN conventions (SoftFloat 8086-SSE)
//  1. An operation with a NaN operand returns a quiet NaN: the first
//     signalling NaN operand if any (quieted), else the first NaN operand.
//     A signalling NaN operand raises invalid.
//  2. An invalid operation (inf - inf, 0 * inf, 0/0, inf/inf, sqrt(-x))
//     returns the default NaN: sign set, exponent all ones, quiet bit set
//     (0xFE00 in binary16).
//  3. fma(a, b, c): a NaN in a or b propagates with c by rule 1; 0 * inf + c
//     raises invalid even when c is a quiet NaN and returns the default NaN.
//  4. Converting a NaN keeps its sign and the leading bits of its payload,
//     and sets the quiet bit (SoftFloat's "common NaN").
//  5. Formats without infinities and with one NaN pattern (OCP E4M3) have
//     no signalling NaNs; their NaN is S.1111.111.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "glasses/numerics/format.hpp"
#include "glasses/numerics/rounding.hpp"

namespace glasses::numerics {

// Encoder/decoder of one format's bit patterns.
class BitCodec {
 public:
  explicit BitCodec(const Format& f);  // throws InputError if f has no encoding

  const Format& format() const { return format_; }
  int total_bits() const { return encoding_.total_bits(); }
  int hex_digits() const { return (total_bits() + 3) / 4; }
  std::uint64_t mask() const;

  bool is_nan(std::uint64_t bits) const;
  bool is_signaling_nan(std::uint64_t bits) const;
  std::uint64_t default_nan() const;
  std::uint64_t quiet(std::uint64_t nan_bits) const;

  // The exact value of a pattern (NaN patterns give a quiet double NaN).
  double decode(std::uint64_t bits) const;
  // The pattern of an element of the format; NaN gives the default NaN.
  // Throws Error if v is not an element of the format.
  std::uint64_t encode(double v) const;

  // A NaN of this format carried into `to` (convention 4).
  std::uint64_t convert_nan(std::uint64_t nan_bits, const BitCodec& to) const;

 private:
  Format format_;
  Encoding encoding_;
};

enum class ArithOp : std::uint8_t { add, sub, mul, div, sqrt, fma, from_f32, to_f32, from_f64, to_f64 };

struct NamedArithOp {
  std::string_view name;
  ArithOp op;
  int operands;
};
inline constexpr std::array kArithOps{
    NamedArithOp{"add", ArithOp::add, 2},       NamedArithOp{"sub", ArithOp::sub, 2},
    NamedArithOp{"mul", ArithOp::mul, 2},       NamedArithOp{"div", ArithOp::div, 2},
    NamedArithOp{"sqrt", ArithOp::sqrt, 1},     NamedArithOp{"fma", ArithOp::fma, 3},
    NamedArithOp{"from_f32", ArithOp::from_f32, 1}, NamedArithOp{"to_f32", ArithOp::to_f32, 1},
    NamedArithOp{"from_f64", ArithOp::from_f64, 1}, NamedArithOp{"to_f64", ArithOp::to_f64, 1},
};

ArithOp parse_arith_op(std::string_view name);  // throws InputError
int operand_count(ArithOp op);

// The formats of the operands and of the result of `op` on format f
// (conversions read or write binary32/binary64).
Format operand_format(ArithOp op, const Format& f);
Format result_format(ArithOp op, const Format& f);

// op applied to encoded operands; flags are raised into ctx.flags.
std::uint64_t arith(ArithOp op, const Format& f, std::span<const std::uint64_t> operands,
                    RoundingContext& ctx);

}  // namespace glasses::numerics
