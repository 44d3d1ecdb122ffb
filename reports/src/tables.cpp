#include "glasses/reports/tables.hpp"

#include <charconv>

#include "checks.hpp"
#include "glasses/numerics/error.hpp"

namespace glasses::reports {
namespace {

std::string where(std::size_t row, std::size_t column) {
  return (row == 0 ? std::string("header") : "row " + std::to_string(row)) + ", column " +
         std::to_string(column + 1);
}

// Check 2 of tables.hpp for one cell (row 0 is the header).
void check_cell(const std::string& cell, std::size_t row, std::size_t column) {
  const std::string what = "table cell (" + where(row, column) + ")";
  detail::check_fragment(cell, what);
  if (cell.find('\n') != std::string::npos || cell.find('\r') != std::string::npos)
    throw InputError(what + " contains a line break");
  for (std::size_t i = 0; i + 1 < cell.size(); ++i) {
    if (cell[i] != '\\') continue;
    if (cell[i + 1] == '\\') throw InputError(what + " contains \\\\, which would end the row");
    ++i;
  }
}

// Checks 1-3 of tables.hpp.
void check_table(const Table& table) {
  if (table.header.empty()) throw InputError("table has no columns");
  const std::size_t columns = table.header.size();
  if (!table.alignment.empty() && table.alignment.size() != columns)
    throw InputError("table has " + std::to_string(columns) + " columns but " +
                     std::to_string(table.alignment.size()) + " alignments");
  for (std::size_t k = 0; k < columns; ++k) check_cell(table.header[k], 0, k);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r].size() != columns)
      throw InputError("table row " + std::to_string(r + 1) + " has " + std::to_string(table.rows[r].size()) +
                       " cells, the header has " + std::to_string(columns));
    for (std::size_t k = 0; k < columns; ++k) check_cell(table.rows[r][k], r + 1, k);
  }
  if (!table.widths.empty() && table.widths.size() != columns)
    throw InputError("table has " + std::to_string(columns) + " columns but " + std::to_string(table.widths.size()) +
                     " widths");
  for (std::size_t k = 0; k < table.widths.size(); ++k) {
    if (!(table.widths[k] >= 0 && table.widths[k] < 1))
      throw InputError("table column " + std::to_string(k + 1) + " has width " + std::to_string(table.widths[k]) +
                       "; widths are fractions of the line width in [0, 1)");
  }
  if (!table.caption.empty()) detail::check_fragment(table.caption, "table caption");
  if (!table.label.empty()) detail::check_label(table.label, "table label");
}

std::string column_spec(const Table& table) {
  std::string spec;
  for (std::size_t k = 0; k < table.header.size(); ++k) {
    const Align a = table.alignment.empty() ? Align::left : table.alignment[k];
    const double w = table.widths.empty() ? 0 : table.widths[k];
    if (w > 0) {
      // A paragraph column; \arraybackslash restores \\ after \raggedright.
      char width[32];
      const std::to_chars_result r = std::to_chars(width, width + sizeof width, w, std::chars_format::fixed, 3);
      const char* align = a == Align::left ? "\\raggedright" : a == Align::center ? "\\centering" : "\\raggedleft";
      spec += ">{" + std::string(align) + "\\arraybackslash}p{" + std::string(width, r.ptr) + "\\linewidth}";
      continue;
    }
    spec += a == Align::left ? 'l' : a == Align::center ? 'c' : 'r';
  }
  return spec;
}

std::string row_line(const std::vector<std::string>& cells) {
  std::string line = "  ";
  for (std::size_t k = 0; k < cells.size(); ++k) {
    if (k > 0) line += " & ";
    line += cells[k];
  }
  return line + " \\\\\n";
}

std::string size_command(const Table& table) {
  switch (table.size) {
    case FontSize::normal: return "";
    case FontSize::small: return "\\small";
    case FontSize::footnotesize: return "\\footnotesize";
  }
  return "";
}

std::string body(const Table& table) {
  std::string out;
  for (const auto& row : table.rows) out += row_line(row);
  return out;
}

std::string caption_and_label(const Table& table) {
  std::string out;
  if (!table.caption.empty()) out += "\\caption{" + table.caption + "}";
  if (!table.label.empty()) out += "\\label{" + table.label + "}";
  return out;
}

}  // namespace

std::string render_tabular(const Table& table) {
  check_table(table);
  return "\\begin{tabular}{" + column_spec(table) + "}\n  \\toprule\n" + row_line(table.header) +
         "  \\midrule\n" + body(table) + "  \\bottomrule\n\\end{tabular}\n";
}

std::string render_table(const Table& table) {
  check_table(table);
  if (table.rows.size() <= kRowsPerFloat && !table.long_table) {
    std::string out = "\\begin{table}[htbp]\n\\centering\n" + size_command(table) + (table.size == FontSize::normal ? "" : "\n");
    if (const std::string cl = caption_and_label(table); !cl.empty()) out += cl + "\n";
    return out + render_tabular(table) + "\\end{table}\n";
  }
  const std::string columns = std::to_string(table.header.size());
  std::string out = (table.size == FontSize::normal ? std::string() : "\\begingroup" + size_command(table) + "\n") +
                    "\\begin{longtable}{" + column_spec(table) + "}\n";
  if (const std::string cl = caption_and_label(table); !cl.empty()) out += "  " + cl + " \\\\\n";
  const std::string head = "  \\toprule\n" + row_line(table.header) + "  \\midrule\n";
  out += head + "  \\endfirsthead\n";
  out += head + "  \\endhead\n";
  out += "  \\midrule\n  \\multicolumn{" + columns + "}{r}{\\emph{continued on the next page}} \\\\\n  \\endfoot\n";
  out += "  \\bottomrule\n  \\endlastfoot\n";
  return out + body(table) + "\\end{longtable}\n" + (table.size == FontSize::normal ? "" : "\\endgroup\n");
}

}  // namespace glasses::reports
