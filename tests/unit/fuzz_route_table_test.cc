// The router fuzz target's copy of the route table (fuzz/route_templates.h) is the server's: the
// libFuzzer build cannot link the handlers, so this test keeps the copy honest.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "../fuzz/route_templates.h"
#include "support/route_table.h"

namespace csms::test {
namespace {

TEST(FuzzRouteTable, MatchesTheServersRoutesIncludingDev) {
  std::set<std::pair<std::string, std::string>> server, fuzz;
  for (const RouteInfo& r : ServerRoutes(/*dev=*/true)) server.emplace(r.method, r.path_template);
  for (const auto& [method, path_template] : csms::fuzz::kRouteTemplates) {
    fuzz.emplace(std::string(method), std::string(path_template));
  }
  for (const auto& r : server) {
    EXPECT_TRUE(fuzz.count(r)) << r.first << " " << r.second << " is missing from fuzz/route_templates.h";
  }
  for (const auto& r : fuzz) {
    EXPECT_TRUE(server.count(r)) << r.first << " " << r.second << " is in fuzz/route_templates.h, not in the server";
  }
}

}  // namespace
}  // namespace csms::test
