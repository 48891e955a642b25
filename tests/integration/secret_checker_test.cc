// GenerateRandomPassword, CheckSecrets and ShowSecretsConfig / UpdateSecretsConfig over HTTP against
// the real csmsd: the password flags and impossible policies, strength estimates of weak and strong
// values (never echoing them), the per-project flag's round trip and isolation, and what the flag
// does to CreateSecret, CreateSecretVersion and BatchImportSecrets when on and off.
#include <gtest/gtest.h>

#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

constexpr const char* kStrong = "x7#Kp2@mNq9$Lr4&Vt8*";

class SecretCheckerTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  SecretsApi& api() { return *api_; }
  std::string Password(const std::string& body) {
    auto r = api().Post("/csms/generate-password", body);
    EXPECT_EQ(r.status, 200) << body << " → " << r.body;
    return r.status == 200 ? r.json["password"].GetString() : "";
  }
  HttpResult Check(const std::string& value) {
    return api().Post("/secrets/checker/check",
                      R"({"type":"password","data":{"secret_string":)" + JsonString(value) + "}}");
  }
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(SecretCheckerTest, GenerateRandomPasswordHonoursEveryFlag) {
  EXPECT_EQ(Password("").size(), 32u);  // the body is optional
  EXPECT_EQ(Password("{}").size(), 32u);
  EXPECT_EQ(Password(R"({"length":8})").size(), 8u);
  EXPECT_EQ(Password(R"({"length":4096})").size(), 4096u);
  EXPECT_NE(Password("{}"), Password("{}"));
  for (int i = 0; i < 20; ++i) {
    std::string p = Password(R"({"length":64,"exclude_lowercase":true,"exclude_punctuation":true})");
    EXPECT_EQ(p.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), std::string::npos) << p;
    p = Password(R"({"length":64,"exclude_uppercase":true,"exclude_numbers":true,"exclude_characters":"abc!"})");
    EXPECT_EQ(p.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abc!"), std::string::npos) << p;
    p = Password(R"({"length":5,"include_space":true,"require_each_included_type":true,)"
                 R"("password_policy_name":"default"})");
    ASSERT_EQ(p.size(), 5u);
    EXPECT_NE(p.find(' '), std::string::npos) << p;
    EXPECT_NE(p.find_first_of("0123456789"), std::string::npos) << p;
  }
}

TEST_F(SecretCheckerTest, ImpossiblePasswordPoliciesNameTheField) {
  auto post = [&](const std::string& body) { return api().Post("/csms/generate-password", body); };
  ExpectCsmsError(post(R"({"length":0})"), 400, "CSMS.0002", "length");
  ExpectCsmsError(post(R"({"length":4097})"), 400, "CSMS.0002", "length");
  ExpectCsmsError(post(R"({"length":-5})"), 400, "CSMS.0002", "length");
  ExpectCsmsError(post(R"({"length":99999999999999})"), 400, "CSMS.0002", "length");
  ExpectCsmsError(post(R"({"length":"32"})"), 400, "CSMS.0002", "length");
  ExpectCsmsError(post(R"({"exclude_numbers":"yes"})"), 400, "CSMS.0002", "exclude_numbers");
  ExpectCsmsError(post(R"({"exclude_lowercase":true,"exclude_uppercase":true,"exclude_numbers":true,)"
                       R"("exclude_punctuation":true})"),
                  400, "CSMS.0002", "exclude");
  ExpectCsmsError(post(R"({"exclude_uppercase":true,"exclude_numbers":true,"exclude_punctuation":true,)"
                       R"("exclude_characters":"abcdefghijklmnopqrstuvwxyz"})"),
                  400, "CSMS.0002", "exclude_characters");
  ExpectCsmsError(post(R"({"length":3,"require_each_included_type":true})"), 400, "CSMS.0002",
                  "require_each_included_type");
  ExpectCsmsError(post("not json"), 400, "CSMS.0004");
}

