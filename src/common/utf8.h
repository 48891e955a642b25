// UTF-8 well-formedness (RFC 3629, Unicode §3.9): a validity check, a sanitiser for text that must
// go out inside JSON whatever it held, and truncation that never splits a character. Not a JSON
// parser: strings reach these functions already decoded (RapidJSON, percent-decoding).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace csms::utf8 {

// True when `s` is well-formed UTF-8: no stray continuation bytes, no truncated sequences, no
// overlong forms, no surrogates (U+D800..U+DFFF, e.g. CESU-8 from a lone "\udc00"), nothing above
// U+10FFFF. The empty string is valid.
bool IsValid(std::string_view s);

// `s` with every ill-formed subsequence replaced by U+FFFD (one per maximal subpart, as Unicode
// recommends). Returns `s` unchanged when it is valid.
std::string Sanitize(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a character.
std::string_view Truncate(std::string_view s, size_t max_bytes);

}  // namespace csms::utf8
