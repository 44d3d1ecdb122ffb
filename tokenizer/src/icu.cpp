// Unicode normalization and lower-casing through ICU (its own translation
// unit: ICU's UChar and Oniguruma's clash).
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "glasses/numerics/error.hpp"
#include "text.hpp"

namespace glasses::tokenizer::detail {
namespace {

std::u16string to_utf16(std::string_view text) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, text.data(), static_cast<int32_t>(text.size()), &err);
  std::u16string out(static_cast<std::size_t>(length), u'\0');
  err = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(out.data()), length, nullptr, text.data(), static_cast<int32_t>(text.size()),
                &err);
  if (U_FAILURE(err)) throw InputError(std::string("text is not valid UTF-8: ") + u_errorName(err));
  return out;
}

std::string to_utf8(const std::u16string& text) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = 0;
  const auto* src = reinterpret_cast<const UChar*>(text.data());
  u_strToUTF8(nullptr, 0, &length, src, static_cast<int32_t>(text.size()), &err);
  std::string out(static_cast<std::size_t>(length), '\0');
  err = U_ZERO_ERROR;
  u_strToUTF8(out.data(), length, nullptr, src, static_cast<int32_t>(text.size()), &err);
  if (U_FAILURE(err)) throw Error(std::string("UTF-16 to UTF-8 conversion failed: ") + u_errorName(err));
  return out;
}

bool is_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

std::string normalize(std::string_view text, NormalForm form) {
  if (is_ascii(text)) return std::string(text);  // every normal form of ASCII is itself
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2* n = form == NormalForm::nfc    ? unorm2_getNFCInstance(&err)
                          : form == NormalForm::nfd  ? unorm2_getNFDInstance(&err)
                          : form == NormalForm::nfkc ? unorm2_getNFKCInstance(&err)
                                                     : unorm2_getNFKDInstance(&err);
  if (U_FAILURE(err)) throw Error(std::string("ICU normalizer unavailable: ") + u_errorName(err));
  const std::u16string in = to_utf16(text);
  std::u16string out(in.size() * 4 + 16, u'\0');
  const auto capacity = static_cast<int32_t>(out.size());
  const int32_t length = unorm2_normalize(n, reinterpret_cast<const UChar*>(in.data()), static_cast<int32_t>(in.size()),
                                          reinterpret_cast<UChar*>(out.data()), capacity, &err);
  if (U_FAILURE(err)) throw Error(std::string("ICU normalization failed: ") + u_errorName(err));
  out.resize(static_cast<std::size_t>(length));
  return to_utf8(out);
}

std::string lowercase(std::string_view text) {
  const std::u16string in = to_utf16(text);
  UErrorCode err = U_ZERO_ERROR;
  std::u16string out(in.size() * 3 + 16, u'\0');
  const int32_t length = u_strToLower(reinterpret_cast<UChar*>(out.data()), static_cast<int32_t>(out.size()),
                                      reinterpret_cast<const UChar*>(in.data()), static_cast<int32_t>(in.size()), "",
                                      &err);
  if (U_FAILURE(err)) throw Error(std::string("ICU lower-casing failed: ") + u_errorName(err));
  out.resize(static_cast<std::size_t>(length));
  return to_utf8(out);
}

}  // namespace glasses::tokenizer::detail
