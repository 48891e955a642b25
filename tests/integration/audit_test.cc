// Issue 15 item 1: the audit log over real HTTP. A run of requests (a failed login, a signature
// failure, a secret value read, a write) produces the expected lines and no secret material; the
// chain verifies with `csmsd admin audit verify`, also across rotated files, and a changed, removed
// or moved line is found; cached reads are audited too; a log that cannot be written fails the
// request and the write does not happen.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/audit_lines.h"
#include "support/dev_server.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

constexpr const char* kValue = "Value-0f-The-Secret-7c1d";
constexpr const char* kWrongPassword = "Not-The-Password-41";

std::string FileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Verify(const std::vector<std::string>& files, std::string* output) {
  std::vector<std::string> args = {"admin", "audit", "verify"};
  args.insert(args.end(), files.begin(), files.end());
  return RunCsmsd(args, output);
}

class AuditTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--audit-file", audit_path_}; }
  std::string audit_path_ = server_.dir() + "/audit.log";
  SecretsApi api() { return SecretsApi(client_.get(), kDevProject); }
};

TEST_F(AuditTest, RequestsBecomeLinesWithoutSecretMaterial) {
  auto r =
      client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody(kDevUser, kWrongPassword, kDevDomain, kDevProject),
                       {{"X-Auth-Token", ""}});
  ASSERT_EQ(r.status, 401) << r.body;
  ASSERT_EQ(api().CreateSecret("audited", kValue).status, 200);
  r = api().Get("/secrets/audited/versions/latest");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_NE(r.body.find(kValue), std::string::npos);
  AkSk wrong{kDevAk, "wrongSecretKey000000000000000000000000000", ""};
  r = SignedRequest(*client_, wrong, "GET", Path("/secrets"), "", kDevProject);
  ASSERT_EQ(r.status, 401) << r.body;
  AkSk right{kDevAk, kDevSk, ""};
  r = SignedRequest(*client_, right, "GET", Path("/secrets/audited/versions/latest"), "", kDevProject);
  ASSERT_EQ(r.status, 200) << r.body;

  auto lines = ReadAuditLines(audit_path_);
  ASSERT_GE(lines.size(), 7u);
  auto find = [&](auto pred) { return std::find_if(lines.begin(), lines.end(), pred); };

  // The fixture's login, then the failed one: who tried, from where, with what result.
  auto login = find([](const AuditLine& l) { return l.action() == "iam:tokens:create" && l.status() == 201; });
  ASSERT_NE(login, lines.end());
  EXPECT_EQ(login->type(), "response");
  EXPECT_EQ(login->principal("auth"), "password");
  EXPECT_EQ(login->principal("user_name"), kDevUser);
  EXPECT_EQ(login->principal("user_id").size(), 32u) << login->text;
  EXPECT_EQ(Str(*login->json, "source"), "127.0.0.1");
  auto failed_login = find([](const AuditLine& l) { return l.action() == "iam:tokens:create" && l.status() == 401; });
  ASSERT_NE(failed_login, lines.end());
  EXPECT_EQ(failed_login->type(), "auth_failure");
  EXPECT_EQ(failed_login->principal("user_name"), kDevUser);
  EXPECT_EQ(failed_login->error_code(), "CSMS.0305");

  // The write: a "request" line before it ran, then its outcome.
  auto before = find([](const AuditLine& l) { return l.action() == "csms:secret:create" && l.type() == "request"; });
  auto after = find([](const AuditLine& l) { return l.action() == "csms:secret:create" && l.type() == "response"; });
  ASSERT_NE(before, lines.end());
  ASSERT_NE(after, lines.end());
  EXPECT_LT(before - lines.begin(), after - lines.begin());
  EXPECT_EQ(Str(*after->json, "request_id"), Str(*before->json, "request_id"));
  EXPECT_EQ(after->status(), 200);
  EXPECT_EQ(after->principal("auth"), "token");
  EXPECT_EQ(after->principal("token_hmac").rfind("hmac-sha256:", 0), 0u) << after->text;

  // The value reads, by token and by signature.
  int reads = 0;
  for (const auto& l : lines) {
    if (l.action() != "csms:secret:getVersion") continue;
    ++reads;
    EXPECT_EQ(l.resource("secret"), "audited");
    EXPECT_EQ(l.resource("version"), "latest");
    EXPECT_EQ(l.resource("project"), kDevProject);
    EXPECT_EQ(Str(*l.json, "outcome"), "success");
    EXPECT_EQ(l.principal("user_name"), kDevUser);
  }
  EXPECT_EQ(reads, 2);
  auto bad_signature =
      find([](const AuditLine& l) { return l.type() == "auth_failure" && l.principal("auth") == "aksk"; });
  ASSERT_NE(bad_signature, lines.end());
  EXPECT_EQ(bad_signature->principal("access_key"), kDevAk);
  EXPECT_EQ(bad_signature->error_code(), "CSMS.0304");
  EXPECT_EQ(bad_signature->status(), 401);

  // No value, password, token, signature or secret key anywhere.
  std::string text = FileText(audit_path_);
  EXPECT_EQ(text.find(kValue), std::string::npos);
  EXPECT_EQ(text.find(kWrongPassword), std::string::npos);
  EXPECT_EQ(text.find(token_), std::string::npos);
  EXPECT_EQ(text.find(kDevSk), std::string::npos);
  EXPECT_EQ(text.find("wrongSecretKey"), std::string::npos);
  EXPECT_EQ(text.find("Signature="), std::string::npos);

  std::string out;
  EXPECT_EQ(Verify({audit_path_}, &out), 0) << out;
  EXPECT_NE(out.find("verified=true"), std::string::npos) << out;
}

