// Unicode character classes, from ICU's character database (not an ASCII approximation): the
// general categories a rule such as "\p{L}\p{Z}\p{N}" names, and white space as "\s" means it in
// Unicode-aware regular expressions. Used by the tag rules (domain/tag.h). ICU is loaded at the
// first code point outside ASCII (unicode.cc). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace csms::unicode {

// Letters (L*), separators (Z*: spaces, line and paragraph separators) and numbers (N*).
bool IsLetterSeparatorOrNumber(char32_t c);
// The Unicode White_Space property (spaces, tabs, line breaks, NBSP, U+3000, ...).
bool IsWhiteSpace(char32_t c);

// `s` in Unicode Normalization Form C (NFC): text that looks the same is then the same code points
// (U+212B ANGSTROM SIGN becomes U+00C5). False when ICU cannot be loaded and `s` is not ASCII.
bool ToNfc(std::u32string_view s, std::u32string* out);

// The code points of well-formed UTF-8 `s`; false (and *out unspecified) when it is not.
bool Decode(std::string_view s, std::u32string* out);

}  // namespace csms::unicode
