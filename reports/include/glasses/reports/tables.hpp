// Tables: a header, rows of LaTeX cells, booktabs rules.
//
// Cells, header, caption are LaTeX: user text must already have gone through
// escape() or code(), numbers through format_number() and friends (latex.hpp).
// render_table() checks every field before writing anything, and throws
// InputError naming the row and column for:
//  1. a row whose length differs from the header's, or an alignment vector
//     that is neither empty nor one per column;
//  2. a cell with an unescaped & % # (which would shift the columns or
//     comment out the rest of the row), unbalanced braces, a \\ or a line
//     break (which would start a new row or end the paragraph);
//  3. a label that is not a plain key ([A-Za-z0-9:._-]);
//  4. a width vector that is neither empty nor one per column, or a width
//     outside [0, 1).
//
// A column with a width w > 0 is a paragraph column of w\linewidth (aligned
// to its top; long cells wrap, ragged right, centred or ragged left by the
// column's alignment); `size` sets the body in \small or \footnotesize
// type (captions keep the caption size).
//
// Tables of more than kRowsPerFloat rows (or with `long_table` set) are written as a `longtable`
// (page-breaking, header repeated on each page) instead of a `table` float
// holding a `tabular`, so a long sweep never runs off the page. Both use
// booktabs' \toprule/\midrule/\bottomrule; the caption goes above the table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace glasses::reports {

enum class Align : std::uint8_t { left, center, right };
enum class FontSize : std::uint8_t { normal, small, footnotesize };

struct Table {
  std::vector<std::string> header;               // LaTeX, one per column (at least one)
  std::vector<std::vector<std::string>> rows;    // LaTeX cells, header.size() per row
  std::string caption;                           // LaTeX; empty: no caption
  std::string label;                             // \label key, e.g. "tab:onsets"; empty: none
  std::vector<Align> alignment;                  // one per column; empty: all left
  std::vector<double> widths;                    // one per column, fractions of \linewidth (0: natural); empty: all natural
  FontSize size = FontSize::normal;              // type size of the body
  bool long_table = false;                       // a longtable whatever the number of rows
};

// Above this many rows render_table() writes a longtable.
inline constexpr std::size_t kRowsPerFloat = 30;

// The bare `tabular` (no float, caption or label), for embedding.
std::string render_tabular(const Table& table);

// The table as a `table` float (or a `longtable`, see above), with caption
// and label; needs booktabs and longtable in the preamble.
std::string render_table(const Table& table);

}  // namespace glasses::reports
