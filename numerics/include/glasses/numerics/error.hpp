// Error types thrown by every glasses library.
//
// Libraries never print and never exit: they throw one of these, with a
// message that names the offending input or value, and the application maps
// the class to an exit code (InputError -> 2, everything else -> 3).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace glasses {

// Base of every error thrown by glasses.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The caller supplied something invalid: a format string, a file, an option.
// The message says what was wrong and, where useful, what is accepted.
class InputError : public Error {
 public:
  using Error::Error;
};

// A computation produced a value it cannot report (overflow, NaN) where the
// caller asked for a finite result.
class NumericalError : public Error {
 public:
  using Error::Error;
};

// The caller asked a long computation to stop (a progress callback threw
// it, e.g. on Ctrl-C in the Python package). Workers stop starting new work
// and the computation unwinds with this error; nothing is returned.
class Cancelled : public Error {
 public:
  using Error::Error;
};

// `text` safe to put in a message: control characters (C0, DEL, C1) and
// bytes that are not well-formed UTF-8 become \n, \t, \r or \xNN, and a
// backslash becomes \\, so the result reads back unambiguously. For
// names and keys read from untrusted files (tensor names, JSON keys),
// which would otherwise reach the terminal byte for byte.
std::string printable(std::string_view text);

// printable(text) in single quotes.
inline std::string in_quotes(std::string_view text) { return "'" + printable(text) + "'"; }

}  // namespace glasses
