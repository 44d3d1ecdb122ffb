// Error types thrown by every glasses library.
//
// Libraries never print and never exit: they throw one of these, with a
// message that names the offending input or value, and the application maps
// the class to an exit code (InputError -> 2, everything else -> 3).
#pragma once

#include <stdexcept>
#include <string>

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

}  // namespace glasses
