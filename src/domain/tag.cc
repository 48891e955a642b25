#include "domain/tag.h"

#include "common/errors.h"
#include "common/unicode.h"

namespace csms::tags {
namespace {

bool IsAllowed(char32_t c, std::u32string_view extra) {
  return unicode::IsLetterSeparatorOrNumber(c) || extra.find(c) != std::u32string_view::npos;
}

Status Invalid(std::string_view field, const std::string& why) {
  return errors::InvalidParameter("invalid " + std::string(field) + ": " + why);
}

constexpr std::u32string_view kKeyExtras = U"_.:=+-@";
constexpr std::u32string_view kValueExtras = U"_.:/=+-@";

// Two keys that look the same must be one key (a filter would miss the other): text whose NFC
// (Normalization Form C) spelling is within the rules must be written that way (U+212B ANGSTROM
// SIGN as U+00C5). A letter whose NFC form needs a combining mark, which the rules refuse
// (U+0958, excluded from composition), keeps its one writable spelling.
Status CheckSpelling(std::string_view field, std::string_view text, std::u32string_view extras) {
  std::u32string cps, nfc;
  if (!unicode::Decode(text, &cps) || !unicode::ToNfc(cps, &nfc) || nfc == cps) return Status::OK();
  for (char32_t c : nfc) {
    if (!IsAllowed(c, extras)) return Status::OK();
  }
  return Invalid(field, "must be in Unicode Normalization Form C (NFC), the one spelling of text that looks the same");
}

}  // namespace

Status CheckKey(std::string_view field, std::string_view key) {
  std::u32string cps;
  if (!unicode::Decode(key, &cps)) return Invalid(field, "not valid UTF-8");
  if (cps.empty() || cps.size() > kMaxKeyLength) return Invalid(field, "must be 1 to 128 characters");
  if (key.substr(0, kSystemPrefix.size()) == kSystemPrefix) {
    return Invalid(field, "the prefix _sys_ is reserved for system tags");
  }
  if (unicode::IsWhiteSpace(cps.front()) || unicode::IsWhiteSpace(cps.back())) {
    return Invalid(field, "must not begin or end with white space");
  }
  for (char32_t c : cps) {
    if (!IsAllowed(c, kKeyExtras)) {
      return Invalid(field, "may hold only letters, digits, spaces and _ . : = + - @");
    }
  }
  return Status::OK();
}

Status CheckValue(std::string_view field, std::string_view value) {
  std::u32string cps;
  if (!unicode::Decode(value, &cps)) return Invalid(field, "not valid UTF-8");
  if (cps.size() > kMaxValueLength) return Invalid(field, "must be at most 255 characters");
  for (char32_t c : cps) {
    if (!IsAllowed(c, kValueExtras)) {
      return Invalid(field, "may hold only letters, digits, spaces and _ . : / = + - @");
    }
  }
  return Status::OK();
}

Status CheckNewKey(std::string_view field, std::string_view key) {
  CSMS_RETURN_IF_ERROR(CheckKey(field, key));
  return CheckSpelling(field, key, kKeyExtras);
}

Status CheckNewValue(std::string_view field, std::string_view value) {
  CSMS_RETURN_IF_ERROR(CheckValue(field, value));
  return CheckSpelling(field, value, kValueExtras);
}

}  // namespace csms::tags
