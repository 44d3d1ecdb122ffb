// Tidy CSV: the data files behind every figure and table (DIR/data/*.csv).
//
// A CsvTable is one header row of column names and rows of typed cells, and
// render_csv() turns it into text deterministically: the same table gives
// the same bytes on every machine and in every locale.
//
//   double        std::to_chars with 17 significant digits, the `%.17g` of
//                 the C locale, so every double reads back exactly; -0 stays
//                 "-0"; infinities are "inf" and "-inf", every NaN is "nan"
//                 (the sign and payload of a NaN are not kept). pgfplots,
//                 pandas and R all read these spellings.
//   std::int64_t  decimal.
//   std::string   as is, or RFC 4180 quoted ("..." with "" for a quote) when
//                 it contains a comma, a quote, CR, LF, or begins or ends with
//                 a space.
//
// Lines end in "\n" (not RFC 4180's CRLF), the file ends with one, and there
// is no byte-order mark. Column names are strings and quoted by the same
// rule.
//
// Things you should know
//  1. pgfplots does not understand quoting, and reads text cells as TeX: a
//     figure can only read files whose cells never need quoting and contain
//     none of % # \ { }, and whose column names are [A-Za-z0-9_.-]+.
//     render_figure() checks this for every file a figure reads
//     (figures.hpp), so the error is ours, with the cell named, not TeX's.
//  2. Integers wider than 2^53 lose digits when a reader parses them as
//     doubles (pgfplots, JSON-minded tools); keep counts below that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace glasses::reports {

// One cell. Construct from a double, an std::int64_t (or int literal), or a
// string; an unsigned or size_t needs an explicit cast.
using CsvCell = std::variant<double, std::int64_t, std::string>;

struct CsvTable {
  std::vector<std::string> header;          // column names, unique, non-empty
  std::vector<std::vector<CsvCell>> rows;   // each row has header.size() cells
};

// A table with the name it is written under: DIR/data/<name>.csv. Names are
// [A-Za-z0-9][A-Za-z0-9_-]* (at most 64 characters).
struct DataFile {
  std::string name;
  CsvTable table;
};

// The CSV text of `table`. Throws InputError naming the problem for an empty
// header, an empty or duplicate column name, or a row of the wrong length.
std::string render_csv(const CsvTable& table);

// One double as render_csv() writes it: "%.17g" in the C locale, inf, -inf, nan.
std::string csv_number(double x);

// One string field as render_csv() writes it (quoted only when needed).
std::string csv_field(std::string_view text);

// Whether csv_field(text) would quote `text`.
bool csv_needs_quotes(std::string_view text);

// The index of column `name` in `table.header`, or -1.
std::ptrdiff_t column_index(const CsvTable& table, std::string_view name);

}  // namespace glasses::reports
