// Keystone-style tokens: issue, use, expiry, bad credentials, cross-project denial.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "support/dev_server.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

class TokensTest : public DevServerTest {};

TEST_F(TokensTest, IssuedTokenHasKeystoneShape) {
  auto r =
      client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody(kDevUser, kDevPassword, kDevDomain, kDevProject),
                       {{"Content-Type", "application/json;charset=UTF-8"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string token = r.Header("x-subject-token");
  EXPECT_GE(token.size(), 32u);
  EXPECT_EQ(r.body.find(token), std::string::npos) << "the token must not be in the body";
  EXPECT_FALSE(r.Header("x-request-id").empty());
  const auto& t = r.json["token"];
  std::string issued = t["issued_at"].GetString(), expires = t["expires_at"].GetString();
  EXPECT_EQ(issued.size(), 27u);  // 2020-01-04T09:08:49.965000Z
  EXPECT_EQ(issued.back(), 'Z');
  EXPECT_GT(expires, issued);
  EXPECT_STREQ(t["methods"][0].GetString(), "password");
  EXPECT_STREQ(t["user"]["name"].GetString(), "admin");
  EXPECT_STREQ(t["user"]["domain"]["name"].GetString(), "csms");
  EXPECT_STREQ(t["project"]["id"].GetString(), kDevProject);
  EXPECT_STREQ(t["project"]["name"].GetString(), "dev");
  EXPECT_TRUE(t.HasMember("catalog"));

  auto nocat = client_->Request("POST", "/v3/auth/tokens?nocatalog=true",
                                PasswordAuthBody(kDevUser, kDevPassword, kDevDomain, kDevProject));
  ASSERT_EQ(nocat.status, 201);
  EXPECT_FALSE(nocat.json["token"].HasMember("catalog"));

  // Scope by project name works too.
  auto by_name =
      client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody(kDevUser, kDevPassword, kDevDomain, "", "dev"));
  ASSERT_EQ(by_name.status, 201) << by_name.body;
  EXPECT_STREQ(by_name.json["token"]["project"]["id"].GetString(), kDevProject);
}

TEST_F(TokensTest, BadCredentialsAre401WithoutSayingWhich) {
  auto wrong_pw = client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody("admin", "nope", "csms", kDevProject));
  auto no_user = client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody("ghost", "admin", "csms", kDevProject));
  auto no_domain =
      client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody("admin", "admin", "elsewhere", kDevProject));
  for (auto* r : {&wrong_pw, &no_user, &no_domain}) {
    EXPECT_EQ(r->status, 401) << r->body;
    EXPECT_EQ(r->ErrorCode(), "CSMS.0305");
    EXPECT_TRUE(r->Header("x-subject-token").empty());
  }
  EXPECT_EQ(wrong_pw.json["error_msg"], no_user.json["error_msg"]);
  auto bad_project =
      client_->Request("POST", "/v3/auth/tokens",
                       PasswordAuthBody(kDevUser, kDevPassword, kDevDomain, "ffffffffffffffffffffffffffffffff"));
  EXPECT_EQ(bad_project.status, 400);
  auto malformed = client_->Request("POST", "/v3/auth/tokens", R"({"auth":{"identity":{"methods":["token"]}}})");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.ErrorCode(), "CSMS.0002");
  auto not_json = client_->Request("POST", "/v3/auth/tokens", "user=admin");
  EXPECT_EQ(not_json.ErrorCode(), "CSMS.0004");
}

