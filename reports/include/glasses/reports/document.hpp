// A report document and the directory it is written to.
//
// A Document is plain data (title, provenance, sections of paragraphs, tables
// and figures, and the data files the figures read); write_document() turns
// it into
//
//   DIR/report.tex         \input's the figures; compile in DIR (pdf.hpp)
//   DIR/figures/<name>.tex one tikzpicture per Figure (figures.hpp)
//   DIR/data/<name>.csv    one file per DataFile (csv.hpp)
//
// Guarantees
//  1. Everything is rendered and checked in memory before the first file is
//     written: an invalid document (InputError naming the field) leaves DIR
//     untouched.
//  2. Each file is written to a temporary name in its directory and renamed
//     into place, so a reader (or a crash) never sees a half-written file.
//     Files already in DIR that the document does not name are left alone.
//  3. Determinism: the files are a pure function of the Document. No date,
//     time, user or host name appears unless the caller put it in a field;
//     `date` is empty by default (never \today). The preamble also makes the
//     PDF reproducible (no creation date, no time-based trailer ID).
//  4. Names are unique: figure names, data names, and labels (tables'
//     labels, and fig:<name> for captioned figures).
//
// The preamble (see kPackages) uses only packages in Debian's
// texlive-latex-base, -latex-recommended and -pictures, and needs pdflatex.
// `\tracinglostchars=3` turns a glyph missing from a font into an error, so
// text is never silently dropped from a report.
//
// Field kinds (latex.hpp): titles, paragraphs, captions and `date` are LaTeX;
// provenance keys and values are user text (escaped by the writer, values
// shown in typewriter type).
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "glasses/reports/csv.hpp"
#include "glasses/reports/figures.hpp"
#include "glasses/reports/tables.hpp"

namespace glasses::reports {

// Raw LaTeX, written as its own paragraph. Only its braces are checked; an
// error in it (say an undefined command) surfaces in build_pdf()'s log
// excerpt.
struct Paragraph {
  std::string latex;
};

using Block = std::variant<Paragraph, Table, Figure>;

struct Section {
  std::string title;  // LaTeX
  std::vector<Block> blocks;
};

// One line of the provenance block, e.g. {"model", "/models/gpt2"}: user text.
struct ProvenanceEntry {
  std::string key;
  std::string value;
};

struct Document {
  std::string title;   // LaTeX
  std::string author;  // LaTeX; may be empty
  std::string date;    // LaTeX; empty: no date
  std::vector<ProvenanceEntry> provenance;  // shown after the title, in order
  std::vector<Section> sections;
  std::vector<DataFile> data;  // written to data/<name>.csv, read by figures
  std::string extra_preamble;  // LaTeX before hyperref, e.g. \newcommand definitions
  bool title_page = false;     // title and provenance on a page of their own
};

// A LaTeX package the preamble loads, with its options.
struct Package {
  std::string_view name;
  std::string_view options;
};

// The packages the preamble loads, in this order; `extra_preamble` goes
// before the last one (hyperref must come last). A test checks that each is
// installed (kpsewhich).
inline constexpr std::array kPackages{
    Package{"inputenc", "utf8"},  Package{"geometry", "a4paper,margin=25mm"},
    Package{"amsmath", ""},       Package{"amssymb", ""},
    Package{"graphicx", ""},      Package{"xcolor", ""},
    Package{"booktabs", ""},      Package{"array", ""},         Package{"longtable", ""},
    Package{"caption", "font=small,labelfont=bf"},
    Package{"pgfplots", ""},      Package{"hyperref", "hidelinks"},
};

// The text of report.tex. Throws InputError as described above.
std::string render_report(const Document& document);

// Writes report.tex, figures/*.tex and data/*.csv into `dir` (created if
// missing) and returns the paths written, relative to `dir`, in the order
// written (data, figures, report.tex last). Throws InputError for an invalid
// document or a directory that cannot be written.
std::vector<std::filesystem::path> write_document(const Document& document, const std::filesystem::path& dir);

}  // namespace glasses::reports
