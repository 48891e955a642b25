// Template implementation of Router; included by router.h only.
#pragma once

#include <array>
#include <cstdlib>

#include "common/utf8.h"
#include "crypto/encoding.h"

namespace csms::http {

template <typename Route>
void Router<Route>::Add(std::string_view method, std::string_view path_template, Route route) {
  std::vector<std::string_view> parts;
  if (!SplitPath(path_template, &parts) || parts.size() > kMaxPathSegments) std::abort();
  Entry e{std::string(method), std::string(path_template), {}, 0, std::move(route)};
  for (size_t i = 0; i < parts.size(); ++i) {
    e.segments.emplace_back(parts[i]);
    if (parts[i].front() != '{') e.literal_mask |= uint32_t{1} << (kMaxPathSegments - 1 - i);
  }
  std::vector<size_t>& bucket = by_size_[parts.size()];
  auto at = bucket.begin();
  while (at != bucket.end() && entries_[*at].literal_mask >= e.literal_mask) ++at;
  bucket.insert(at, entries_.size());
  entries_.push_back(std::move(e));
}

template <typename Route>
std::vector<typename Router<Route>::Listed> Router<Route>::Routes() const {
  std::vector<Listed> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(Listed{e.method, e.path_template, &e.route});
  return out;
}

template <typename Route>
typename Router<Route>::Match Router<Route>::Find(std::string_view method, std::string_view path, const Route** route,
                                                  PathParams* params) const {
  std::array<std::string_view, kMaxPathSegments> parts;
  size_t n = 0;
  if (!SplitPath(path, parts.data(), parts.size(), &n)) return Match::kNoPath;
  // The most specific template matching the path that has this method (the bucket is ordered
  // most specific first). A less specific one still serves the methods the literal one lacks: a
  // secret named "restore" is shown, updated and deleted through /secrets/{secret_name}, only
  // POST /secrets/restore is the literal route. 405 only when no matching template has the method.
  const Entry* best_path = nullptr;
  const Entry* found = nullptr;
  for (size_t index : by_size_[n]) {
    const Entry& e = entries_[index];
    bool ok = true;
    for (size_t i = 0; i < n && ok; ++i) {
      const std::string& seg = e.segments[i];
      if (seg.front() != '{') ok = seg == parts[i];
    }
    if (!ok) continue;
    if (!best_path) best_path = &e;
    if (e.method == method) {
      found = &e;
      break;
    }
  }
  if (!best_path) return Match::kNoPath;
  if (!found) return Match::kNoMethod;
  params->values.clear();
  for (size_t i = 0; i < n; ++i) {
    const std::string& seg = found->segments[i];
    if (seg.front() != '{') continue;
    auto decoded = crypto::PercentDecode(parts[i]);
    if (!decoded || !utf8::IsValid(*decoded)) return Match::kBadPath;
    params->values.emplace_back(std::string_view(seg).substr(1, seg.size() - 2), std::move(*decoded));
  }
  *route = &found->route;
  return Match::kFound;
}

}  // namespace csms::http
