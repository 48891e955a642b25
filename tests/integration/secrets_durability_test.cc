// Encryption at rest and durability against a real csmsd with an on-disk data dir: no plaintext in
// any database file or log, the master key's file mode and checks, extra KMS keys, and a kill -9
// in the middle of a burst of version creations that loses no acknowledged notification.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "crypto/encoding.h"
#include "crypto/random.h"
#include "support/engine.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class SecretsOnDiskTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    ASSERT_TRUE(server_.Start(args)) << server_.Log();
    client_ = std::make_unique<HttpClient>(server_.port());
    auto cred = ReadInitialCredentials(server_.data_dir());
    project_ = cred["project_id"];
    if (token_.empty()) token_ = GetToken(*client_, "admin", cred["password"], "csms", project_);
    ASSERT_FALSE(token_.empty());
    client_->set_token(token_);
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
    api_->set_refresh_dev_token(false);
  }
  // Every byte csmsd keeps on disk for the database.
  std::string DatabaseBytes() {
    std::string all;
    for (const char* f : {"/csms.db", "/csms.db-wal", "/csms.db-shm"}) all += ReadFile(server_.data_dir() + f);
    return all;
  }
  SecretsApi& api() { return *api_; }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
  std::string project_, token_;
};

TEST_F(SecretsOnDiskTest, PlaintextNeverReachesTheDatabaseFileOrTheLog) {
  CSMS_SKIP_ON_POSTGRES("reads the database files");
  Start();
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  std::vector<std::string> plaintexts;
  auto marker = [&] {
    plaintexts.push_back("PLAINTEXT-" + crypto::RandomHex(12));
    return plaintexts.back();
  };
  ASSERT_EQ(api().CreateSecret("string-secret", marker(), "ev").status, 200);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(api().CreateVersion("string-secret", marker()).status, 200);
  std::string raw = "BINARY-" + crypto::RandomHex(12);
  plaintexts.push_back(raw);
  std::string b64 = crypto::Base64Encode(raw);
  plaintexts.push_back(b64);
  ASSERT_EQ(
      api()
          .Post("/secrets", R"({"name":"binary-secret","secret_binary":")" + b64 + R"(","event_subscriptions":["ev"]})")
          .status,
      200);
  auto rotated = api().Post("/secrets/string-secret/rotate", "");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto latest = api().Get("/secrets/string-secret/versions/latest");
  plaintexts.push_back(latest.json["version"]["secret_string"].GetString());
  ASSERT_EQ(api().Put("/secrets/string-secret/versions/v2", R"({"expire_time":1000})").status, 200);
  ASSERT_EQ(api().Delete("/secrets/binary-secret").status, 200);

  auto check = [&](const std::string& where, const std::string& bytes) {
    ASSERT_NE(bytes.find("string-secret"), std::string::npos) << where << ": the scan must see the names";
    for (const auto& p : plaintexts) EXPECT_EQ(bytes.find(p), std::string::npos) << where << " holds " << p;
  };
  check("database files while running", DatabaseBytes());
  EXPECT_EQ(server_.Stop(), 0);
  check("database files after shutdown", DatabaseBytes());
  for (const auto& p : plaintexts) EXPECT_EQ(server_.Log().find(p), std::string::npos) << "log holds " << p;

  // The master key file is the owner's alone, and the values come back after a restart.
  struct stat st {};
  ASSERT_EQ(stat((server_.data_dir() + "/master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  Start();
  EXPECT_STREQ(api().Get("/secrets/string-secret/versions/v1").json["version"]["secret_string"].GetString(),
               plaintexts[0].c_str());
}

TEST_F(SecretsOnDiskTest, AnotherMasterKeyIsRefusedAtStart) {
  Start();
  ASSERT_EQ(api().CreateSecret("s", "value").status, 200);
  EXPECT_EQ(server_.Stop(), 0);
  std::string key_path = server_.data_dir() + "/master.key";
  std::string original = ReadFile(key_path);
  std::ofstream(key_path, std::ios::trunc) << std::string(64, '7') << "\n";
  if (server_.Start({})) {
    ADD_FAILURE() << "started with a different master key";
    server_.Stop();
  }
  EXPECT_NE(server_.Log().find("master key"), std::string::npos) << server_.Log();
  std::ofstream(key_path, std::ios::trunc) << original;
  Start();
  EXPECT_STREQ(api().Get("/secrets/s/versions/v1").json["version"]["secret_string"].GetString(), "value");
}

TEST_F(SecretsOnDiskTest, MasterKeyFromTheEnvironment) {
  setenv("CSMS_MASTER_KEY", std::string(64, 'c').c_str(), 1);
  Start();
  unsetenv("CSMS_MASTER_KEY");
  ASSERT_EQ(api().CreateSecret("s", "value").status, 200);
  EXPECT_FALSE(std::filesystem::exists(server_.data_dir() + "/master.key"));
  EXPECT_EQ(server_.Stop(), 0);
  if (server_.Start({})) {
    ADD_FAILURE() << "a generated key cannot open what the environment's key sealed";
    server_.Stop();
  }
  setenv("CSMS_MASTER_KEY", std::string(64, 'c').c_str(), 1);
  Start();
  unsetenv("CSMS_MASTER_KEY");
  EXPECT_STREQ(api().Get("/secrets/s/versions/v1").json["version"]["secret_string"].GetString(), "value");
}

TEST_F(SecretsOnDiskTest, ExtraKmsKeysSealTheirSecrets) {
  std::string team_key = server_.dir() + "/team.key";
  Start({"--kms-key", "team=" + team_key});
  auto def = api().CreateSecret("default-key", "a");
  auto team = api().CreateSecret("team-key", "b", "", R"(,"kms_key_id":"team")");
  ASSERT_EQ(team.status, 200) << team.body;
  std::string team_id = team.json["secret"]["kms_key_id"].GetString();
  EXPECT_NE(team_id, def.json["secret"]["kms_key_id"].GetString());
  // The key id works as well as the alias.
  EXPECT_EQ(api().CreateSecret("by-id", "c", "", R"(,"kms_key_id":")" + team_id + "\"").status, 200);
  auto v = api().Get("/secrets/team-key/versions/v1");
  EXPECT_STREQ(v.json["version"]["version_metadata"]["kms_key_id"].GetString(), team_id.c_str());
  EXPECT_STREQ(v.json["version"]["secret_string"].GetString(), "b");
  // Moving a secret to the default key affects only new versions.
  ASSERT_EQ(api().Put("/secrets/team-key", R"({"kms_key_id":"csms/default"})").status, 200);
  ASSERT_EQ(api().CreateVersion("team-key", "b2").status, 200);
  EXPECT_STRNE(api().Get("/secrets/team-key/versions/v2").json["version"]["version_metadata"]["kms_key_id"].GetString(),
               team_id.c_str());
  EXPECT_EQ(server_.Stop(), 0);

  // Without the key its versions cannot be opened, and say so.
  Start();
  ExpectCsmsError(api().Get("/secrets/team-key/versions/v1"), 400, "CSMS.0401", team_id);
  EXPECT_STREQ(api().Get("/secrets/team-key/versions/v2").json["version"]["secret_string"].GetString(), "b2");
  ExpectCsmsError(api().CreateVersion("by-id", "d"), 400, "CSMS.0401");
  EXPECT_STREQ(api().Get("/secrets/default-key/versions/v1").json["version"]["secret_string"].GetString(), "a");
}

TEST_F(SecretsOnDiskTest, ClockAndSchedulerEndpointsExistOnlyInDevMode) {
  Start();
  EXPECT_EQ(client_->Request("POST", "/csms-dev/scheduler/tick", "{}").status, 404);
  EXPECT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":1})").status, 404);
}

