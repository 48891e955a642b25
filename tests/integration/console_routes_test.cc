// The web console's files (http/handlers/console.cc): served at /console/ with the headers that
// keep them safe to load, the --dev login prefill only in --dev, nothing with --no-console.
// The console itself is driven in a browser by tests/console (CTest: console_browser).
#include <gtest/gtest.h>

#include "support/csmsd_process.h"
#include "support/http_client.h"

namespace csms::test {
namespace {

void ExpectConsoleHeaders(const HttpResult& r) {
  EXPECT_NE(r.Header("content-security-policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(r.Header("content-security-policy").find("unsafe-inline"), std::string::npos);
  EXPECT_NE(r.Header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.Header("x-frame-options"), "DENY");
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
}

TEST(ConsoleRoutes, ServesTheFilesWithStrictHeaders) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev"}));
  HttpClient client(server.port());
  HttpResult page = client.Request("GET", "/console/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html;charset=UTF-8");
  EXPECT_NE(page.body.find("/console/app.js"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script";
  ExpectConsoleHeaders(page);
  HttpResult script = client.Request("GET", "/console/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("content-type"), "text/javascript;charset=UTF-8");
  EXPECT_GT(script.body.size(), 1000u);
  ExpectConsoleHeaders(script);
  HttpResult style = client.Request("GET", "/console/app.css");
  ASSERT_EQ(style.status, 200);
  EXPECT_EQ(style.Header("content-type"), "text/css;charset=UTF-8");
  HttpResult config = client.Request("GET", "/console/config.json");
  ASSERT_EQ(config.status, 200);
  ASSERT_TRUE(config.ok_json);
  EXPECT_TRUE(config.json["dev"].GetBool());
  EXPECT_STREQ(config.json["user"].GetString(), "admin");
  EXPECT_EQ(client.Request("GET", "/console/nothing-here.js").status, 404);
}

TEST(ConsoleRoutes, OutsideDevNothingIsPrefilled) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({}));
  HttpClient client(server.port());
  HttpResult config = client.Request("GET", "/console/config.json");
  ASSERT_EQ(config.status, 200);
  EXPECT_EQ(config.body, R"({"dev":false})");
}

TEST(ConsoleRoutes, NoConsoleServesNothing) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev", "--no-console"}));
  HttpClient client(server.port());
  EXPECT_EQ(client.Request("GET", "/console/").status, 404);
  EXPECT_EQ(client.Request("GET", "/console/app.js").status, 404);
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace csms::test
