#include "common/utf8.h"

namespace csms::utf8 {
namespace {

// Length (1..4) of the well-formed character at the start of `s`, or 0 when it is ill-formed;
// then *bad is the length of the maximal subpart to replace (at least 1). `s` is not empty.
size_t NextChar(std::string_view s, size_t* bad) {
  auto c = static_cast<unsigned char>(s[0]);
  if (c < 0x80) return 1;
  size_t trail = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte (Unicode Table 3-7)
  if (c >= 0xC2 && c <= 0xDF) {
    trail = 1;
  } else if (c == 0xE0) {
    trail = 2, lo = 0xA0;  // no overlong 3-byte forms
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    trail = 2;
  } else if (c == 0xED) {
    trail = 2, hi = 0x9F;  // no surrogates
  } else if (c == 0xF0) {
    trail = 3, lo = 0x90;  // no overlong 4-byte forms
  } else if (c >= 0xF1 && c <= 0xF3) {
    trail = 3;
  } else if (c == 0xF4) {
    trail = 3, hi = 0x8F;  // nothing above U+10FFFF
  } else {
    *bad = 1;  // 0x80..0xC1 (continuation or overlong lead), 0xF5..0xFF
    return 0;
  }
  for (size_t i = 1; i <= trail; ++i) {
    if (i >= s.size()) {
      *bad = i;
      return 0;
    }
    auto b = static_cast<unsigned char>(s[i]);
    if (b < lo || b > hi) {
      *bad = i;
      return 0;
    }
    lo = 0x80, hi = 0xBF;
  }
  return trail + 1;
}

}  // namespace

bool IsValid(std::string_view s) {
  size_t pos = 0, bad = 0;
  while (pos < s.size()) {
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    size_t n = NextChar(s.substr(pos), &bad);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

std::string Sanitize(std::string_view s) {
  if (IsValid(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 16);
  size_t pos = 0, bad = 0;
  while (pos < s.size()) {
    size_t n = NextChar(s.substr(pos), &bad);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      pos += bad;
    } else {
      out.append(s.substr(pos, n));
      pos += n;
    }
  }
  return out;
}

std::string_view Truncate(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t end = max_bytes;
  // s[end] is the first byte cut off: while it continues a character, the cut is inside one, so
  // move back to that character's lead byte (a character has at most 3 continuation bytes).
  for (int i = 0; i < 3 && end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80; ++i) --end;
  if (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) end = max_bytes;  // not UTF-8 anyway
  return s.substr(0, end);
}

}  // namespace csms::utf8
