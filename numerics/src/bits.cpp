#include "glasses/numerics/bits.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "glasses/numerics/error.hpp"

namespace glasses::numerics {
namespace {

Encoding require_encoding(const Format& f) {
  const std::optional<Encoding> e = encoding(f);
  if (!e) throw InputError("format '" + to_string(f) + "' has no bit encoding");
  return *e;
}

std::uint64_t low_bits(int n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

}  // namespace

BitCodec::BitCodec(const Format& f) : format_(f), encoding_(require_encoding(f)) {}

std::uint64_t BitCodec::mask() const { return low_bits(total_bits()); }

namespace {
struct Fields {
  bool sign;
  std::uint64_t exponent;
  std::uint64_t trailing;
};
Fields split(const Encoding& e, std::uint64_t bits) {
  return Fields{((bits >> (e.total_bits() - 1)) & 1) != 0,
                (bits >> e.trailing_bits) & low_bits(e.exponent_bits), bits & low_bits(e.trailing_bits)};
}
}  // namespace

bool BitCodec::is_nan(std::uint64_t bits) const {
  const Fields x = split(encoding_, bits);
  const std::uint64_t all_ones = low_bits(encoding_.exponent_bits);
  if (x.exponent != all_ones) return false;
  if (format_.specials == Specials::ieee) return x.trailing != 0;
  return x.trailing == low_bits(encoding_.trailing_bits);
}

bool BitCodec::is_signaling_nan(std::uint64_t bits) const {
  if (format_.specials != Specials::ieee || !is_nan(bits)) return false;
  const std::uint64_t quiet_bit = std::uint64_t{1} << (encoding_.trailing_bits - 1);
  return (bits & quiet_bit) == 0;
}

std::uint64_t BitCodec::default_nan() const {
  const std::uint64_t sign = std::uint64_t{1} << (total_bits() - 1);
  const std::uint64_t exponent = low_bits(encoding_.exponent_bits) << encoding_.trailing_bits;
  if (format_.specials == Specials::finite_nan) return sign | exponent | low_bits(encoding_.trailing_bits);
  return sign | exponent | (std::uint64_t{1} << (encoding_.trailing_bits - 1));
}

std::uint64_t BitCodec::quiet(std::uint64_t nan_bits) const {
  if (format_.specials == Specials::finite_nan) return nan_bits;
  return nan_bits | (std::uint64_t{1} << (encoding_.trailing_bits - 1));
}

double BitCodec::decode(std::uint64_t bits) const {
  const Fields x = split(encoding_, bits);
  const std::uint64_t all_ones = low_bits(encoding_.exponent_bits);
  const int t = encoding_.trailing_bits;
  double magnitude;
  if (is_nan(bits)) {
    return std::numeric_limits<double>::quiet_NaN();
  } else if (x.exponent == all_ones && format_.specials == Specials::ieee) {
    magnitude = std::numeric_limits<double>::infinity();
  } else if (x.exponent == 0) {
    // subnormal: trailing * 2^(1 - bias - t)
    magnitude = std::ldexp(static_cast<double>(x.trailing), 1 - encoding_.bias - t);
  } else {
    const std::uint64_t significand = (std::uint64_t{1} << t) | x.trailing;
    magnitude = std::ldexp(static_cast<double>(significand),
                           static_cast<int>(x.exponent) - encoding_.bias - t);
  }
  return x.sign ? -magnitude : magnitude;
}

std::uint64_t BitCodec::encode(double v) const {
  if (std::isnan(v)) return default_nan();
  const int t = encoding_.trailing_bits;
  const std::uint64_t sign = std::signbit(v) ? std::uint64_t{1} << (total_bits() - 1) : 0;
  const double a = std::fabs(v);
  if (a == 0) return sign;
  if (std::isinf(a)) {
    if (!format_.has_infinity()) throw Error("encode: " + to_string(format_) + " has no infinity");
    return sign | (low_bits(encoding_.exponent_bits) << t);
  }
  const int e = std::ilogb(a);
  std::uint64_t exponent_field;
  double significand;
  if (e < format_.emin) {
    exponent_field = 0;
    significand = std::ldexp(a, t - 1 + encoding_.bias);  // a / 2^(1-bias-t)
  } else {
    exponent_field = static_cast<std::uint64_t>(e + encoding_.bias);
    significand = std::ldexp(a, t - e) - std::ldexp(1.0, t);
  }
  const std::uint64_t trailing = static_cast<std::uint64_t>(significand);
  const bool representable = static_cast<double>(trailing) == significand && trailing <= low_bits(t) &&
                             exponent_field <= low_bits(encoding_.exponent_bits) && a <= max_finite(format_);
  if (!representable) {
    throw Error("encode: " + std::to_string(v) + " is not an element of " + to_string(format_));
  }
  return sign | (exponent_field << t) | trailing;
}

std::uint64_t BitCodec::convert_nan(std::uint64_t nan_bits, const BitCodec& to) const {
  const Fields x = split(encoding_, nan_bits);
  const std::uint64_t payload = encoding_.trailing_bits == 0 ? 0 : x.trailing << (64 - encoding_.trailing_bits);
  const int t_to = to.encoding_.trailing_bits;
  std::uint64_t result = to.default_nan() & ~(std::uint64_t{1} << (to.total_bits() - 1));  // positive default
  if (to.format_.specials == Specials::ieee) result |= payload >> (64 - t_to);
  if (x.sign) result |= std::uint64_t{1} << (to.total_bits() - 1);
  return result;
}

ArithOp parse_arith_op(std::string_view name) {
  std::string known;
  for (const NamedArithOp& op : kArithOps) {
    if (op.name == name) return op.op;
    known += (known.empty() ? "" : ", ") + std::string(op.name);
  }
  throw InputError("operation '" + std::string(name) + "': unknown; known operations: " + known);
}

int operand_count(ArithOp op) {
  for (const NamedArithOp& o : kArithOps) {
    if (o.op == op) return o.operands;
  }
  return 0;
}

Format operand_format(ArithOp op, const Format& f) {
  if (op == ArithOp::from_f32) return formats::fp32;
  if (op == ArithOp::from_f64) return formats::fp64;
  return f;
}

Format result_format(ArithOp op, const Format& f) {
  if (op == ArithOp::to_f32) return formats::fp32;
  if (op == ArithOp::to_f64) return formats::fp64;
  return f;
}

namespace {

// Convention 1: the NaN result of an operation with NaN operands a, b.
std::uint64_t propagate_nan(const BitCodec& c, std::uint64_t a, std::uint64_t b, Flags& flags) {
  const bool signaling_a = c.is_signaling_nan(a);
  if (signaling_a || c.is_signaling_nan(b)) {
    flags.raise(Flags::invalid);
    if (signaling_a) return c.quiet(a);
  }
  return c.quiet(c.is_nan(a) ? a : b);
}

std::uint64_t convert(const BitCodec& from, const BitCodec& to, std::uint64_t a, RoundingContext& ctx) {
  if (from.is_nan(a)) {
    if (from.is_signaling_nan(a)) ctx.flags.raise(Flags::invalid);
    return from.convert_nan(a, to);
  }
  return to.encode(round(to.format(), from.decode(a), ctx));
}

}  // namespace

std::uint64_t arith(ArithOp op, const Format& f, std::span<const std::uint64_t> operands,
                    RoundingContext& ctx) {
  if (static_cast<int>(operands.size()) != operand_count(op)) {
    throw Error("arith: wrong number of operands");
  }
  const BitCodec c(f);
  switch (op) {
    case ArithOp::from_f32: return convert(BitCodec(formats::fp32), c, operands[0], ctx);
    case ArithOp::from_f64: return convert(BitCodec(formats::fp64), c, operands[0], ctx);
    case ArithOp::to_f32: return convert(c, BitCodec(formats::fp32), operands[0], ctx);
    case ArithOp::to_f64: return convert(c, BitCodec(formats::fp64), operands[0], ctx);
    default: break;
  }
  const std::uint64_t a = operands[0];
  if (op == ArithOp::sqrt) {
    if (c.is_nan(a)) return propagate_nan(c, a, 0, ctx.flags);
    return c.encode(sqrt(f, c.decode(a), ctx));
  }
  const std::uint64_t b = operands[1];
  if (op == ArithOp::fma) {
    const std::uint64_t cc = operands[2];
    if (c.is_nan(a) || c.is_nan(b)) return propagate_nan(c, propagate_nan(c, a, b, ctx.flags), cc, ctx.flags);
    const double x = c.decode(a), y = c.decode(b);
    if ((std::isinf(x) && y == 0) || (x == 0 && std::isinf(y))) {  // convention 3
      ctx.flags.raise(Flags::invalid);
      return propagate_nan(c, c.default_nan(), cc, ctx.flags);
    }
    if (c.is_nan(cc)) return propagate_nan(c, 0, cc, ctx.flags);
    return c.encode(fma(f, x, y, c.decode(cc), ctx));
  }
  if (c.is_nan(a) || c.is_nan(b)) return propagate_nan(c, a, b, ctx.flags);
  const double x = c.decode(a), y = c.decode(b);
  switch (op) {
    case ArithOp::add: return c.encode(add(f, x, y, ctx));
    case ArithOp::sub: return c.encode(sub(f, x, y, ctx));
    case ArithOp::mul: return c.encode(mul(f, x, y, ctx));
    case ArithOp::div: return c.encode(div(f, x, y, ctx));
    default: break;
  }
  throw Error("arith: unhandled operation");
}

}  // namespace glasses::numerics
