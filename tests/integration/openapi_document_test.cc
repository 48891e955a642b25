// GET /openapi.json (http/handlers/openapi.cc): the contract of docs/openapi.yaml as JSON, without
// credentials, with a JSON content type and a cache lifetime.
// The document's routes are checked against the router by tests/unit/openapi_routes_test.cc, its
// schemas against real responses by tests/openapi (CTest: openapi_validate).
#include <gtest/gtest.h>

#include <string>

#include "support/csmsd_process.h"
#include "support/http_client.h"

namespace csms::test {
namespace {

TEST(OpenApiDocument, IsServedWithoutCredentials) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({}));
  HttpClient client(server.port());
  HttpResult r = client.Request("GET", "/openapi.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").rfind("application/json", 0), 0u) << r.Header("content-type");
  EXPECT_NE(r.Header("cache-control").find("max-age="), std::string::npos) << r.Header("cache-control");
  ASSERT_TRUE(r.ok_json) << r.body.substr(0, 200);
  ASSERT_TRUE(r.json.IsObject());
  EXPECT_STREQ(r.json["openapi"].GetString(), "3.1.0");
  ASSERT_TRUE(r.json["paths"].IsObject());
  EXPECT_TRUE(r.json["paths"].HasMember("/openapi.json"));
  EXPECT_TRUE(r.json["paths"].HasMember("/v1/{project_id}/secrets"));
  EXPECT_TRUE(r.json["components"]["schemas"].HasMember("ErrorBody"));
}

}  // namespace
}  // namespace csms::test
