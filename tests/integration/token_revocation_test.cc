// Issue 14 item 12: tokens can be revoked (Keystone's DELETE /v3/auth/tokens), and a changed
// password or a disabled user takes the user's tokens with it, also when `csmsd admin` does it
// from another process while the server runs with the tokens in its cache.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/dev_server.h"
#include "support/signed_request.h"
#include "support/webhook_receiver.h"

namespace csms::test {
namespace {

using std::chrono::seconds;

class TokenRevocationTest : public DevServerTest {
 protected:
  HttpResult Use(HttpClient& c, const std::string& token) {
    return c.Request("GET", Path("/csms/events"), "", {{"X-Auth-Token", token}});
  }
  HttpResult Revoke(HttpClient& c, const std::string& auth, const std::string& subject) {
    Headers h = {{"X-Auth-Token", auth}};
    if (!subject.empty()) h.emplace_back("X-Subject-Token", subject);
    return c.Request("DELETE", "/v3/auth/tokens", "", h);
  }
};

TEST_F(TokenRevocationTest, RevokedTokenIsRefusedAtOnce) {
  HttpClient c(server_.port());
  std::string victim = GetToken(c, "admin", "admin", "csms", kDevProject);
  ASSERT_FALSE(victim.empty());
  ASSERT_EQ(Use(c, victim).status, 200);  // now in the server's token cache

  auto r = Revoke(c, token_, victim);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  r = Use(c, victim);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0301");
  EXPECT_EQ(Use(c, token_).status, 200) << "only the named token is revoked";

  // Revoking it again, or a token that never existed: 404, as Keystone.
  r = Revoke(c, token_, victim);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0005");
  EXPECT_EQ(Revoke(c, token_, "CSMSv1.deadbeef").status, 404);
  // No subject: 400; no caller: 401.
  r = Revoke(c, token_, "");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0002");
  r = c.Request("DELETE", "/v3/auth/tokens", "", {{"X-Subject-Token", token_}});
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(Use(c, token_).status, 200);

  // A token may revoke itself (logout).
  r = Revoke(c, token_, token_);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Use(c, token_).status, 401);
}

// An AK/SK-signed caller is authenticated like a token holder (the request reaches the revocation).
TEST_F(TokenRevocationTest, SignedCallersAreAuthenticatedToo) {
  HttpClient c(server_.port());
  AkSk dev{"DEVACCESSKEY0000CSMS", "devSecretKey0000000000000000000000000CSMS", ""};
  auto r = SignedRequest(c, dev, "DELETE", "/v3/auth/tokens", "", "");
  EXPECT_EQ(r.status, 400) << "a signed caller without X-Subject-Token: " << r.body;
  EXPECT_EQ(r.ErrorCode(), "CSMS.0002");
}

// A server on a data dir, with a second (read-only) user.
class AdminRevocationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start({"--no-access-log", "--no-delivery"})) << server_.Log();
    creds_ = ReadInitialCredentials(server_.data_dir());
    project_ = creds_["project_id"];
    ASSERT_EQ(project_.size(), 32u);
    RunAdmin(server_.data_dir(),
             {"create-user", "--name", "reader", "--password", "Reader-Passw0rd", "--role", "readonly"});
    client_ = std::make_unique<HttpClient>(server_.port());
  }
  HttpResult Use(const std::string& token) {
    return client_->Request("GET", "/v1/" + project_ + "/csms/events", "", {{"X-Auth-Token", token}});
  }
  HttpResult Revoke(const std::string& auth, const std::string& subject) {
    return client_->Request("DELETE", "/v3/auth/tokens", "", {{"X-Auth-Token", auth}, {"X-Subject-Token", subject}});
  }
  // True once `token` is refused (401) within a generous deadline. The server promises one second
  // for a revocation made by another process; the deadline only keeps a broken build from hanging.
  bool BecomesInvalid(const std::string& token) {
    return WaitUntil([&] { return Use(token).status == 401; }, std::chrono::milliseconds(15'000));
  }

  CsmsdProcess server_;
  std::map<std::string, std::string> creds_;
  std::string project_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(AdminRevocationTest, SetPasswordRevokesTheUsersTokens) {
  std::string admin = GetToken(*client_, "admin", creds_["password"], "csms", project_);
  std::string reader = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
  ASSERT_EQ(Use(admin).status, 200);  // cached by the server
  ASSERT_EQ(Use(reader).status, 200);

  int rc = 0;
  std::string out;
  RunAdmin(server_.data_dir(), {"set-password", "--name", "reader", "--password", "New-Reader-Passw0rd"}, &rc, &out);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_TRUE(BecomesInvalid(reader)) << "a token issued before the password change still works";
  auto r = Use(reader);
  EXPECT_EQ(r.ErrorCode(), "CSMS.0301") << r.body;
  EXPECT_EQ(Use(admin).status, 200) << "another user's tokens are untouched";

  // The old password no longer logs in; the new one does.
  auto old_login =
      client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody("reader", "Reader-Passw0rd", "csms", project_));
  EXPECT_EQ(old_login.status, 401);
  std::string fresh = GetToken(*client_, "reader", "New-Reader-Passw0rd", "csms", project_);
  EXPECT_EQ(Use(fresh).status, 200);
}

TEST_F(AdminRevocationTest, SetPasswordOnAStoppedServerRevokesToo) {
  std::string reader = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
  ASSERT_EQ(Use(reader).status, 200);
  ASSERT_EQ(server_.Stop(), 0);
  int rc = 0;
  RunAdmin(server_.data_dir(), {"set-password", "--name", "reader", "--password", "New-Reader-Passw0rd"}, &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_TRUE(server_.Start({"--no-access-log", "--no-delivery", "--data-dir", server_.data_dir()})) << server_.Log();
  client_ = std::make_unique<HttpClient>(server_.port());
  auto r = Use(reader);
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(AdminRevocationTest, DisabledUserLosesTokensLoginsAndKeys) {
  std::string reader = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
  AkSk key = CreateAccessKey(server_.data_dir(), "reader");
  ASSERT_EQ(Use(reader).status, 200);
  ASSERT_EQ(SignedRequest(*client_, key, "GET", "/v1/" + project_ + "/csms/events", "", project_).status, 200);

  int rc = 0;
  RunAdmin(server_.data_dir(), {"disable-user", "--name", "reader"}, &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_TRUE(BecomesInvalid(reader));
  auto login =
      client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody("reader", "Reader-Passw0rd", "csms", project_));
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(login.ErrorCode(), "CSMS.0305");
  auto signed_r = SignedRequest(*client_, key, "GET", "/v1/" + project_ + "/csms/events", "", project_);
  EXPECT_EQ(signed_r.status, 401) << signed_r.body;
  EXPECT_EQ(signed_r.ErrorCode(), "CSMS.0308");

  RunAdmin(server_.data_dir(), {"enable-user", "--name", "reader"}, &rc);
  ASSERT_EQ(rc, 0);
  std::string again = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
  EXPECT_EQ(Use(again).status, 200);
  EXPECT_EQ(Use(reader).status, 401) << "re-enabling does not bring old tokens back";
}

TEST_F(AdminRevocationTest, UsersRevokeTheirOwnTokensAdminsTheirDomains) {
  std::string admin = GetToken(*client_, "admin", creds_["password"], "csms", project_);
  std::string reader = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
  std::string reader2 = GetToken(*client_, "reader", "Reader-Passw0rd", "csms", project_);
  // A read-only user cannot revoke someone else's token, and learns nothing about it.
  auto r = Revoke(reader, admin);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(Use(admin).status, 200);
  // It may revoke its own.
  r = Revoke(reader, reader2);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Use(reader2).status, 401);
  // The admin may revoke the tokens of its domain's users.
  r = Revoke(admin, reader);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Use(reader).status, 401);
}

}  // namespace
}  // namespace csms::test
