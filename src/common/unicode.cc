#include "common/unicode.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>

namespace csms::unicode {

bool IsLetterSeparatorOrNumber(char32_t c) {
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & (U_GC_L_MASK | U_GC_Z_MASK | U_GC_N_MASK)) != 0;
}

bool IsWhiteSpace(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0; }

bool Decode(std::string_view s, std::u32string* out) {
  out->clear();
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t length = static_cast<int32_t>(s.size());
  if (static_cast<size_t>(length) != s.size()) return false;
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(p, i, length, c);
    if (c < 0) return false;
    out->push_back(static_cast<char32_t>(c));
  }
  return true;
}

}  // namespace csms::unicode
