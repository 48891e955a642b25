// Template implementation of Router; included by router.h only.
#pragma once

#include "common/utf8.h"
#include "crypto/encoding.h"

namespace csms::http {

template <typename Route>
void Router<Route>::Add(std::string_view method, std::string_view path_template, Route route) {
  std::vector<std::string_view> parts;
  SplitPath(path_template, &parts);
  Entry e{std::string(method), std::string(path_template), {}, std::move(route)};
  for (auto p : parts) e.segments.emplace_back(p);
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
  std::vector<std::string_view> parts;
  if (!SplitPath(path, &parts)) return Match::kNoPath;
  bool path_matched = false;
  for (const Entry& e : entries_) {
    if (e.segments.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& seg = e.segments[i];
      if (seg.front() != '{') ok = seg == parts[i];
    }
    if (!ok) continue;
    path_matched = true;
    if (e.method != method) continue;
    params->values.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string& seg = e.segments[i];
      if (seg.front() != '{') continue;
      auto decoded = crypto::PercentDecode(parts[i]);
      if (!decoded || !utf8::IsValid(*decoded)) return Match::kBadPath;
      params->values.emplace_back(std::string_view(seg).substr(1, seg.size() - 2), std::move(*decoded));
    }
    *route = &e.route;
    return Match::kFound;
  }
  return path_matched ? Match::kNoMethod : Match::kNoPath;
}

}  // namespace csms::http
