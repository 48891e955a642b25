// Operator-facing behaviour with no other test: `csmsd admin set-password` and `list-projects`,
// TLS start-up with a missing or bad certificate, `--record-retention-days` as seen over HTTP,
// and the background scheduler firing a trigger with no manual tick.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "support/delivery_helpers.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- csmsd admin set-password / list-projects ----------------------------------------------

TEST(AdminCommands, SetPasswordReplacesTheOldOneForNewTokens) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  auto cred = ReadInitialCredentials(server.data_dir());
  HttpClient client(server.port());
  std::string body_old = PasswordAuthBody("admin", cred["password"], "csms", cred["project_id"]);
  ASSERT_EQ(client.Request("POST", "/v3/auth/tokens", body_old).status, 201);

  std::string out;
  ASSERT_EQ(RunCsmsd({"admin", "--data-dir", server.data_dir(), "set-password", "--name", "admin", "--password",
                      "a-new-password-123"},
                     &out),
            0)
      << out;
  EXPECT_EQ(out.find("a-new-password-123"), std::string::npos) << "the password is not echoed: " << out;

  auto old_answer = client.Request("POST", "/v3/auth/tokens", body_old);
  EXPECT_EQ(old_answer.status, 401) << old_answer.body;
  auto new_answer = client.Request("POST", "/v3/auth/tokens",
                                   PasswordAuthBody("admin", "a-new-password-123", "csms", cred["project_id"]));
  EXPECT_EQ(new_answer.status, 201) << new_answer.body;

  // An unknown user is an error, not a silent success.
  EXPECT_NE(RunCsmsd({"admin", "--data-dir", server.data_dir(), "set-password", "--name", "nobody", "--password",
                      "whatever-123456"},
                     &out),
            0)
      << out;
}

TEST(AdminCommands, ListProjectsShowsEveryProjectOfTheDomain) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log"})) << server.Log();
  auto cred = ReadInitialCredentials(server.data_dir());
  std::string out;
  ASSERT_EQ(RunCsmsd({"admin", "--data-dir", server.data_dir(), "create-project", "--name", "team-b"}, &out), 0) << out;
  auto id_pos = out.find("id=");
  ASSERT_NE(id_pos, std::string::npos) << out;
  std::string project_b = out.substr(id_pos + 3, 32);

  ASSERT_EQ(RunCsmsd({"admin", "--data-dir", server.data_dir(), "list-projects"}, &out), 0) << out;
  // One line per project: "<id> <name>".
  std::istringstream lines(out);
  std::map<std::string, std::string> projects;
  std::string id, name;
  while (lines >> id >> name) projects[id] = name;
  EXPECT_EQ(projects.size(), 2u) << out;
  EXPECT_EQ(projects[cred["project_id"]], "default") << out;
  EXPECT_EQ(projects[project_b], "team-b") << out;

  // Another domain has none of them.
  int rc = RunCsmsd({"admin", "--data-dir", server.data_dir(), "list-projects", "--domain", "no-such-domain"}, &out);
  EXPECT_TRUE(rc != 0 || out.find(project_b) == std::string::npos) << out;
}

// ---- TLS start-up ------------------------------------------------------------------------

// Runs csmsd to its exit under `timeout`, so a server that wrongly starts cannot hang the test.
int RunToExit(const std::string& dir, const std::vector<std::string>& args, std::string* output) {
  std::string cmd = "timeout 60 " CSMSD_PATH;
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " > " + dir + "/out 2>&1";
  int status = std::system(cmd.c_str());
  *output = ReadFile(dir + "/out");
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(TlsStartup, MissingOrBadCertificateIsAClearErrorAndNonZeroExit) {
  CsmsdProcess scratch;  // only for its temp dir
  const std::string dir = scratch.dir();
  const std::string garbage = dir + "/garbage.pem", key = dir + "/key.pem", cert = dir + "/cert.pem";
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n";
  std::string make = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout " + key + " -out " +
                     cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(make.c_str()), 0);
  const std::string other_key = dir + "/other-key.pem";
  ASSERT_EQ(std::system(("openssl genrsa -out " + other_key + " 2048 >/dev/null 2>&1").c_str()), 0);

  struct Case {
    const char* what;
    std::vector<std::string> tls;
  };
  for (const Case& c : std::vector<Case>{
           {"missing certificate file", {"--tls-cert", dir + "/none.pem", "--tls-key", key}},
           {"missing key file", {"--tls-cert", cert, "--tls-key", dir + "/none.pem"}},
           {"certificate that is not one", {"--tls-cert", garbage, "--tls-key", key}},
           {"key that does not match the certificate", {"--tls-cert", cert, "--tls-key", other_key}},
       }) {
    std::vector<std::string> args = {"--dev", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), c.tls.begin(), c.tls.end());
    std::string out;
    int rc = RunToExit(dir, args, &out);
    EXPECT_NE(rc, 0) << c.what << ": " << out;
    EXPECT_NE(rc, 124) << c.what << ": the server started instead of refusing: " << out;
    EXPECT_NE(out.find("TLS"), std::string::npos) << c.what << ": the error names TLS: " << out;
  }
}

// ---- --record-retention-days over HTTP ------------------------------------------------------

class RetentionTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--record-retention-days", "2", "--scheduler-interval-ms", "0"};
  }
};

TEST_F(RetentionTest, RecordsOlderThanTheFlagAreNoLongerListed) {
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_EQ(api.CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  ASSERT_EQ(api.CreateSecret("s", "x", "ev").status, 200);
  // The listing shows records in a final status: this one ends INVALID (no --smn-endpoint).
  ASSERT_TRUE(WaitForStatusCount(api, "INVALID", 1, std::chrono::seconds(60)));
  auto records = api.Get("/csms/notification-records");
  ASSERT_EQ(records.status, 200) << records.body;
  ASSERT_EQ(records.json["records"].Size(), 1u) << records.body;
  std::string id = records.json["records"][0]["record_id"].GetString();

  api.Advance(kDayMs);  // 1 day old: inside 2 days
  EXPECT_EQ(api.Get("/csms/notification-records").json["records"].Size(), 1u);
  EXPECT_EQ(api.Get("/csms/notification-records/" + id).status, 200);

  api.Advance(kDayMs + 3'600'000);  // 2 days and an hour: outside (the default of 90 days keeps it)
  auto later = api.Get("/csms/notification-records");
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(later.json["records"].Size(), 0u) << later.body;
}

// ---- The background scheduler, with no manual tick -------------------------------------------

class SchedulerLoopTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--scheduler-interval-ms", "200", "--no-delivery"}; }
};

TEST_F(SchedulerLoopTest, AnExpiryAFewSecondsAheadFiresWithoutATick) {
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_EQ(api.CreateEvent("ev", {"SECRET_VERSION_EXPIRED"}).status, 200);
  ASSERT_EQ(api.CreateSecret("s", "x", "ev").status, 200);
  int64_t expire = api.Now() + 2000;
  ASSERT_EQ(api.CreateVersion("s", "y", R"(,"expire_time":)" + std::to_string(expire)).status, 200);
  // Never /csms-dev/scheduler/tick: only the server's own loop can make the record.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::vector<OutboxRow> rows;
  while (std::chrono::steady_clock::now() < deadline) {
    rows = api.Outbox("s");
    if (!rows.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(rows.size(), 1u) << "no SECRET_VERSION_EXPIRED within 60 s";
  EXPECT_EQ(rows[0].type, "SECRET_VERSION_EXPIRED");
  EXPECT_GE(api.Now(), expire) << "fired before the version expired";
}

}  // namespace
}  // namespace csms::test
