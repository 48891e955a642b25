#include "domain/tag.h"

#include "common/errors.h"
#include "common/unicode.h"

namespace csms::tags {
namespace {

bool IsAllowed(char32_t c, std::u32string_view extra) {
  return unicode::IsLetterSeparatorOrNumber(c) || extra.find(c) != std::u32string_view::npos;
}

// Two keys that look the same must be the same key (a filter would miss one): only one spelling
// of each, NFC (Unicode Normalization Form C).
constexpr const char* kNotNfc = "must be in Unicode Normalization Form C (NFC)";

Status Invalid(std::string_view field, const std::string& why) {
  return errors::InvalidParameter("invalid " + std::string(field) + ": " + why);
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
    if (!IsAllowed(c, U"_.:=+-@")) {
      return Invalid(field, "may hold only letters, digits, spaces and _ . : = + - @");
    }
  }
  if (!unicode::IsNfc(cps)) return Invalid(field, kNotNfc);
  return Status::OK();
}

Status CheckValue(std::string_view field, std::string_view value) {
  std::u32string cps;
  if (!unicode::Decode(value, &cps)) return Invalid(field, "not valid UTF-8");
  if (cps.size() > kMaxValueLength) return Invalid(field, "must be at most 255 characters");
  for (char32_t c : cps) {
    if (!IsAllowed(c, U"_.:/=+-@")) {
      return Invalid(field, "may hold only letters, digits, spaces and _ . : / = + - @");
    }
  }
  if (!unicode::IsNfc(cps)) return Invalid(field, kNotNfc);
  return Status::OK();
}

}  // namespace csms::tags
