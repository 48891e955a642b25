// Issue 15 item 5: brute-force limits on credentials over real HTTP. Wrong passwords drain the
// user's bucket (429 + Retry-After + CSMS.0315, the right password refused too, accepted again
// once the bucket refills); the address bucket limits every user of one address; AK/SK signature
// failures and wrong old passwords are limited the same way; lockouts are audited. Rates are
// short and the refill is polled for, never slept for.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/audit_lines.h"
#include "support/dev_server.h"
#include "support/raw_socket.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

using std::chrono::seconds;

class BruteForceTest : public DevServerTest {
 protected:
  // Per user / AK: 3 failures in a row, then one per 10 s. Per address: 6, then one per 10 s. (Slow
  // enough that no attempt drips back while a test makes its failures, even on a loaded machine.)
  std::vector<std::string> ExtraArgs() override {
    return {"--auth-limit-rate",          "6", "--auth-limit-burst", "3",        "--auth-limit-address-rate", "6",
            "--auth-limit-address-burst", "6", "--audit-file",       audit_path_};
  }
  HttpResult Login(const std::string& user, const std::string& password) {
    return client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody(user, password, kDevDomain, kDevProject),
                            {{"X-Auth-Token", ""}});
  }
  std::string audit_path_ = server_.dir() + "/audit.log";
};

TEST_F(BruteForceTest, WrongPasswordsLockTheUserUntilTheBucketRefills) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Login(kDevUser, "wrong").status, 401) << i;
  auto r = Login(kDevUser, "wrong");
  ExpectCsmsError(r, 429, "CSMS.0315");
  int retry_after = std::stoi(r.Header("retry-after").empty() ? "0" : r.Header("retry-after"));
  EXPECT_GE(retry_after, 1) << r.Header("retry-after");
  EXPECT_LE(retry_after, 10);
  // While locked even the right password is refused (it is never checked).
  r = Login(kDevUser, kDevPassword);
  ExpectCsmsError(r, 429, "CSMS.0315");
  // Another user from the same address is not locked by admin's bucket (the address has room).
  EXPECT_EQ(Login(kDevReader, kDevReaderPassword).status, 201);
  // Once a token has dripped back in, the right password works again.
  EXPECT_TRUE(WaitUntil([&] { return Login(kDevUser, kDevPassword).status == 201; }, seconds(60)));

  // The lockout is in the audit log, naming the user and the address.
  bool found = false;
  for (const auto& l : ReadAuditLines(audit_path_)) {
    if (l.type() != "lockout") continue;
    found = true;
    EXPECT_EQ(l.principal("user_name"), kDevUser);
    EXPECT_EQ(l.status(), 429);
    EXPECT_EQ(l.error_code(), "CSMS.0315");
    EXPECT_EQ(Str(*l.json, "source"), "127.0.0.1");
  }
  EXPECT_TRUE(found);
}

TEST_F(BruteForceTest, TheAddressBucketLimitsEveryUserOfTheAddress) {
  // Six failures for six different (unknown) users: each user's own bucket still has room...
  for (int i = 0; i < 6; ++i) ASSERT_EQ(Login("nobody" + std::to_string(i), "wrong").status, 401) << i;
  // ...but the address has none: a different user, with the right password, is refused.
  auto r = Login(kDevReader, kDevReaderPassword);
  ExpectCsmsError(r, 429, "CSMS.0315");
  EXPECT_FALSE(r.Header("retry-after").empty());
  EXPECT_TRUE(WaitUntil([&] { return Login(kDevReader, kDevReaderPassword).status == 201; }, seconds(60)));
}

// A slow address refill (one per 10 s), moved by the --dev clock rather than by waiting.
class SlowAddressRefillTest : public BruteForceTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--auth-limit-address-rate", "6", "--auth-limit-address-burst", "3"};
  }
};

