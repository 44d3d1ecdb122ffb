#include "glasses/reports/csv.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <set>

#include "glasses/numerics/error.hpp"

namespace glasses::reports {

std::string csv_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  std::array<char, 64> buffer{};
  const std::to_chars_result r =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), x, std::chars_format::general, 17);
  return std::string(buffer.data(), r.ptr);
}

bool csv_needs_quotes(std::string_view text) {
  if (text.find_first_of(",\"\r\n") != std::string_view::npos) return true;
  return !text.empty() && (text.front() == ' ' || text.back() == ' ');
}

std::string csv_field(std::string_view text) {
  if (!csv_needs_quotes(text)) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::ptrdiff_t column_index(const CsvTable& table, std::string_view name) {
  for (std::size_t k = 0; k < table.header.size(); ++k)
    if (table.header[k] == name) return static_cast<std::ptrdiff_t>(k);
  return -1;
}

std::string render_csv(const CsvTable& table) {
  if (table.header.empty()) throw InputError("CSV table has no columns");
  std::set<std::string_view> seen;
  for (const std::string& name : table.header) {
    if (name.empty()) throw InputError("CSV table has an empty column name");
    if (!seen.insert(name).second) throw InputError("CSV table has two columns named '" + name + "'");
  }
  std::string out;
  for (std::size_t k = 0; k < table.header.size(); ++k) {
    if (k > 0) out += ',';
    out += csv_field(table.header[k]);
  }
  out += '\n';
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<CsvCell>& row = table.rows[r];
    if (row.size() != table.header.size())
      throw InputError("CSV row " + std::to_string(r + 1) + " has " + std::to_string(row.size()) +
                       " cells, the header has " + std::to_string(table.header.size()));
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k > 0) out += ',';
      if (const double* d = std::get_if<double>(&row[k])) {
        out += csv_number(*d);
      } else if (const std::int64_t* i = std::get_if<std::int64_t>(&row[k])) {
        out += std::to_string(*i);
      } else {
        out += csv_field(std::get<std::string>(row[k]));
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace glasses::reports
