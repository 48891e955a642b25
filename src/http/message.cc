#include "http/message.h"

#include <algorithm>

#include "common/errors.h"
#include "common/utf8.h"
#include "crypto/encoding.h"

namespace csms::http {

Status QueryParams::Parse(std::string_view query) {
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
    if (!key || !value) {
      items_.clear();
      return errors::InvalidRequest("the query string is not valid percent-encoding");
    }
    std::string shown = utf8::Sanitize(utf8::Truncate(*key, 64));
    Status bad;
    if (!utf8::IsValid(*key)) {
      bad = errors::InvalidParameter("invalid query parameter name '" + shown + "': not valid UTF-8");
    } else if (!utf8::IsValid(*value)) {
      bad = errors::InvalidParameter("invalid " + shown + ": not valid UTF-8");
    }
    if (!bad.ok()) {
      items_.clear();
      return bad;
    }
    items_.emplace_back(std::move(*key), std::move(*value));
  }
  std::vector<std::string_view> keys;
  keys.reserve(items_.size());
  for (const auto& item : items_) keys.emplace_back(item.first);
  std::sort(keys.begin(), keys.end());
  auto repeated = std::adjacent_find(keys.begin(), keys.end());
  if (repeated != keys.end()) {
    Status bad = errors::InvalidParameter("invalid " + std::string(utf8::Truncate(*repeated, 64)) +
                                          ": the query parameter is given more than once");
    items_.clear();
    return bad;
  }
  return Status::OK();
}

std::optional<std::string_view> QueryParams::Get(std::string_view key) const {
  for (const auto& [k, v] : items_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace csms::http
