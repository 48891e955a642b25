// Text encodings of bytes. Decoders are strict and return nullopt instead of guessing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace csms::crypto {

// Lower-case hex.
std::string HexEncode(std::string_view bytes);
// Accepts upper and lower case; nullopt on odd length or a non-hex character.
std::optional<std::string> HexDecode(std::string_view hex);

// Standard alphabet (RFC 4648 §4) with '=' padding.
std::string Base64Encode(std::string_view bytes);
// Standard alphabet with padding. Rejects whitespace, a length that is not a multiple of 4,
// characters outside the alphabet and misplaced '='. Non-zero trailing bits are accepted.
std::optional<std::string> Base64Decode(std::string_view text);

// URL-safe alphabet (RFC 4648 §5), no padding.
std::string Base64UrlEncode(std::string_view bytes);
// URL-safe alphabet without padding; rejects '=', '+', '/', whitespace and impossible lengths.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// RFC 3986 encoding as used by SDK-HMAC-SHA256 signing: every byte except A-Z a-z 0-9 - _ . ~
// becomes %XX with upper-case hex (so space is %20, never '+').
std::string PercentEncode(std::string_view bytes);
// Decodes %XX (either hex case). nullopt on a '%' not followed by two hex digits. With
// plus_as_space, '+' becomes ' ' (query strings); otherwise '+' is literal (paths).
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

}  // namespace csms::crypto