TEST_F(AuditTest, ReadsAnsweredFromMemoryAreAuditedToo) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  // A show and a list repeated at once would be answered from memory on the I/O thread without
  // an audit log; with one, each still leaves its line.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(api().Get("/csms/events/ev").status, 200);
    ASSERT_EQ(api().Get("/csms/events").status, 200);
  }
  auto lines = ReadAuditLines(audit_path_);
  int shows = 0, lists = 0;
  for (const auto& l : lines) {
    if (l.action() == "csms:event:get" && l.resource("event") == "ev") ++shows;
    if (l.action() == "csms:event:list") ++lists;
  }
  EXPECT_EQ(shows, 3);
  EXPECT_EQ(lists, 3);
}

TEST_F(AuditTest, VerifyFindsAChangedARemovedAndAMovedLine) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(api().Get("/secrets").status, 200);
  auto original = ReadTextLines(audit_path_);
  ASSERT_GE(original.size(), 6u);
  std::string copy = server_.dir() + "/copy.log";
  std::string out;

  auto changed = original;
  size_t pos = changed[2].find("\"status\":200");
  ASSERT_NE(pos, std::string::npos) << changed[2];
  changed[2].replace(pos, 12, "\"status\":404");
  WriteTextLines(copy, changed);
  EXPECT_EQ(Verify({copy}, &out), 1) << out;
  EXPECT_NE(out.find("line=4"), std::string::npos) << out;

  auto removed = original;
  removed.erase(removed.begin() + 3);
  WriteTextLines(copy, removed);
  EXPECT_EQ(Verify({copy}, &out), 1) << out;
  EXPECT_NE(out.find("line=4"), std::string::npos) << out;

  auto moved = original;
  std::swap(moved[1], moved[2]);
  WriteTextLines(copy, moved);
  EXPECT_EQ(Verify({copy}, &out), 1) << out;
  EXPECT_NE(out.find("line=2"), std::string::npos) << out;

  WriteTextLines(copy, original);
  EXPECT_EQ(Verify({copy}, &out), 0) << out;
}

class AuditRotationTest : public AuditTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--audit-file", audit_path_, "--audit-max-bytes", "2000"}; }
};

TEST_F(AuditRotationTest, TheChainContinuesAcrossRotatedFiles) {
  for (int i = 0; i < 20; ++i) ASSERT_EQ(api().Get("/secrets").status, 200);
  std::vector<std::string> files;
  for (int i = 1;; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "/audit.log.%06d", i);
    if (!std::ifstream(server_.dir() + name)) break;
    files.push_back(server_.dir() + name);
  }
  ASSERT_GE(files.size(), 2u);
  for (const auto& f : files) EXPECT_LE(FileText(f).size(), 2000u) << f;
  files.push_back(audit_path_);
  std::string out;
  EXPECT_EQ(Verify(files, &out), 0) << out;
  EXPECT_NE(out.find("verified=true"), std::string::npos) << out;
  // Leaving out a file in the middle is a broken link at the first line of the next.
  std::vector<std::string> gap = files;
  gap.erase(gap.begin() + 1);
  EXPECT_EQ(Verify(gap, &out), 1) << out;
  EXPECT_NE(out.find("line=1"), std::string::npos) << out;
}

// A log that cannot be written (a full disk: /dev/full) fails the request with 503 and the CSMS
// body, and the write it would have made does not happen.
TEST(AuditFailureTest, AnUnwritableLogFailsTheRequestAndChangesNothing) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  auto creds = ReadInitialCredentials(server.data_dir());
  HttpClient client(server.port());
  std::string token =
      GetToken(client, creds["user_name"], creds["password"], creds["domain_name"], creds["project_id"]);
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(server.Stop(), 0);

  ASSERT_TRUE(server.Start({"--no-access-log", "--audit-file", "/dev/full"})) << server.Log();
  HttpClient failing(server.port());
  failing.set_token(token);
  SecretsApi api(&failing, creds["project_id"]);
  auto r = api.CreateSecret("never", "v");
  ExpectCsmsError(r, 503, "CSMS.0010", "audit");
  EXPECT_FALSE(r.Header("retry-after").empty());
  r = api.Get("/secrets");
  ExpectCsmsError(r, 503, "CSMS.0010", "audit");
  ASSERT_EQ(server.Stop(), 0);

  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  HttpClient after(server.port());
  after.set_token(token);
  SecretsApi check(&after, creds["project_id"]);
  EXPECT_EQ(check.Get("/secrets/never").status, 404) << "the refused write did not happen";
}

}  // namespace
}  // namespace csms::test
