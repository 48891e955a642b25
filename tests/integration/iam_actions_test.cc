// IAM actions over the real route table: every authenticated route names an action from the
// catalogue, and the running server enforces it for every route, with tokens and with AK/SK.
// A new route without an action (or with one the catalogue does not know) fails here.
#include <gtest/gtest.h>

#include <string>

#include "auth/actions.h"
#include "auth/roles.h"
#include "common/clock.h"
#include "http/api.h"
#include "support/dev_server.h"
#include "support/route_table.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

// The route table as the server builds it (with the --dev routes too).
std::vector<http::Router<http::Route>::Listed> AllRoutes(http::Api& api) { return api.router().Routes(); }

bool MayBePublic(std::string_view path) {
  // Health, readiness and metrics: unauthenticated like a load balancer's probes (docs/observability.md).
  // The web console's files and the OpenAPI document are public too: they hold no data
  // (http/handlers/console.cc, openapi.cc).
  return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/v3/auth/tokens" ||
         path == "/openapi.json" || path.rfind("/csms-dev/", 0) == 0 || path.rfind("/console/", 0) == 0;
}

TEST(RouteTable, EveryAuthenticatedRouteNamesAKnownAction) {
  OffsetClock clock;
  http::Services services;
  services.clock = &clock;
  services.dev_clock = &clock;
  http::Api api(services);
  auto routes = AllRoutes(api);
  ASSERT_GE(routes.size(), 8u);
  for (const auto& r : routes) {
    std::string where = std::string(r.method) + " " + std::string(r.path_template);
    if (r.route->access == http::Access::kPublic) {
      // Public means unauthenticated: only the token endpoint, health, metrics and --dev helpers.
      EXPECT_TRUE(MayBePublic(r.path_template)) << where << " is public: it must authenticate and name an action";
      continue;
    }
    std::string_view action = r.route->action;
    EXPECT_FALSE(action.empty()) << where << " has no IAM action";
    EXPECT_NE(auth::FindAction(action), nullptr)
        << where << " names the action '" << action
        << "', which is not in the catalogue: add it to kActions in src/auth/actions.cc";
    if (r.route->access == http::Access::kProject) {
      EXPECT_NE(r.path_template.find("{project_id}"), std::string_view::npos) << where;
    }
  }
}

// A server with a data dir, a read-only user, and credentials of both kinds for both users.
class RouteActionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log"})) << server_.Log();
    auto creds = ReadInitialCredentials(server_.data_dir());
    project_ = creds["project_id"];
    ASSERT_EQ(project_.size(), 32u);
    RunAdmin(server_.data_dir(),
             {"create-user", "--name", "reader", "--password", "Reader-Passw0rd", "--role", "readonly"});
    client_ = std::make_unique<HttpClient>(server_.port());
    admin_token_ = GetToken(*client_, "admin", creds["password"], "csms", project_);
    reader_token_ = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
    reader_key_ = CreateAccessKey(server_.data_dir(), "reader");
    ASSERT_FALSE(admin_token_.empty());
    ASSERT_FALSE(reader_token_.empty());
  }

  // A concrete target for a template: {project_id} is ours, other parameters get probe names.
  std::string Target(std::string_view path_template) const { return RouteTarget(path_template, project_); }

  // An allowed request got past authentication and authorization and was answered by its handler:
  // a 2xx, or a 4xx that is about the request itself (probe names do not exist, "{}" bodies lack
  // fields), with the CSMS error body. Never a 5xx, no answer, or an authentication/permission code.
  static void ExpectServedPastAuthorization(const HttpResult& res, const std::string& where) {
    EXPECT_GE(res.status, 200) << where << ": " << res.body;
    EXPECT_LT(res.status, 500) << where << ": " << res.body;
    EXPECT_NE(res.status, 401) << where << ": " << res.body;
    EXPECT_NE(res.status, 403) << where << ": " << res.body;
    if (res.status >= 400) {
      EXPECT_TRUE(res.ok_json) << where << ": " << res.body;
      EXPECT_EQ(res.ErrorCode().rfind("CSMS.0", 0), 0u) << where << ": " << res.body;
      EXPECT_NE(res.ErrorCode().rfind("CSMS.03", 0), 0u)
          << where << ": an auth code on an allowed request: " << res.body;
    }
  }

  HttpResult WithToken(const std::string& token, std::string_view method, const std::string& target) {
    std::string body = method == "POST" || method == "PUT" ? "{}" : "";
    return client_->Request(std::string(method), target, body, {{"X-Auth-Token", token}});
  }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::string project_, admin_token_, reader_token_;
  AkSk reader_key_;
};

