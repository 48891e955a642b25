// `csmsd admin create-user` and `set-password` apply the API's password policy (the one
// UpdateUserPassword applies, domain/password_policy.h): a weak password is refused with a message
// saying why, and nothing changes; a password the policy accepts works as before.
#include <gtest/gtest.h>

#include <string>

#include "support/csmsd_process.h"
#include "support/dev_server.h"
#include "support/http_client.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

class AdminPasswordPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log"})) << server_.Log();
    cred_ = ReadInitialCredentials(server_.data_dir());
    client_ = std::make_unique<HttpClient>(server_.port());
  }
  int Admin(const std::vector<std::string>& args, std::string* out) {
    std::vector<std::string> all = {"admin", "--data-dir", server_.data_dir()};
    all.insert(all.end(), args.begin(), args.end());
    return RunCsmsd(all, out);
  }
  int Login(const std::string& user, const std::string& password) {
    return client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody(user, password, "csms", cred_["project_id"]))
        .status;
  }
  CsmsdProcess server_;
  std::map<std::string, std::string> cred_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(AdminPasswordPolicyTest, CreateUserRefusesWhatTheApiRefuses) {
  std::string out;
  // Two character classes: the API's change-password refuses it (CSMS.0314), so does admin.
  EXPECT_NE(Admin({"create-user", "--name", "mallory", "--password", "mallorypass1"}, &out), 0) << out;
  EXPECT_NE(out.find("password must mix at least 3"), std::string::npos) << out;
  EXPECT_EQ(out.find("id="), std::string::npos) << "no user was created: " << out;
  EXPECT_NE(Admin({"create-user", "--name", "mallory", "--password", "Mallory1"}, &out), 0) << "too short: " << out;
  EXPECT_NE(Admin({"create-user", "--name", "Mallory-Pass1", "--password", "Mallory-Pass1"}, &out), 0)
      << "the user name: " << out;
  EXPECT_EQ(Login("mallory", "mallorypass1"), 401);

  // A password the policy accepts creates the user, who can log in with it.
  ASSERT_EQ(Admin({"create-user", "--name", "mallory", "--password", "Mallory-Pass1"}, &out), 0) << out;
  EXPECT_EQ(Login("mallory", "Mallory-Pass1"), 201);
}

TEST_F(AdminPasswordPolicyTest, SetPasswordRefusesWhatTheApiRefuses) {
  std::string out;
  EXPECT_NE(Admin({"set-password", "--name", "admin", "--password", "mallorypass1"}, &out), 0) << out;
  EXPECT_NE(out.find("password must mix at least 3"), std::string::npos) << out;
  // Nothing changed: the old password still works, the weak one does not.
  EXPECT_EQ(Login("admin", "mallorypass1"), 401);
  EXPECT_EQ(Login("admin", cred_["password"]), 201);

  ASSERT_EQ(Admin({"set-password", "--name", "admin", "--password", "Admin-Passw0rd"}, &out), 0) << out;
  EXPECT_EQ(Login("admin", "Admin-Passw0rd"), 201);
}

}  // namespace
}  // namespace csms::test
