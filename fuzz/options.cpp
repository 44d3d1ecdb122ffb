// Option strings: the first line names the parser, the rest is the value.
//   format   --format / --formats items (numerics::parse_format); an accepted
//            format prints to a name that parses back to the same format
//   policy   --policy (model::parse_policy against mpfr:256)
//   preset   --preset NAME[:key=value,...] (model::make_preset)
//   n        --n (model::parse_n_range, with --geom when the value has a
//            second line); values() of a small range is increasing and in [A, B]
//   memory   --max-memory (model::parse_memory_size)
//   tokens   --tokens (model::parse_tokens against the default preset)
//   family   the rest: family name, then lines key=value of the family's
//            parameters (model::family_options against the default preset)
#include <stdexcept>
#include <string>

#include "fuzz_target.hpp"
#include "glasses/model/limits.hpp"
#include "glasses/model/n_range.hpp"
#include "glasses/model/policy.hpp"
#include "glasses/model/presets.hpp"
#include "glasses/model/tasks.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"

namespace {

using namespace glasses;

const model::ModelSource& default_model() {
  static const model::ModelSource m = model::make_preset("default");
  return m;
}

void family(std::string_view text) {
  const fuzz::Split name = fuzz::split_first_line(text);
  model::FamilyArguments arguments;
  std::string_view rest = name.tail;
  while (!rest.empty()) {
    const fuzz::Split line = fuzz::split_first_line(rest);
    rest = line.tail;
    const std::size_t eq = line.head.find('=');
    if (eq == std::string_view::npos) continue;
    for (const model::FamilyParameterInfo& p : model::kFamilyParameters) {
      if (line.head.substr(0, eq) == p.option) {
        model::check_family_parameter(p.id, line.head.substr(eq + 1));
        arguments[p.id] = std::string(line.head.substr(eq + 1));
      }
    }
  }
  const model::FamilyOptions options = model::family_options(default_model(), name.head, arguments, 7);
  const model::PairFamily f(default_model(), options);
  for (std::size_t n = 1; n <= 4; ++n) {
    try {
      (void)f.at(n);
    } catch (const InputError&) {  // n not valid for this family (odd n of alternating, ...)
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Split input = fuzz::split_first_line(fuzz::as_text(data, size));
  const std::string value(input.tail);
  try {
    if (input.head == "format") {
      const numerics::Format f = numerics::parse_format(value);
      if (numerics::parse_format(numerics::to_string(f)) != f) throw std::logic_error("format name does not parse back");
    } else if (input.head == "policy") {
      (void)model::parse_policy(value, numerics::parse_format("mpfr:256"));
    } else if (input.head == "preset") {
      (void)model::make_preset(value);
    } else if (input.head == "n") {
      const fuzz::Split n = fuzz::split_first_line(value);
      const model::NRange r = model::parse_n_range(std::string(n.head), !n.tail.empty(), static_cast<int>(n.tail.size()));
      if (r.count() <= 4096) {
        const std::vector<std::size_t> ns = r.values();
        for (std::size_t i = 0; i < ns.size(); ++i) {
          if (ns[i] < 1 || (i > 0 && ns[i] <= ns[i - 1]) || ns[i] > r.largest()) throw std::logic_error("bad n values");
        }
      }
    } else if (input.head == "memory") {
      if (!(model::parse_memory_size(value) > 0)) throw std::logic_error("accepted a non-positive size");
    } else if (input.head == "tokens") {
      (void)model::parse_tokens(default_model(), value, "--tokens");
    } else {
      family(value);
    }
  } catch (const InputError&) {
  }
  return 0;
}