TEST_F(SecretCheckerTest, CheckSecretsEstimatesWithoutEchoingTheValue) {
  auto weak = Check("password1");
  ASSERT_EQ(weak.status, 200) << weak.body;
  EXPECT_STREQ(weak.json["type"].GetString(), "password");
  const auto& w = weak.json["data"];
  EXPECT_TRUE(w["weak"].GetBool()) << weak.body;
  EXPECT_LT(w["score"].GetInt(), 3);
  EXPECT_TRUE(w["entropy_bits"].IsNumber());
  EXPECT_EQ(w["length"].GetInt(), 9);
  ASSERT_TRUE(w["reasons"].IsArray());
  EXPECT_GT(w["reasons"].Size(), 0u);
  EXPECT_EQ(weak.body.find("password1"), std::string::npos);

  auto strong = Check(kStrong);
  ASSERT_EQ(strong.status, 200) << strong.body;
  EXPECT_FALSE(strong.json["data"]["weak"].GetBool()) << strong.body;
  EXPECT_EQ(strong.json["data"]["score"].GetInt(), 4);
  EXPECT_GT(strong.json["data"]["entropy_bits"].GetDouble(), w["entropy_bits"].GetDouble());
  EXPECT_EQ(strong.json["data"]["reasons"].Size(), 0u);
  EXPECT_EQ(strong.body.find(kStrong), std::string::npos);

  // user_inputs make a value that contains them weaker.
  auto named =
      api().Post("/secrets/checker/check",
                 R"({"type":"password","data":{"secret_string":"orders-db-prod","user_inputs":["orders-db-prod"]}})");
  ASSERT_EQ(named.status, 200) << named.body;
  EXPECT_LT(named.json["data"]["entropy_bits"].GetDouble(),
            Check("orders-db-prod").json["data"]["entropy_bits"].GetDouble());

  auto post = [&](const std::string& body) { return api().Post("/secrets/checker/check", body); };
  ExpectCsmsError(post(R"({"data":{"secret_string":"x"}})"), 400, "CSMS.0002", "type");
  ExpectCsmsError(post(R"({"type":"password"})"), 400, "CSMS.0002", "data");
  ExpectCsmsError(post(R"({"type":"password","data":"x"})"), 400, "CSMS.0002", "data");
  ExpectCsmsError(post(R"({"type":"password","data":{}})"), 400, "CSMS.0002", "secret_string");
  ExpectCsmsError(post(R"({"type":"password","data":{"secret_string":""}})"), 400, "CSMS.0002", "secret_string");
  ExpectCsmsError(Check(std::string(32769, 'x')), 400, "CSMS.0002", "secret_string");
  ExpectCsmsError(post(R"({"type":"","data":{"secret_string":"x"}})"), 400, "CSMS.0002", "type");
  EXPECT_EQ(Check(std::string(32768, 'x')).status, 200);
}

TEST_F(SecretCheckerTest, ConfigRoundTrip) {
  auto shown = api().Get("/secrets/checker/config");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.body, R"({"checking_secret_strength":false})");
  auto on = api().Post("/secrets/checker/config", R"({"checking_secret_strength":true})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(on.json["checking_secret_strength"].GetBool());
  EXPECT_TRUE(api().Get("/secrets/checker/config").json["checking_secret_strength"].GetBool());
  // An update without the field changes nothing.
  EXPECT_TRUE(api().Post("/secrets/checker/config", "{}").json["checking_secret_strength"].GetBool());
  EXPECT_TRUE(api().Post("/secrets/checker/config", "").json["checking_secret_strength"].GetBool());
  ExpectCsmsError(api().Post("/secrets/checker/config", R"({"checking_secret_strength":"false"})"), 400, "CSMS.0002",
                  "checking_secret_strength");
  EXPECT_TRUE(api().Get("/secrets/checker/config").json["checking_secret_strength"].GetBool());
  auto off = api().Post("/secrets/checker/config", R"({"checking_secret_strength":false})");
  EXPECT_FALSE(off.json["checking_secret_strength"].GetBool());
  EXPECT_FALSE(api().Get("/secrets/checker/config").json["checking_secret_strength"].GetBool());
}

