// The per-user brute-force bucket is one bucket per user (docs/auth.md#brute-force-limits): a
// login naming the domain by name, one naming it by id, and a password change all draw on the
// same bucket, so switching spellings gives no fresh attempts. An unknown user is treated alike
// (both spellings of an existing domain share its bucket), so a lockout does not tell which users
// exist. The address bucket is made large here so that only the user's bucket can refuse.
#include <gtest/gtest.h>

#include <string>

#include "json/writer.h"
#include "support/dev_server.h"
#include "support/secrets_helpers.h"

namespace csms::test {
namespace {

class BruteForceSubjectTest : public DevServerTest {
 protected:
  // Per user: 3 failures in a row, then one per 10 s (no attempt drips back during a test).
  std::vector<std::string> ExtraArgs() override {
    return {"--auth-limit-rate",         "6", "--auth-limit-burst",         "3",
            "--auth-limit-address-rate", "6", "--auth-limit-address-burst", "100"};
  }
  void SetUp() override {
    DevServerTest::SetUp();
    auto r = LoginByName(kDevUser, kDevPassword);
    ASSERT_EQ(r.status, 201) << r.body;
    domain_id_ = r.json["token"]["user"]["domain"]["id"].GetString();
  }
  HttpResult Login(const std::string& user, const std::string& password, const char* domain_key,
                   const std::string& domain) {
    json::Writer w;
    w.StartObject().Key("auth").StartObject();
    w.Key("identity").StartObject().Key("methods").StartArray().String("password").EndArray();
    w.Key("password").StartObject().Key("user").StartObject().Field("name", user).Field("password", password);
    w.Key("domain").StartObject().Field(domain_key, domain).EndObject();
    w.EndObject().EndObject().EndObject();
    w.Key("scope").StartObject().Key("project").StartObject().Field("id", kDevProject).EndObject().EndObject();
    w.EndObject().EndObject();
    return client_->Request("POST", "/v3/auth/tokens", w.Take(), {{"X-Auth-Token", ""}});
  }
  HttpResult LoginByName(const std::string& user, const std::string& password) {
    return Login(user, password, "name", kDevDomain);
  }
  HttpResult LoginById(const std::string& user, const std::string& password) {
    return Login(user, password, "id", domain_id_);
  }
  std::string domain_id_;
};

TEST_F(BruteForceSubjectTest, NamingTheDomainByIdGivesNoFreshAttempts) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(LoginByName(kDevUser, "wrong").status, 401) << i;
  ExpectCsmsError(LoginByName(kDevUser, kDevPassword), 429, "CSMS.0315");
  // The same user, its domain named by id: the same, empty, bucket.
  ExpectCsmsError(LoginById(kDevUser, "wrong"), 429, "CSMS.0315");
  ExpectCsmsError(LoginById(kDevUser, kDevPassword), 429, "CSMS.0315");
  // Another user is not locked.
  EXPECT_EQ(LoginById(kDevReader, kDevReaderPassword).status, 201);
}

TEST_F(BruteForceSubjectTest, PasswordChangesAndLoginsShareTheBucket) {
  auto change = [&](const std::string& old_password) {
    return client_->Request("POST", "/v1/csms/users/change-password",
                            R"({"old_password":")" + old_password + R"(","password":"N3w-Passw0rd-long"})");
  };
  ASSERT_EQ(change("wrong").status, 400);
  ASSERT_EQ(LoginById(kDevUser, "wrong").status, 401);
  ASSERT_EQ(LoginByName(kDevUser, "wrong").status, 401);
  // Three failures, by three routes: the fourth attempt is refused on each of them.
  ExpectCsmsError(change("wrong"), 429, "CSMS.0315");
  ExpectCsmsError(LoginByName(kDevUser, kDevPassword), 429, "CSMS.0315");
  ExpectCsmsError(LoginById(kDevUser, kDevPassword), 429, "CSMS.0315");
}

TEST_F(BruteForceSubjectTest, AnUnknownUserIsLimitedTheSameWay) {
  // What a known user's lockout looks like, an unknown user's looks like too: no enumeration.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(LoginByName("nobody", "wrong").status, 401) << i;
  ExpectCsmsError(LoginById("nobody", "wrong"), 429, "CSMS.0315");
}

}  // namespace
}  // namespace csms::test
