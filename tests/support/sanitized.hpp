// Under sanitizers (a -fsanitize= build: the asan preset) the heaviest
// suites check fewer cases: AddressSanitizer and UBSan look for memory and
// undefined-behaviour errors, which the same code paths show on fewer
// architectures and shorter grids, while the plain build checks every
// case. tests/CMakeLists.txt defines GLASSES_TEST_SANITIZED for the test
// programs, and sets it in the environment of the shell tests that read it.
#pragma once

#include <cstddef>
#include <vector>

namespace glasses::test {

inline constexpr bool kSanitized = GLASSES_TEST_SANITIZED != 0;

// `all` in a plain build; under sanitizers every third element, starting
// at element `offset % 3`, so that the cases of one suite, given different
// offsets, still cover every element between them.
template <class T>
std::vector<T> thinned_under_sanitizers(const std::vector<T>& all, std::size_t offset) {
  if (!kSanitized) return all;
  std::vector<T> some;
  for (std::size_t i = offset % 3; i < all.size(); i += 3) some.push_back(all[i]);
  return some;
}

}  // namespace glasses::test
