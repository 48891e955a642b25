#include "common/unicode.h"

#include <dlfcn.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/uvernum.h>

#include <cstdint>

#include "common/log.h"

namespace csms::unicode {
namespace {

// ICU's character database is loaded at the first code point outside ASCII, not with csmsd:
// mapping and relocating libicuuc cost every start ~4 ms of CPU and ~90 page faults (decision
// 129), and most installations never see a tag outside ASCII. ASCII is answered here; for it the
// Unicode classes are plain: letters A-Z a-z (L*), digits (Nd), the space (Zs); White_Space is
// TAB..CR and the space.
struct Icu {
  decltype(&u_charType) char_type = nullptr;
  decltype(&u_isUWhiteSpace) is_white_space = nullptr;
  decltype(&unorm2_getNFCInstance) nfc_instance = nullptr;
  decltype(&unorm2_normalize) normalize = nullptr;
};

#define CSMS_UNICODE_STR2(x) #x
#define CSMS_UNICODE_STR(x) CSMS_UNICODE_STR2(x)

// The library and the symbol names of the ICU version csmsd was built against (its headers
// rename u_charType to u_charType_<major>, as the linker would have looked it up).
const Icu& LoadIcu() {
  static const Icu icu = [] {
    Icu out;
    const char* library = "libicuuc.so." CSMS_UNICODE_STR(U_ICU_VERSION_MAJOR_NUM);
    if (void* lib = ::dlopen(library, RTLD_NOW | RTLD_LOCAL)) {
      out.char_type = reinterpret_cast<decltype(out.char_type)>(::dlsym(lib, CSMS_UNICODE_STR(u_charType)));
      out.is_white_space =
          reinterpret_cast<decltype(out.is_white_space)>(::dlsym(lib, CSMS_UNICODE_STR(u_isUWhiteSpace)));
      out.nfc_instance =
          reinterpret_cast<decltype(out.nfc_instance)>(::dlsym(lib, CSMS_UNICODE_STR(unorm2_getNFCInstance)));
      out.normalize = reinterpret_cast<decltype(out.normalize)>(::dlsym(lib, CSMS_UNICODE_STR(unorm2_normalize)));
    }
    if (!out.char_type || !out.is_white_space || !out.nfc_instance || !out.normalize) {
      // A broken installation (the package depends on the library): characters outside ASCII
      // then belong to no class, so a tag using them is refused rather than misjudged.
      log::Error(std::string("cannot load ") + library +
                 " (Unicode character classes): " + "tags with characters outside ASCII are refused");
      out = Icu{};
    }
    return out;
  }();
  return icu;
}

bool IsAsciiLetterOrDigit(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

bool IsLetterSeparatorOrNumber(char32_t c) {
  if (c < 0x80) return c == ' ' || IsAsciiLetterOrDigit(c);
  const Icu& icu = LoadIcu();
  if (!icu.char_type) return false;
  return (U_MASK(icu.char_type(static_cast<UChar32>(c))) & (U_GC_L_MASK | U_GC_Z_MASK | U_GC_N_MASK)) != 0;
}

bool IsWhiteSpace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= '\t' && c <= '\r');
  const Icu& icu = LoadIcu();
  return icu.is_white_space && icu.is_white_space(static_cast<UChar32>(c)) != 0;
}

namespace {

// UTF-16 for ICU's normalizer; false for a code point that is not a scalar value.
bool ToUtf16(std::u32string_view s, std::u16string* out) {
  out->clear();
  out->reserve(s.size() * 2);
  for (char32_t c : s) {
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    if (c <= 0xFFFF) {
      out->push_back(static_cast<char16_t>(c));
    } else {
      out->push_back(static_cast<char16_t>(U16_LEAD(c)));
      out->push_back(static_cast<char16_t>(U16_TRAIL(c)));
    }
  }
  return true;
}

bool IsAscii(std::u32string_view s) {
  for (char32_t c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

}  // namespace

bool ToNfc(std::u32string_view s, std::u32string* out) {
  out->clear();
  if (IsAscii(s)) {
    out->assign(s);
    return true;
  }
  const Icu& icu = LoadIcu();
  std::u16string in;
  if (!icu.nfc_instance || !ToUtf16(s, &in)) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UNormalizer2* nfc = icu.nfc_instance(&status);
  if (U_FAILURE(status) || nfc == nullptr) return false;
  // NFC at most triples a text's length (a bound the Unicode standard keeps stable).
  std::u16string result(in.size() * 3 + 4, u'\0');
  const int32_t n =
      icu.normalize(nfc, reinterpret_cast<const UChar*>(in.data()), static_cast<int32_t>(in.size()),
                    reinterpret_cast<UChar*>(result.data()), static_cast<int32_t>(result.size()), &status);
  if (U_FAILURE(status) || n < 0) return false;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(result.data(), i, n, c);
    out->push_back(static_cast<char32_t>(c));
  }
  return true;
}

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
