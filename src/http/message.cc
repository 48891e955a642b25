#include "http/message.h"

#include "crypto/encoding.h"

namespace csms::http {

bool QueryParams::Parse(std::string_view query) {
  items_.clear();
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view item = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    auto key = crypto::PercentDecode(item.substr(0, eq), /*plus_as_space=*/true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                              : crypto::PercentDecode(item.substr(eq + 1), true);
    if (!key || !value) return false;
    items_.emplace_back(std::move(*key), std::move(*value));
  }
  return true;
}

std::optional<std::string_view> QueryParams::Get(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace csms::http
