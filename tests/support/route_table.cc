#include "support/route_table.h"

#include "common/clock.h"

namespace csms::test {

std::vector<RouteInfo> ServerRoutes(bool dev) {
  OffsetClock clock;
  http::Services services;
  services.clock = &clock;
  if (dev) services.dev_clock = &clock;
  http::Api api(services);  // registering routes uses no service
  std::vector<RouteInfo> out;
  for (const auto& r : api.router().Routes()) {
    out.push_back(RouteInfo{std::string(r.method), std::string(r.path_template), r.route->access, r.route->action,
                            r.route->execution});
  }
  return out;
}

std::string RouteTarget(std::string_view path_template, const std::string& project_id) {
  std::string out;
  size_t pos = 0;
  while (pos < path_template.size()) {
    size_t open = path_template.find('{', pos);
    if (open == std::string_view::npos) {
      out.append(path_template.substr(pos));
      break;
    }
    out.append(path_template.substr(pos, open - pos));
    size_t close = path_template.find('}', open);
    std::string_view name = path_template.substr(open + 1, close - open - 1);
    if (name == "project_id")
      out += project_id;
    else if (name == "version_id")
      out += "v1";
    else
      out += "probe-" + std::string(name);
    pos = close + 1;
  }
  return out;
}

}  // namespace csms::test
