// Router: matches a method and a path against templates such as
// "/v1/{project_id}/csms/events/{event_name}". Path parameters are percent-decoded and must be
// UTF-8 (kBadPath otherwise), so no handler echoes ill-formed bytes into a message. A trailing
// slash is ignored (SDKs canonicalise with one; some clients send it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::http {

struct PathParams {
  std::vector<std::pair<std::string_view, std::string>> values;
  const std::string& Get(std::string_view name) const;
};

template <typename Route>
class Router {
 public:
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
    Route route;
  };
  std::vector<Entry> entries_;
};

// Splits "/a/b/c" into {"a","b","c"}; false on an empty segment ("//").
bool SplitPath(std::string_view path, std::vector<std::string_view>* out);

}  // namespace csms::http

#include "http/router_impl.h"
