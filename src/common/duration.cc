#include "common/duration.h"

#include <algorithm>
#include <charconv>

namespace csms {

std::optional<int64_t> ParseDurationMillis(std::string_view text) {
  int64_t unit = 0;
  std::string_view digits;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    unit = 1;
    digits = text.substr(0, text.size() - 2);
  } else if (text.size() > 1) {
    switch (text.back()) {
      case 's':
        unit = 1'000;
        break;
      case 'm':
        unit = 60'000;
        break;
      case 'h':
        unit = 3'600'000;
        break;
      case 'd':
        unit = 86'400'000;
        break;
      default:
        return std::nullopt;
    }
    digits = text.substr(0, text.size() - 1);
  } else {
    return std::nullopt;
  }
  if (digits.empty() || digits.size() > 13 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t n = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), n);
  constexpr int64_t kMax = 300LL * 365 * 86'400'000;
  if (n > kMax / unit) return std::nullopt;
  return n * unit;
}

std::optional<std::vector<int64_t>> ParsePositiveDurationList(std::string_view text) {
  std::vector<int64_t> out;
  if (text.empty()) return out;
  for (;;) {
    size_t comma = text.find(',');
    std::optional<int64_t> ms = ParseDurationMillis(text.substr(0, comma));
    if (!ms || *ms <= 0) return std::nullopt;
    out.push_back(*ms);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace csms
