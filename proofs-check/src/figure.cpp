#include "glasses/proofs/figure.hpp"

#include <string>

#include "glasses/numerics/error.hpp"

namespace glasses::proofs {

const CheckFigureInfo& find_check_figure(std::string_view name) {
  for (const CheckFigureInfo& f : kCheckFigures) {
    if (f.name == name) return f;
  }
  throw Error("check figure '" + std::string(name) + "' is not in kCheckFigures");
}

FigureData figure_for(std::string_view name) {
  const CheckFigureInfo& info = find_check_figure(name);
  FigureData figure;
  figure.name = std::string(info.name);
  figure.section = info.section;
  return figure;
}

}  // namespace glasses::proofs