TEST_F(SecretsOnDiskTest, KillDuringBurstLosesNoAcknowledgedNotification) {
  Start();
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  constexpr int kThreads = 4;
  for (int t = 0; t < kThreads; ++t) ASSERT_EQ(api().CreateSecret("s" + std::to_string(t), "v1", "ev").status, 200);

  std::atomic<int> acked{0};
  std::atomic<int> finished{0};  // writers that stopped (server gone, an error, or all 2,000 written)
  std::atomic<bool> killed{false};
  std::mutex mu;
  std::set<std::string> acknowledged;  // "secret/version"
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(server_.port());
      client.set_token(token_);
      std::string secret = "s" + std::to_string(t);
      for (int i = 0; i < 2000 && !killed; ++i) {
        auto r = client.Request("POST", "/v1/" + project_ + "/secrets/" + secret + "/versions",
                                R"({"secret_string":"burst-)" + std::to_string(i) + "\"}");
        if (r.status != 200) break;  // the server is gone
        std::lock_guard<std::mutex> lock(mu);
        acknowledged.insert(secret + "/" + r.json["version_metadata"]["id"].GetString());
        ++acked;
      }
      ++finished;
    });
  }
  // Kill once 300 writes are acknowledged; give up (and fail) if the writers stop first or the
  // machine is too slow for even that within a generous deadline.
  bool reached = WaitUntil([&] { return acked >= 300 || finished == kThreads; }, std::chrono::seconds(120));
  server_.Kill();  // kill -9 with requests in flight
  killed = true;
  for (auto& th : threads) th.join();
  ASSERT_TRUE(reached) << "only " << acked << " writes acknowledged in 120 s";
  ASSERT_GE(acknowledged.size(), 300u) << "the writers stopped before the kill: " << server_.Log();

  Start();
  std::set<std::string> in_outbox;
  std::map<std::string, std::set<int64_t>> sequences;
  auto rows = api().Outbox();
  for (const auto& row : rows) {
    ASSERT_EQ(row.type, "SECRET_VERSION_CREATED");
    in_outbox.insert(row.secret_name + "/" + row.content["data"]["versionId"].GetString());
    EXPECT_TRUE(sequences[row.secret_name].insert(row.sequence).second) << "duplicate sequence";
  }
  for (const auto& a : acknowledged)
    EXPECT_TRUE(in_outbox.count(a)) << a << " was acknowledged but has no notification";
  // Nothing beyond the acknowledged ones and at most one in flight per client, plus the four v1s.
  EXPECT_LE(in_outbox.size(), acknowledged.size() + kThreads + kThreads);
  // Sequences per secret are 1..n without gaps.
  for (const auto& [secret, seqs] : sequences) {
    EXPECT_EQ(*seqs.begin(), 1);
    EXPECT_EQ(*seqs.rbegin(), static_cast<int64_t>(seqs.size())) << secret;
  }
}

}  // namespace
}  // namespace csms::test
