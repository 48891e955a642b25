// The server's real route table, for tests that must cover every route (a new route is covered
// without touching the test).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/api.h"

namespace csms::test {

struct RouteInfo {
  std::string method;
  std::string path_template;  // e.g. "/v1/{project_id}/csms/events/{event_name}"
  http::Access access;
  std::string action;
  http::Execution execution = http::Execution::kByMethod;  // where it runs (http/api.h)
};

// Every route csmsd registers; with `dev`, the --dev routes too.
std::vector<RouteInfo> ServerRoutes(bool dev);

// A concrete target for a template: {project_id} is `project_id`, {version_id} is "v1", any other
// parameter "probe-<name>".
std::string RouteTarget(std::string_view path_template, const std::string& project_id);

}  // namespace csms::test
