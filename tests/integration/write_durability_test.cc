// An acknowledged write is never lost (group commit, --sqlite-sync full): 64 clients create
// concurrently while csmsd is killed with kill -9 at a random moment, ten times over on one data
// dir. After each restart every create answered 2xx is there, none answered 4xx is, and one cut off
// by the kill (no answer) may be either. The same for CreateSecretVersion with a subscribed event:
// every acknowledged version has its notification record.
//
// The kill moment is random (after a random number of acknowledgements); the assertions are about
// acknowledgements only, never about timing.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"

namespace csms::test {
namespace {

constexpr int kClients = 64;
constexpr int kRounds = 10;

class WriteDurabilityTest : public ::testing::Test {
 protected:
  void Start() {
    ASSERT_TRUE(server_.Start({"--sqlite-sync", "full", "--no-access-log", "--secret-quota", "100000", "--no-delivery",
                               "--scheduler-interval-ms", "0"}))
        << server_.Log();
    client_ = std::make_unique<HttpClient>(server_.port());
    auto cred = ReadInitialCredentials(server_.data_dir());
    project_ = cred["project_id"];
    if (token_.empty()) token_ = GetToken(*client_, "admin", cred["password"], "csms", project_);
    ASSERT_FALSE(token_.empty());
    client_->set_token(token_);
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
    api_->set_refresh_dev_token(false);
  }

  // Every secret name of the project, all pages.
  std::set<std::string> SecretNames() {
    std::set<std::string> names;
    std::string marker;
    for (int page = 0; page < 1000; ++page) {
      auto r = api_->Get("/secrets?limit=200" + (marker.empty() ? "" : "&marker=" + marker));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      for (const auto& s : r.json["secrets"].GetArray()) names.insert(s["name"].GetString());
      if (!r.json["page_info"].HasMember("next_marker")) break;
      marker = r.json["page_info"]["next_marker"].GetString();
    }
    return names;
  }

  // Runs kClients clients, each sending `request(client, i)` for i = 0, 1, ... until the server is
  // gone; kills the server (kill -9) once a random number of requests were acknowledged. Returns
  // per client what was answered: the key `request` gives, and the status (-1: no answer).
  struct Outcome {
    std::string key;
    int status;
  };
  std::vector<Outcome> DriveAndKill(std::mt19937& rng,
                                    const std::function<Outcome(HttpClient&, int client, int i)>& request) {
    const int kill_after = std::uniform_int_distribution<int>(1, 3 * kClients)(rng);
    std::atomic<int> acked{0}, stopped{0};
    std::mutex mu;
    std::vector<Outcome> outcomes;
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
      threads.emplace_back([&, c] {
        HttpClient client(server_.port());
        client.set_token(token_);
        for (int i = 0; i < 10000; ++i) {
          Outcome o = request(client, c, i);
          {
            std::lock_guard<std::mutex> lock(mu);
            outcomes.push_back(o);
          }
          if (o.status <= 0 || o.status >= 500) break;  // the server is gone
          if (o.status / 100 == 2) ++acked;
        }
        ++stopped;
      });
    }
    bool reached = WaitUntil([&] { return acked >= kill_after || stopped == kClients; }, std::chrono::seconds(120));
    server_.Kill();
    for (auto& t : threads) t.join();
    EXPECT_TRUE(reached) << "only " << acked << " of " << kill_after << " writes acknowledged in 120 s";
    EXPECT_GE(acked.load(), kill_after) << "the clients stopped before the kill: " << server_.Log();
    return outcomes;
  }

  CsmsdProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
  std::string project_, token_;
};

TEST_F(WriteDurabilityTest, AcknowledgedCreatesSurviveKillNine) {
  std::mt19937 rng(std::random_device{}());
  std::map<std::string, int> answered;  // every create ever sent: its status (-1: cut off)
  int acknowledged = 0;
  for (int round = 0; round < kRounds; ++round) {
    Start();
    if (HasFatalFailure()) return;
    // What the restart shows of every earlier round.
    std::set<std::string> present = SecretNames();
    for (const auto& [name, status] : answered) {
      if (status / 100 == 2) {
        EXPECT_TRUE(present.count(name)) << name << " was acknowledged but is gone";
      }
      if (status / 100 == 4) {
        EXPECT_FALSE(present.count(name)) << name << " was refused but is there";
      }
    }
    if (HasFailure()) return;
    auto outcomes = DriveAndKill(rng, [&](HttpClient& client, int c, int i) {
      std::string name = "r" + std::to_string(round) + "-c" + std::to_string(c) + "-" + std::to_string(i);
      auto r = client.Request("POST", api_->Path("/secrets"), R"({"name":")" + name + R"(","secret_string":"v"})");
      return Outcome{name, r.status};
    });
    for (const auto& o : outcomes) {
      answered[o.key] = o.status;
      if (o.status / 100 == 2) ++acknowledged;
    }
  }
  Start();
  std::set<std::string> present = SecretNames();
  int cut_off = 0;
  for (const auto& [name, status] : answered) {
    if (status / 100 == 2) {
      EXPECT_TRUE(present.count(name)) << name << " was acknowledged but is gone";
    }
    if (status / 100 == 4) {
      EXPECT_FALSE(present.count(name)) << name << " was refused but is there";
    }
    if (status <= 0) ++cut_off;
  }
  EXPECT_LE(cut_off, kRounds * kClients) << "at most one request per client is cut off by each kill";
  EXPECT_GE(acknowledged, kRounds);
}

TEST_F(WriteDurabilityTest, AcknowledgedVersionsKeepTheirNotificationsAcrossKillNine) {
  std::mt19937 rng(std::random_device{}());
  Start();
  ASSERT_EQ(api_->CreateEvent("ev", {"SECRET_VERSION_CREATED"}).status, 200);
  for (int c = 0; c < kClients; ++c) {
    ASSERT_EQ(api_->CreateSecret("s" + std::to_string(c), "v1", "ev").status, 200);
  }
  std::set<std::string> acked;  // "secret/version id"
  for (int round = 0; round < kRounds; ++round) {
    if (round > 0) Start();
    if (HasFatalFailure()) return;
    std::set<std::string> recorded;
    for (const auto& row : api_->Outbox()) {
      recorded.insert(row.secret_name + "/" + row.content["data"]["versionId"].GetString());
    }
    for (const auto& a : acked) EXPECT_TRUE(recorded.count(a)) << a << " was acknowledged but has no notification";
    if (HasFailure()) return;
    auto outcomes = DriveAndKill(rng, [&](HttpClient& client, int c, int) {
      std::string secret = "s" + std::to_string(c);
      auto r = client.Request("POST", api_->Path("/secrets/" + secret + "/versions"), R"({"secret_string":"x"})");
      std::string key;
      if (r.status == 200) key = secret + "/" + r.json["version_metadata"]["id"].GetString();
      return Outcome{key, r.status};
    });
    for (const auto& o : outcomes) {
      EXPECT_TRUE(o.status == 200 || o.status <= 0) << "status " << o.status;
      if (o.status == 200) acked.insert(o.key);
    }
  }
  Start();
  std::set<std::string> recorded;
  for (const auto& row : api_->Outbox()) {
    recorded.insert(row.secret_name + "/" + row.content["data"]["versionId"].GetString());
  }
  for (const auto& a : acked) EXPECT_TRUE(recorded.count(a)) << a << " was acknowledged but has no notification";
  // Nothing beyond the acknowledged versions, the v1s and at most one cut off per client and kill.
  EXPECT_LE(recorded.size(), acked.size() + kClients + kRounds * kClients);
}

}  // namespace
}  // namespace csms::test