TEST_F(RouteActionsTest, EveryRouteChecksItsAction) {
  OffsetClock clock;
  http::Services services;
  services.clock = &clock;
  http::Api api(services);  // the same table as the server's (no --dev routes)
  int checked = 0;
  for (const auto& r : AllRoutes(api)) {
    if (r.route->access == http::Access::kPublic) continue;
    std::string action = r.route->action;
    std::string target = Target(r.path_template);
    std::string where = std::string(r.method) + " " + target + " (" + action + ")";
    bool reader_allowed = auth::RoleAllows(auth::kRoleReadonly, action);
    std::string body = r.method == "POST" || r.method == "PUT" ? "{}" : "";
    std::string project = r.route->access == http::Access::kProject ? project_ : "";

    HttpResult results[] = {
        WithToken(reader_token_, r.method, target),
        SignedRequest(*client_, reader_key_, std::string(r.method), target, body, project),
    };
    for (const HttpResult& res : results) {
      ++checked;
      if (reader_allowed) {
        ExpectServedPastAuthorization(res, where);
      } else {
        EXPECT_EQ(res.status, 403) << where << ": " << res.body;
        EXPECT_EQ(res.ErrorCode(), "CSMS.0303") << where << ": " << res.body;
        EXPECT_NE(res.body.find(action), std::string::npos) << where << ": the denial must name the action";
      }
    }
    HttpResult admin = WithToken(admin_token_, r.method, target);
    ExpectServedPastAuthorization(admin, where + " as admin");
    // Without credentials every one of them is a 401.
    HttpResult anonymous = client_->Request(std::string(r.method), target, body);
    EXPECT_EQ(anonymous.status, 401) << where;
  }
  EXPECT_GE(checked, 14);
}

TEST_F(RouteActionsTest, ReadonlyUserReadsButCannotWrite) {
  std::string events = "/v1/" + project_ + "/csms/events";
  std::string body =
      R"({"name":"ro-ev","event_types":["SECRET_DELETED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:x:y:t","target_name":"t"}})";
  auto denied = client_->Request("POST", events, body, {{"X-Auth-Token", reader_token_}});
  ASSERT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(denied.ErrorCode(), "CSMS.0303");
  EXPECT_NE(std::string(denied.json["error_msg"].GetString()).find("csms:event:create"), std::string::npos);
  EXPECT_NE(std::string(denied.json["error"]["error_msg"].GetString()).find("csms:event:create"), std::string::npos);
  denied = SignedRequest(*client_, reader_key_, "POST", events, body, project_);
  ASSERT_EQ(denied.status, 403) << denied.body;
  EXPECT_NE(denied.body.find("csms:event:create"), std::string::npos);

  // Nothing was created; the admin can, and the reader then sees it.
  auto list = client_->Request("GET", events, "", {{"X-Auth-Token", reader_token_}});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["events"].Size(), 0u);
  auto created = client_->Request("POST", events, body, {{"X-Auth-Token", admin_token_}});
  ASSERT_EQ(created.status, 200) << created.body;
  list = SignedRequest(*client_, reader_key_, "GET", events + "/ro-ev", "", project_);
  EXPECT_EQ(list.status, 200) << list.body;
  auto del = client_->Request("DELETE", events + "/ro-ev", "", {{"X-Auth-Token", reader_token_}});
  EXPECT_EQ(del.status, 403);
  EXPECT_NE(del.body.find("csms:event:delete"), std::string::npos);
}

}  // namespace
}  // namespace csms::test
