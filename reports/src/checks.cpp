#include "checks.hpp"

#include <string>

#include "glasses/numerics/error.hpp"

namespace glasses::reports::detail {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

void check_name(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && name.size() <= 64 && is_alnum(name.front());
  for (char c : name) ok = ok && (is_alnum(c) || c == '_' || c == '-');
  if (!ok)
    throw InputError(std::string(what) + " " + in_quotes(name) +
                     " is not a valid name: use 1-64 letters, digits, '_' or '-', starting with a letter or digit");
}

void check_label(std::string_view label, std::string_view what) {
  bool ok = !label.empty() && label.size() <= 100;
  for (char c : label) ok = ok && (is_alnum(c) || c == ':' || c == '.' || c == '_' || c == '-');
  if (!ok)
    throw InputError(std::string(what) + " " + in_quotes(label) +
                     " is not a valid label: use letters, digits, ':', '.', '_' or '-'");
}

void check_column_name(std::string_view column, std::string_view what) {
  bool ok = !column.empty() && column.size() <= 100;
  for (char c : column) ok = ok && (is_alnum(c) || c == '.' || c == '_' || c == '-');
  if (!ok)
    throw InputError(std::string(what) + " " + in_quotes(column) +
                     " cannot be read by pgfplots: column names must be letters, digits, '.', '_' or '-'");
}

void check_fragment(std::string_view latex, std::string_view what, bool paragraph) {
  long depth = 0;
  for (std::size_t i = 0; i < latex.size(); ++i) {
    const char c = latex[i];
    if (c == '\\') {
      if (i + 1 == latex.size())
        throw InputError(std::string(what) + " ends with a lone backslash, which would escape the closing brace");
      ++i;  // a control symbol (\{, \%, \\) or the first letter of a control word
      continue;
    }
    if (c == '%') {
      if (!paragraph)
        throw InputError(std::string(what) + " contains an unescaped '%' (write \\% or pass user text through escape())");
      const std::size_t end = latex.find('\n', i);
      if (end == std::string_view::npos) break;
      i = end;
      continue;
    }
    if (!paragraph && (c == '#' || c == '&'))
      throw InputError(std::string(what) + " contains an unescaped '" + std::string(1, c) +
                       "' (pass user text through escape())");
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0)
      throw InputError(std::string(what) + " has a '}' without a matching '{'");
  }
  if (depth != 0) throw InputError(std::string(what) + " has a '{' without a matching '}'");
}

}  // namespace glasses::reports::detail
