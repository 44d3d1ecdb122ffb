// Validation shared by the table, figure and document writers (private).
//
// The writers reject, with an InputError naming the field, anything that
// would make pdflatex stop with an error message about the generated file
// rather than about the caller's mistake.
#pragma once

#include <string_view>

namespace glasses::reports::detail {

// A file and label stem: [A-Za-z0-9][A-Za-z0-9_-]*, at most 64 characters.
void check_name(std::string_view name, std::string_view what);

// A \label key: [A-Za-z0-9:._-]+, at most 100 characters.
void check_label(std::string_view label, std::string_view what);

// A CSV column a figure reads: [A-Za-z0-9_.-]+ (pgfplots takes column names
// as keys, where , = { } # % would break the option list).
void check_column_name(std::string_view column, std::string_view what);

// A LaTeX fragment placed inside an argument ({...}) of generated code:
// braces balanced (\{ and \} do not count), no trailing lone backslash, and
// no unescaped % (which would comment out the closing brace), # or &. With `paragraph`, % comments and &
// are allowed (the writer ends a paragraph with a newline) and only the
// braces are checked.
void check_fragment(std::string_view latex, std::string_view what, bool paragraph = false);

}  // namespace glasses::reports::detail
