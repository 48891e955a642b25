// Issue 11: the users API — ListUsers (offset/limit 10..100, user_info), ShowUserDetail, and
// UpdateUserPassword (the caller's own password: old one checked, policy applied, tokens revoked).
#include <gtest/gtest.h>

#include <string>

#include "support/dev_server.h"
#include "support/grant_helpers.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

class UsersApiTest : public DevServerTest {
 protected:
  HttpResult List(const std::string& query) { return client_->Request("GET", "/v1/csms/users" + query); }
  HttpResult ChangePassword(const std::string& token, const std::string& body) {
    return client_->Request("POST", "/v1/csms/users/change-password", body, {{"X-Auth-Token", token}});
  }
  static std::string PasswordBody(const std::string& old_password, const std::string& password) {
    return R"({"old_password":)" + JsonString(old_password) + R"(,"password":)" + JsonString(password) + "}";
  }
  HttpResult UseAs(const std::string& token) {
    return client_->Request("GET", Path("/secrets"), "", {{"X-Auth-Token", token}});
  }
};

TEST_F(UsersApiTest, ListsTheUsersOfTheDomainWithTheirDetails) {
  auto r = List("?offset=0&limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"].GetInt64(), 2);
  ASSERT_EQ(r.json["users"].Size(), 2u);
  EXPECT_EQ(std::string(r.json["users"][0]["user_name"].GetString()), "admin");
  EXPECT_EQ(std::string(r.json["users"][1]["user_name"].GetString()), "reader");
  const auto& u = r.json["users"][0];
  EXPECT_EQ(std::string(u["user_id"].GetString()).size(), 32u);
  for (const char* null_field : {"org_id", "name", "mobile", "email", "grade", "extension", "pwd_change_at"}) {
    EXPECT_TRUE(u[null_field].IsNull()) << null_field << " in " << r.body;
  }
  EXPECT_FALSE(u["disabled"].GetBool());
  EXPECT_FALSE(u["locked"].GetBool());
  EXPECT_FALSE(u["pwd_must_modify"].GetBool());
  EXPECT_TRUE(u["created_at"].IsInt64());
  EXPECT_TRUE(u["user_org_relation_list"].IsArray());

  r = List("?offset=1&limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"].GetInt64(), 2) << "total counts every page";
  ASSERT_EQ(r.json["users"].Size(), 1u);
  EXPECT_EQ(std::string(r.json["users"][0]["user_name"].GetString()), "reader");

  r = List("?offset=0&limit=10&user_info=ead");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"].GetInt64(), 1);
  EXPECT_EQ(std::string(r.json["users"][0]["user_name"].GetString()), "reader");
  r = List("?offset=0&limit=10&user_info=%25");  // '%' is a plain character, not a wildcard
  EXPECT_EQ(r.json["total"].GetInt64(), 0) << r.body;
  r = List("?offset=0&limit=10&org_id=some-org");  // csms has no organisations: nobody is in one
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"].GetInt64(), 0) << r.body;

  // A read-only user may list and show users too.
  std::string reader = GetToken(*client_, kDevReader, kDevReaderPassword, kDevDomain, kDevProject);
  r = client_->Request("GET", "/v1/csms/users?offset=0&limit=10", "", {{"X-Auth-Token", reader}});
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(UsersApiTest, ListParametersAreRequiredAndBounded) {
  for (const char* q : {"", "?limit=10", "?offset=0", "?offset=0&limit=9", "?offset=0&limit=101", "?offset=-1&limit=10",
                        "?offset=x&limit=10", "?offset=0&limit=1e1", "?offset=99999999999999999999&limit=10"}) {
    ExpectCsmsError(List(q), 400, "CSMS.0002");
  }
  ExpectCsmsError(List("?offset=0&limit=10&user_info=" + std::string(65, 'a')), 400, "CSMS.0002", "user_info");
  auto r = List("?offset=0&limit=100");
  EXPECT_EQ(r.status, 200) << r.body;
  r = List("?offset=5&limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["users"].Size(), 0u);
  EXPECT_EQ(r.json["total"].GetInt64(), 2);
}

TEST_F(UsersApiTest, ShowsOneUserOfTheDomain) {
  std::string id = UserIdByName(*client_, token_, "reader");
  auto r = client_->Request("GET", "/v1/csms/users/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json["user_id"].GetString()), id);
  EXPECT_EQ(std::string(r.json["user_name"].GetString()), "reader");
  EXPECT_EQ(std::string(r.json["domain_id"].GetString()), "fedcba9876543210fedcba9876543210");
  ExpectCsmsError(client_->Request("GET", "/v1/csms/users/0123456789abcdef0123456789abcdef"), 404, "CSMS.0005");
  ExpectCsmsError(client_->Request("GET", "/v1/csms/users/" + std::string(65, 'a')), 404, "CSMS.0005");
  ExpectCsmsError(client_->Request("GET", "/v1/csms/users/" + id, "", {{"X-Auth-Token", "CSMSv1.nope"}}), 401,
                  "CSMS.0301");
}

TEST_F(UsersApiTest, ChangePasswordChecksTheOldOneAppliesThePolicyAndRevokesTokens) {
  std::string reader = GetToken(*client_, kDevReader, kDevReaderPassword, kDevDomain, kDevProject);
  std::string reader2 = GetToken(*client_, kDevReader, kDevReaderPassword, kDevDomain, kDevProject);
  ASSERT_EQ(UseAs(reader).status, 200);  // cached by the server
  ASSERT_EQ(UseAs(reader2).status, 200);
  const std::string fresh = "Fresh-Passw0rd-1";

  ExpectCsmsError(ChangePassword(reader, PasswordBody("wrong-old", fresh)), 400, "CSMS.0313", "old_password");
  ExpectCsmsError(ChangePassword(reader, R"({"password":"Fresh-Passw0rd-1"})"), 400, "CSMS.0002", "old_password");
  ExpectCsmsError(ChangePassword(reader, R"({"old_password":"reader"})"), 400, "CSMS.0002", "password");
  ExpectCsmsError(ChangePassword(reader, "not json"), 400, "CSMS.0004");
  // The policy: length, classes, not the user name.
  ExpectCsmsError(ChangePassword(reader, PasswordBody(kDevReaderPassword, "Sh0rt!")), 400, "CSMS.0314", "characters");
  ExpectCsmsError(ChangePassword(reader, PasswordBody(kDevReaderPassword, "alllowercaseletters")), 400, "CSMS.0314");
  ExpectCsmsError(ChangePassword(reader, PasswordBody(kDevReaderPassword, std::string(129, 'a') + "A1")), 400,
                  "CSMS.0314");
  ExpectCsmsError(ChangePassword(reader, PasswordBody(kDevReaderPassword, "Tab\tPassw0rd!")), 400, "CSMS.0314");
  // None of those changed anything.
  EXPECT_EQ(UseAs(reader).status, 200);
  EXPECT_EQ(GetToken(*client_, kDevReader, kDevReaderPassword, kDevDomain, kDevProject).empty(), false);

  auto r = ChangePassword(reader, PasswordBody(kDevReaderPassword, fresh));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string reader_id = UserIdByName(*client_, token_, "reader");
  EXPECT_EQ(std::string(r.json["user_id"].GetString()), reader_id);

  // Every token of the user is revoked at once, the caller's own too; other users keep theirs.
  ExpectCsmsError(UseAs(reader), 401, "CSMS.0301");
  ExpectCsmsError(UseAs(reader2), 401, "CSMS.0301");
  EXPECT_EQ(UseAs(token_).status, 200);
  // The old password no longer logs in; the new one does.
  auto old_login = client_->Request("POST", "/v3/auth/tokens",
                                    PasswordAuthBody(kDevReader, kDevReaderPassword, kDevDomain, kDevProject));
  EXPECT_EQ(old_login.status, 401) << old_login.body;
  std::string renewed = GetToken(*client_, kDevReader, fresh, kDevDomain, kDevProject);
  ASSERT_FALSE(renewed.empty());
  EXPECT_EQ(UseAs(renewed).status, 200);
  // The detail shows the change.
  r = client_->Request("GET", "/v1/csms/users/" + reader_id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["pwd_change_at"].IsInt64()) << r.body;
  EXPECT_TRUE(r.json["updated_at"].IsInt64()) << r.body;

  // Not the same again (the user-name rules: tests/unit/grant_rules_test.cc).
  ExpectCsmsError(ChangePassword(renewed, PasswordBody(fresh, fresh)), 400, "CSMS.0314", "old");
}

}  // namespace
}  // namespace csms::test
