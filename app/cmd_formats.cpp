// glasses formats: the table of named formats and their derived quantities.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "glasses/numerics/format.hpp"

namespace glasses::app {
namespace {

int run_formats() {
  using namespace glasses::numerics;
  std::printf("%-6s %3s %6s %6s %4s %-9s %-11s %-24s %-24s %s\n", "name", "p", "emin", "emax", "bits", "overflow",
              "unit_round", "smallest subnormal", "largest finite", "description");
  for (const NamedFormat& n : kNamedFormats) {
    const Format& f = n.format;
    const auto enc = encoding(f);
    const std::string overflow = f.overflow == Overflow::saturate ? "saturate"
                                 : f.has_infinity()               ? "infinity"
                                                                  : "NaN";
    const std::string roundoff = "2^" + std::to_string(-f.p);
    std::printf("%-6s %3d %6d %6d %4d %-9s %-11s %-24.17g %-24.17g %s\n", std::string(n.name).c_str(), f.p, f.emin,
                f.emax, enc ? enc->total_bits() : 0, overflow.c_str(), roundoff.c_str(), min_subnormal(f),
                max_finite(f), std::string(n.description).c_str());
  }
  std::printf("\nAlso: mpfr:<bits> (2..%d), cpp_bin_float:256 (Boost.Multiprecision, 256 bits: the MPFR\n"
              "track's independent cross-check), custom:p=<p>,emax=<e>[,emin=<e>][,nosub][,sat], and the modifiers\n"
              "<name>:sat, <name>:nosat, <name>:nosub on named formats.\n",
              kMaxMpfrBits);
  return kExitSuccess;
}

}  // namespace

void add_formats_command(CLI::App& root, Action& action) {
  CLI::App* cmd = root.add_subcommand("formats", "List the built-in number formats and their limits");
  cmd->callback([&action] { action = run_formats; });
}

}  // namespace glasses::app