TEST_F(SlowAddressRefillTest, ASuccessDoesNotResetTheAddressBucket) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Login("nobody" + std::to_string(i), "wrong").status, 401) << i;
  ExpectCsmsError(Login(kDevUser, kDevPassword), 429, "CSMS.0315");
  // One attempt drips back (10 s of the server's clock): the right password uses it and succeeds...
  ASSERT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":10000})").status, 200);
  ASSERT_EQ(Login(kDevUser, kDevPassword).status, 201);
  // ...which gives back only its own attempt: one more failure drains the address again.
  EXPECT_EQ(Login("nobody9", "wrong").status, 401);
  ExpectCsmsError(Login("nobody10", "wrong"), 429, "CSMS.0315");
}

// A signed request sent over a raw connection from `source_ip`: its status, 0 when none came.
int SignedFrom(const char* source_ip, uint16_t port, HttpClient& client, const AkSk& cred, const std::string& target) {
  SignedParts p = MakeSigned(client, cred, "GET", target, "", kDevProject);
  p.Sign(cred, NowSeconds());
  std::string bytes = "GET " + target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : p.headers) bytes += name + ": " + value + "\r\n";
  bytes += "authorization: " + p.authorization + "\r\n\r\n";
  RawConnection conn(port, source_ip);
  EXPECT_TRUE(conn.connected()) << "cannot connect from " << source_ip << " (all of 127/8 is loopback on Linux)";
  if (!conn.connected() || !conn.Send(bytes)) return 0;
  auto res = conn.ReadResponse(std::chrono::seconds(20));
  return res ? res->status : 0;
}

TEST_F(BruteForceTest, SignatureFailuresLockTheAccessKey) {
  AkSk wrong{kDevAk, "wrongSecretKey000000000000000000000000000", ""};
  AkSk right{kDevAk, kDevSk, ""};
  ASSERT_EQ(SignedRequest(*client_, right, "GET", Path("/secrets"), "", kDevProject).status, 200)
      << "successes cost nothing";
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(SignedRequest(*client_, wrong, "GET", Path("/secrets"), "", kDevProject).status, 401) << i;
  }
  auto r = SignedRequest(*client_, right, "GET", Path("/secrets"), "", kDevProject);
  ExpectCsmsError(r, 429, "CSMS.0315");
  EXPECT_FALSE(r.Header("retry-after").empty());
  // Tokens of the same user are not access keys: still served.
  EXPECT_EQ(client_->Request("GET", Path("/secrets")).status, 200);
  // Only from the address that failed: an access key is not a secret (every request names it), and
  // its secret key cannot be guessed online, so locking the key everywhere would only let anyone
  // who saw it shut its clients out. A client elsewhere is served, and its own failures lock it alone.
  EXPECT_EQ(SignedFrom("127.0.0.2", server_.port(), *client_, right, Path("/secrets")), 200);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(SignedFrom("127.0.0.3", server_.port(), *client_, wrong, Path("/secrets")), 401);
  EXPECT_EQ(SignedFrom("127.0.0.3", server_.port(), *client_, right, Path("/secrets")), 429);
  EXPECT_EQ(SignedFrom("127.0.0.2", server_.port(), *client_, right, Path("/secrets")), 200);
  EXPECT_TRUE(
      WaitUntil([&] { return SignedRequest(*client_, right, "GET", Path("/secrets"), "", kDevProject).status == 200; },
                seconds(60)));
}

TEST_F(BruteForceTest, WrongOldPasswordsAreLimitedToo) {
  auto change = [&](const std::string& old_password) {
    return client_->Request("POST", "/v1/csms/users/change-password",
                            R"({"old_password":")" + old_password + R"(","password":"N3w-Passw0rd-long"})");
  };
  for (int i = 0; i < 3; ++i) ASSERT_EQ(change("wrong").status, 400) << i;
  ExpectCsmsError(change("wrong"), 429, "CSMS.0315");
}

}  // namespace
}  // namespace csms::test
