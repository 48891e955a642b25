// Every route of the real route table that may touch the store runs on a pool, never on an I/O
// thread (http/api.h). A new route is covered without touching this test.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "http/api.h"
#include "support/route_table.h"

namespace csms::test {
namespace {

// Routes that touch no store and never wait, and so may run on the I/O thread.
// Memory only: health, the web console's embedded files (http/handlers/console.cc) and the
// OpenAPI document (http/handlers/openapi.cc).
const std::set<std::string> kIoThreadRoutes = {
    "GET /healthz",     "GET /console/", "GET /console/app.js", "GET /console/app.css", "GET /console/config.json",
    "GET /openapi.json"};

TEST(RouteExecution, EveryRouteThatMayTouchTheStoreRunsOnAPool) {
  auto routes = ServerRoutes(/*dev=*/true);
  ASSERT_GT(routes.size(), 20u);
  for (const auto& r : routes) {
    std::string name = r.method + " " + r.path_template;
    http::Pool pool = http::PoolFor(r.execution, r.method);
    if (kIoThreadRoutes.count(name)) {
      EXPECT_EQ(pool, http::Pool::kNone) << name << " is listed as an I/O-thread route";
      continue;
    }
    EXPECT_NE(pool, http::Pool::kNone) << name << " runs on the I/O thread but may touch the store";
    if (r.execution == http::Execution::kWorker) continue;  // waits on the network: its own pool
    // Reads on the reader pool, everything else where a write may wait for its commit.
    EXPECT_EQ(pool, r.method == "GET" || r.method == "HEAD" ? http::Pool::kReader : http::Pool::kWriter) << name;
  }
}

TEST(RouteExecution, TheTestNotificationWaitsOnTheNetworkPool) {
  bool found = false;
  for (const auto& r : ServerRoutes(/*dev=*/false)) {
    if (r.method == "POST" && r.path_template == "/v1/{project_id}/csms/events/{event_name}/test") {
      found = true;
      EXPECT_EQ(http::PoolFor(r.execution, r.method), http::Pool::kNetwork);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace csms::test