TEST_F(TokensTest, MissingOrInvalidTokenIs401) {
  HttpClient anonymous(server_.port());
  auto r = anonymous.Request("GET", Path("/csms/events"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0301");
  r = anonymous.Request("GET", Path("/csms/events"), "", {{"X-Auth-Token", "CSMSv1.deadbeef"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0301");
  r = anonymous.Request("GET", Path("/csms/notification-records"), "", {{"X-Auth-Token", token_ + "x"}});
  EXPECT_EQ(r.status, 401);
  r = anonymous.Request("POST", Path("/csms/events"), "{}");
  EXPECT_EQ(r.status, 401);
}

TEST_F(TokensTest, TokenExpiresAfter24Hours) {
  ASSERT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
  auto clock = client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":86340000})");  // +23h59m
  ASSERT_EQ(clock.status, 200) << clock.body;
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
  ASSERT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":61000})").status, 200);  // past 24h
  auto r = client_->Request("GET", Path("/csms/events"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0301");
  EXPECT_NE(r.body.find("expired"), std::string::npos);
  // A fresh token works again.
  client_->set_token(GetToken(*client_, kDevUser, kDevPassword, kDevDomain, kDevProject));
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
}

TEST(FirstStart, BootstrapsAccountsOnceAndIsolatesProjects) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  std::string cred_path = server.data_dir() + "/initial-credentials";
  struct stat st {};
  ASSERT_EQ(stat(cred_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto cred = ReadInitialCredentials(server.data_dir());
  ASSERT_EQ(cred["project_id"].size(), 32u);
  EXPECT_EQ(cred["user_name"], "admin");
  ASSERT_GE(cred["password"].size(), 16u);
  // Printed to a terminal only; the log (stdout is a file here) says where the password is.
  EXPECT_EQ(server.Log().find(cred["password"]), std::string::npos);
  EXPECT_NE(server.Log().find(cred_path), std::string::npos) << server.Log();

  HttpClient client(server.port());
  std::string token_a = GetToken(client, "admin", cred["password"], "csms", cred["project_id"]);
  ASSERT_FALSE(token_a.empty());

  // A second project, created by the admin command while the server runs.
  std::string out;
  ASSERT_EQ(RunCsmsd({"admin", "--data-dir", server.data_dir(), "create-project", "--name", "team-b"}, &out), 0) << out;
  auto id_pos = out.find("id=");
  ASSERT_NE(id_pos, std::string::npos) << out;
  std::string project_b = out.substr(id_pos + 3, 32);
  std::string token_b = GetToken(client, "admin", cred["password"], "csms", project_b);
  ASSERT_FALSE(token_b.empty());

  std::string events_a = "/v1/" + cred["project_id"] + "/csms/events";
  std::string events_b = "/v1/" + project_b + "/csms/events";
  std::string body =
      R"({"name":"shared-name","event_types":["SECRET_DELETED"],"state":"ENABLED","notification":{"target_type":"SMN","target_id":"urn:smn:r:p:t","target_name":"t"}})";
  ASSERT_EQ(client.Request("POST", events_a, body, {{"X-Auth-Token", token_a}}).status, 200);
  // Same name in another project is a different event.
  ASSERT_EQ(client.Request("POST", events_b, body, {{"X-Auth-Token", token_b}}).status, 200);
  // Project A's token cannot touch project B, whatever the method.
  for (auto [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", events_b},
                                                        {"POST", events_b},
                                                        {"GET", events_b + "/shared-name"},
                                                        {"PUT", events_b + "/shared-name"},
                                                        {"DELETE", events_b + "/shared-name"},
                                                        {"GET", "/v1/" + project_b + "/csms/notification-records"}}) {
    auto r =
        client.Request(method, target, method == "GET" || method == "DELETE" ? "" : body, {{"X-Auth-Token", token_a}});
    EXPECT_EQ(r.status, 403) << method << " " << target << " " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0302");
  }
  auto list_b = client.Request("GET", events_b, "", {{"X-Auth-Token", token_b}});
  EXPECT_EQ(list_b.json["events"].Size(), 1u);

  // Restart: accounts and data persist, no second bootstrap.
  EXPECT_EQ(server.Stop(), 0);
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  HttpClient again(server.port());
  auto r = again.Request("GET", events_a, "", {{"X-Auth-Token", token_a}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json["events"].Size(), 1u);
  EXPECT_EQ(ReadInitialCredentials(server.data_dir())["password"], cred["password"]);
}

}  // namespace
}  // namespace csms::test