TEST_F(SecretCheckerTest, WeakValuesAreAcceptedWhileTheFlagIsOff) {
  EXPECT_EQ(api().CreateSecret("weak-off", "password").status, 200);
  EXPECT_EQ(api().CreateVersion("weak-off", "123456").status, 200);
  auto r = api().Post("/secrets/batch-import", R"({"secrets":[{"name":"weak-import","secret_string":"qwerty"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["success"].GetInt(), 1) << r.body;
}

TEST_F(SecretCheckerTest, WeakValuesAreRefusedWhileTheFlagIsOn) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("existing", kStrong, "ev").status, 200);
  ASSERT_EQ(api().Post("/secrets/checker/config", R"({"checking_secret_strength":true})").status, 200);

  auto weak = api().CreateSecret("weak-on", "password", "ev");
  ExpectCsmsError(weak, 400, "CSMS.0002", "secret_string");
  EXPECT_NE(weak.body.find("weak"), std::string::npos) << weak.body;
  EXPECT_EQ(weak.body.find("\"password\""), std::string::npos) << weak.body;
  EXPECT_EQ(api().Get("/secrets/weak-on").status, 404);
  // A value made of the secret's own name is weak too.
  ExpectCsmsError(api().CreateSecret("orders-db-prod-2024", "orders-db-prod-2024"), 400, "CSMS.0002", "weak");

  EXPECT_EQ(api().CreateSecret("strong-on", kStrong).status, 200);
  // Binary values are data, not passwords: not checked.
  EXPECT_EQ(api().Post("/secrets", R"({"name":"bin","secret_binary":"AAAA"})").status, 200);

  ExpectCsmsError(api().CreateVersion("existing", "letmein"), 400, "CSMS.0002", "secret_string");
  EXPECT_EQ(api().CreateVersion("existing", "h9T!wQ2z#Lm4-second").status, 200);

  auto r = api().Post("/secrets/batch-import", R"({"secrets":[{"name":"imp-weak","secret_string":"qwerty"},)"
                                               R"({"name":"imp-strong","secret_string":")" +
                                                   std::string(kStrong) + R"("}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["success"].GetInt(), 1) << r.body;
  ASSERT_EQ(r.json["error_list"].Size(), 1u) << r.body;
  EXPECT_STREQ(r.json["error_list"][0]["name"].GetString(), "imp-weak");
  EXPECT_EQ(r.body.find("qwerty"), std::string::npos) << r.body;

  // The refused value fired nothing: existing has v1 and the strong v2 only.
  EXPECT_EQ(api().OutboxTypes("existing"),
            (std::vector<std::string>{"SECRET_VERSION_CREATED", "SECRET_VERSION_CREATED"}));
  EXPECT_TRUE(api().OutboxTypes("weak-on").empty());
}

// The flag is per project: two projects of one server.
class SecretCheckerIsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log"})) << server_.Log();
    auto cred = ReadInitialCredentials(server_.data_dir());
    std::string project_a = cred["project_id"], out;
    ASSERT_EQ(RunCsmsd({"admin", "--data-dir", server_.data_dir(), "create-project", "--name", "team-b"}, &out), 0)
        << out;
    auto id_pos = out.find("id=");
    ASSERT_NE(id_pos, std::string::npos) << out;
    std::string project_b = out.substr(id_pos + 3, 32);
    client_a_ = std::make_unique<HttpClient>(server_.port());
    client_b_ = std::make_unique<HttpClient>(server_.port());
    client_a_->set_token(GetToken(*client_a_, "admin", cred["password"], "csms", project_a));
    client_b_->set_token(GetToken(*client_b_, "admin", cred["password"], "csms", project_b));
    a_ = std::make_unique<SecretsApi>(client_a_.get(), project_a);
    b_ = std::make_unique<SecretsApi>(client_b_.get(), project_b);
  }
  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_a_, client_b_;
  std::unique_ptr<SecretsApi> a_, b_;
};

TEST_F(SecretCheckerIsolationTest, TheFlagIsPerProject) {
  ASSERT_EQ(a_->Post("/secrets/checker/config", R"({"checking_secret_strength":true})").status, 200);
  EXPECT_TRUE(a_->Get("/secrets/checker/config").json["checking_secret_strength"].GetBool());
  EXPECT_FALSE(b_->Get("/secrets/checker/config").json["checking_secret_strength"].GetBool());
  EXPECT_EQ(a_->CreateSecret("s", "password").status, 400);
  EXPECT_EQ(b_->CreateSecret("s", "password").status, 200);
  // Another project's config through one's own credentials: 403, nothing changed.
  auto cross = client_b_->Request("POST", a_->Path("/secrets/checker/config"), R"({"checking_secret_strength":false})");
  EXPECT_EQ(cross.status, 403) << cross.body;
  EXPECT_TRUE(a_->Get("/secrets/checker/config").json["checking_secret_strength"].GetBool());
}

}  // namespace
}  // namespace csms::test
