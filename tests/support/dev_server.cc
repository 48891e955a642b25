#include "support/dev_server.h"

#include "json/writer.h"

namespace csms::test {

std::string PasswordAuthBody(const std::string& user, const std::string& password, const std::string& domain,
                             const std::string& project_id, const std::string& project_name) {
  json::Writer w;
  w.StartObject().Key("auth").StartObject();
  w.Key("identity").StartObject().Key("methods").StartArray().String("password").EndArray();
  w.Key("password").StartObject().Key("user").StartObject().Field("name", user).Field("password", password);
  w.Key("domain").StartObject().Field("name", domain).EndObject();
  w.EndObject().EndObject().EndObject();
  w.Key("scope").StartObject().Key("project").StartObject();
  if (!project_id.empty()) w.Field("id", project_id);
  if (!project_name.empty()) w.Field("name", project_name);
  w.EndObject().EndObject();
  w.EndObject().EndObject();
  return w.Take();
}

std::string GetToken(HttpClient& client, const std::string& user, const std::string& password,
                     const std::string& domain, const std::string& project_id) {
  auto r = client.Request("POST", "/v3/auth/tokens", PasswordAuthBody(user, password, domain, project_id),
                          {{"X-Auth-Token", ""}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.Header("x-subject-token");
}

void DevServerTest::SetUp() {
  std::vector<std::string> args = {"--dev", "--no-access-log"};
  auto extra = ExtraArgs();
  args.insert(args.end(), extra.begin(), extra.end());
  ASSERT_TRUE(server_.Start(args)) << server_.Log();
  client_ = std::make_unique<HttpClient>(server_.port());
  token_ = GetToken(*client_, kDevUser, kDevPassword, kDevDomain, kDevProject);
  ASSERT_FALSE(token_.empty());
  client_->set_token(token_);
}

}  // namespace csms::test
