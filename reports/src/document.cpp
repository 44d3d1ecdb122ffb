#include "glasses/reports/document.hpp"

#include <set>
#include <system_error>
#include <utility>

#include "checks.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/reports/files.hpp"
#include "glasses/reports/latex.hpp"

namespace glasses::reports {
namespace {

// Guarantee 4 of document.hpp, and the checks of the fields only the
// document has (the rest are checked where they are rendered).
void check_document(const Document& document) {
  detail::check_fragment(document.title, "document title");
  detail::check_fragment(document.author, "document author");
  detail::check_fragment(document.date, "document date");
  detail::check_fragment(document.extra_preamble, "extra preamble", /*paragraph=*/true);
  std::set<std::string> data_names;
  for (const DataFile& file : document.data) {
    detail::check_name(file.name, "data name");
    if (!data_names.insert(file.name).second) throw InputError("two data files are named '" + file.name + "'");
  }
  std::set<std::string> figure_names, labels;
  for (std::size_t s = 0; s < document.sections.size(); ++s) {
    const Section& section = document.sections[s];
    detail::check_fragment(section.title, "section " + std::to_string(s + 1) + " title");
    for (const Block& block : section.blocks) {
      if (const Paragraph* p = std::get_if<Paragraph>(&block)) {
        detail::check_fragment(p->latex, "paragraph in section " + std::to_string(s + 1), /*paragraph=*/true);
      } else if (const Table* t = std::get_if<Table>(&block)) {
        if (!t->label.empty() && !labels.insert(t->label).second)
          throw InputError("two tables or figures have the label '" + t->label + "'");
      } else {
        const Figure& f = std::get<Figure>(block);
        if (!figure_names.insert(f.name).second) throw InputError("two figures are named '" + f.name + "'");
        if (!f.caption.empty() && !labels.insert("fig:" + f.name).second)
          throw InputError("two tables or figures have the label 'fig:" + f.name + "'");
      }
    }
  }
}

std::string document_preamble(const Document& document) {
  std::string out =
      "% report.tex, written by glasses::reports (document.hpp). Compile with pdflatex in\n"
      "% this directory; figures/ and data/ are read from here.\n"
      "\\documentclass[11pt]{article}\n";
  for (std::size_t k = 0; k < kPackages.size(); ++k) {
    if (k + 1 == kPackages.size() && !document.extra_preamble.empty()) out += document.extra_preamble + "\n";
    const Package& p = kPackages[k];
    out += "\\usepackage";
    if (!p.options.empty()) out += "[" + std::string(p.options) + "]";
    out += "{" + std::string(p.name) + "}\n";
    if (p.name == "pgfplots") out += "\\pgfplotsset{compat=1.18}\n";
  }
  out += preamble();
  out +=
      "% Reproducible PDF (guarantee 3): no dates, no time-based trailer ID, no\n"
      "% file names in the PDF's private dictionary.\n"
      "\\pdfinfoomitdate=1\n"
      "\\pdftrailerid{}\n"
      "\\pdfsuppressptexinfo=-1\n"
      "% A glyph missing from a font is an error, not silently dropped text.\n"
      "\\tracinglostchars=3\n"
      "% itemize's first-level label is \\textbullet, a TS1 (bitmap) glyph since LaTeX 2020:\n"
      "% use the math bullet of the OMS font instead (latex.hpp, note 1).\n"
      "\\renewcommand{\\labelitemi}{\\ensuremath{\\bullet}}\n";
  out += "\\title{" + document.title + "}\n";
  out += "\\author{" + document.author + "}\n";
  out += "\\date{" + document.date + "}\n";
  return out;
}

std::string provenance_block(const Document& document) {
  if (document.provenance.empty()) return "";
  std::string out =
      "\\begin{center}\n\\small\n\\begin{tabular}{@{}p{0.24\\linewidth}p{0.70\\linewidth}@{}}\n\\toprule\n";
  for (const ProvenanceEntry& e : document.provenance) out += escape(e.key) + " & " + code(e.value) + " \\\\\n";
  return out + "\\bottomrule\n\\end{tabular}\n\\end{center}\n\n";
}

// report.tex and the figure files, all checked and rendered (guarantee 1).
struct Rendered {
  std::string report;
  std::vector<std::pair<std::string, std::string>> figures;  // name, content
  std::vector<std::pair<std::string, std::string>> data;     // name, content
};

Rendered render_all(const Document& document) {
  check_document(document);
  Rendered r;
  for (const DataFile& file : document.data) {
    try {
      r.data.emplace_back(file.name, render_csv(file.table));
    } catch (const InputError& e) {
      throw InputError("data '" + file.name + "': " + e.what());
    }
  }
  std::string body;
  for (const Section& section : document.sections) {
    body += "\\section{" + section.title + "}\n\n";
    for (const Block& block : section.blocks) {
      if (const Paragraph* p = std::get_if<Paragraph>(&block)) {
        body += p->latex + "\n\n";
      } else if (const Table* t = std::get_if<Table>(&block)) {
        body += render_table(*t) + "\n";
      } else {
        const Figure& f = std::get<Figure>(block);
        r.figures.emplace_back(f.name, render_figure(f, document.data));
        body += render_figure_float(f) + "\n";
      }
    }
  }
  r.report = document_preamble(document) + "\\begin{document}\n\\maketitle\n\n" + provenance_block(document) +
             (document.title_page ? "\\clearpage\n\n" : "") + body + "\\end{document}\n";
  return r;
}

}  // namespace

std::string render_report(const Document& document) { return render_all(document).report; }

std::vector<std::filesystem::path> write_document(const Document& document, const std::filesystem::path& dir) {
  const Rendered r = render_all(document);
  for (const char* sub : {"figures", "data"}) {
    std::error_code ec;
    std::filesystem::create_directories(dir / sub, ec);
    if (ec) throw InputError("cannot create '" + (dir / sub).string() + "': " + ec.message());
  }
  std::vector<std::filesystem::path> written;
  const auto put = [&](const std::filesystem::path& relative, const std::string& content) {
    write_file_atomically(dir / relative, content);
    written.push_back(relative);
  };
  for (const auto& [name, content] : r.data) put(std::filesystem::path("data") / (name + ".csv"), content);
  for (const auto& [name, content] : r.figures) put(std::filesystem::path("figures") / (name + ".tex"), content);
  put("report.tex", r.report);
  return written;
}

}  // namespace glasses::reports
