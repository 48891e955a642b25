#include "crypto/encoding.h"

#include <openssl/evp.h>

#include <algorithm>

namespace csms::crypto {

namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHexLower[b >> 4];
    out[2 * i + 1] = kHexLower[b & 0x0f];
  }
  return out;
}

std::optional<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4, '\0');
  // EVP_EncodeBlock takes an int length: feed it whole groups of 3 bytes, writing in place.
  constexpr size_t kChunk = size_t{3} << 20;
  size_t pos = 0;
  while (!bytes.empty()) {
    size_t n = std::min(bytes.size(), kChunk);
    // EVP_EncodeBlock writes a trailing NUL; the string's own terminator absorbs the last one.
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[pos]),
                              reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(n));
    pos += static_cast<size_t>(len);
    bytes.remove_prefix(n);
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  if (text.empty()) return std::string();
  // Validate first: EVP_DecodeBlock itself skips whitespace and treats '=' loosely.
  size_t pad = 0;
  if (text[text.size() - 1] == '=') pad = (text[text.size() - 2] == '=') ? 2 : 1;
  for (size_t i = 0; i < text.size() - pad; ++i) {
    if (!IsBase64Char(text[i])) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  constexpr size_t kChunk = size_t{4} << 20;
  size_t pos = 0;
  for (size_t in = 0; in < text.size();) {
    size_t n = std::min(text.size() - in, kChunk);
    int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(&out[pos]),
                              reinterpret_cast<const unsigned char*>(text.data() + in), static_cast<int>(n));
    if (len < 0) return std::nullopt;
    pos += static_cast<size_t>(len);
    in += n;
  }
  // EVP_DecodeBlock decodes the padding as zero bytes; drop them.
  out.resize(pos - pad);
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string std_text;
  std_text.reserve(text.size() + 3);
  for (char c : text) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    std_text.push_back(c);
  }
  while (std_text.size() % 4 != 0) std_text.push_back('=');
  return Base64Decode(std_text);
}

std::string PercentEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0x0f]);
    }
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace csms::crypto
