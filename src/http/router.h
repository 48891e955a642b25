// Router: matches a method and a path against templates such as
// "/v1/{project_id}/csms/events/{event_name}". Path parameters are percent-decoded and must be
// UTF-8 (kBadPath otherwise), so no handler echoes ill-formed bytes into a message. A trailing
// slash is ignored (SDKs canonicalise with one; some clients send it).
//
// When several templates match a path, the most specific wins: at the first segment where they
// differ, a literal beats a parameter (so "/secrets/restore" is never taken for
// "/secrets/{secret_name}"). The method is checked against that template only: another method on
// it is kNoMethod, never a fall-back to a less specific template.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::http {

struct PathParams {
  std::vector<std::pair<std::string_view, std::string>> values;
  const std::string& Get(std::string_view name) const;
};

// The most segments a template may have; a longer path matches nothing.
inline constexpr size_t kMaxPathSegments = 16;

template <typename Route>
class Router {
 public:
  // Aborts (a programming error) on a template with more than kMaxPathSegments segments.
  void Add(std::string_view method, std::string_view path_template, Route route);

  enum class Match { kFound, kNoPath, kNoMethod, kBadPath };
  // On kFound, *route and *params are set.
  Match Find(std::string_view method, std::string_view path, const Route** route, PathParams* params) const;

  // Every registered route, in registration order (tests iterate over the real route table).
  struct Listed {
    std::string_view method;
    std::string_view path_template;  // as registered, e.g. "/v1/{project_id}/csms/events"
    const Route* route;
  };
  std::vector<Listed> Routes() const;

 private:
  struct Entry {
    std::string method;
    std::string path_template;
    std::vector<std::string> segments;  // "{name}" marks a parameter
    // Bit (kMaxPathSegments - 1 - i) is set when segment i is a literal: of two templates that
    // match one path, the one with the larger mask is the more specific.
    uint32_t literal_mask = 0;
    Route route;
  };
  std::vector<Entry> entries_;
  // Per segment count, indexes into entries_, most specific (largest literal_mask) first and in
  // registration order among equals: the first entry matching a path is the most specific one.
  std::vector<std::vector<size_t>> by_size_ = std::vector<std::vector<size_t>>(kMaxPathSegments + 1);
};

// Splits "/a/b/c" into {"a","b","c"}; false on an empty segment ("//").
bool SplitPath(std::string_view path, std::vector<std::string_view>* out);
// The same into a fixed array (no allocation): false on an empty segment or more than `capacity`
// segments. *count is set on success.
bool SplitPath(std::string_view path, std::string_view* out, size_t capacity, size_t* count);

}  // namespace csms::http

#include "http/router_impl.h"
