// Crash safety and shutdown of delivery, with a real csmsd on a data dir: kill -9 in the middle of a
// 5,000-notification burst, restart, and every notification is delivered with exactly one final
// record (the receiver de-duplicating by webhook-id); SIGTERM lets in-flight deliveries finish,
// and never waits longer than --delivery-drain-seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <set>
#include <thread>

#include "notify_format/webhook_signature.h"
#include "support/delivery_helpers.h"
#include "support/engine.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

class DeliveryCrashTest : public ::testing::Test {
 protected:
  bool StartServer() {
    // A short lease margin: on PostgreSQL the killed process's claims come due when their lease
    // ends (connect + delivery timeout + margin), and the default 30 s margin is only waiting here.
    std::vector<std::string> args = {"--no-access-log",
                                     "--sqlite-sync",
                                     "normal",
                                     "--delivery-retry-schedule",
                                     "200ms",
                                     "--delivery-lease-margin-ms",
                                     "2000"};
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    if (!server_.Start(args)) return false;
    if (project_.empty()) {
      auto creds = ReadInitialCredentials(server_.data_dir());
      project_ = creds["project_id"];
      password_ = creds["password"];
    }
    client_ = NewClient();
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
    api_->set_refresh_dev_token(false);
    return true;
  }
  std::unique_ptr<HttpClient> NewClient() {
    auto c = std::make_unique<HttpClient>(server_.port());
    c->set_token(GetToken(*c, "admin", password_, "csms", project_));
    return c;
  }

  CsmsdProcess server_;
  std::vector<std::string> extra_args_;
  std::string project_, password_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(DeliveryCrashTest, KillDuringABurstThenRestartDeliversEveryNotificationOnce) {
  constexpr int kTotal = 5000;
  constexpr int kProducers = 4;
  WebhookReceiver::Options ro;
  ro.threads = 4;
  WebhookReceiver receiver(ro);
  // A receiver a little slower than the producers: a backlog builds up, and the kill cuts off
  // deliveries that are in flight.
  receiver.SetResponder([](const ReceivedRequest&, size_t) {
    Reply r;
    r.delay = 3ms;
    return r;
  });
  ASSERT_TRUE(StartServer()) << server_.Log();
  std::string secret = CreateWebhookEvent(*api_, "ev", {"SECRET_VERSION_CREATED"}, receiver.Url());
  for (int p = 0; p < kProducers; ++p) {
    ASSERT_EQ(api_->CreateSecret("s" + std::to_string(p), "v", "ev").status, 200);
  }
  std::atomic<int> acked{kProducers};                       // triggers whose request was answered 200
  std::atomic<int> reserved{kProducers};                    // triggers a producer has set out to make
  std::atomic<int> unanswered{0};                           // requests cut off by the kill: committed or not
  std::atomic<int> limit{std::numeric_limits<int>::max()};  // none before the kill: the kill ends the burst
  // Each producer creates versions of its own secret until the limit is reached or the server dies.
  auto produce = [&](int p) {
    auto client = NewClient();
    SecretsApi api(client.get(), project_);
    api.set_refresh_dev_token(false);
    while (reserved.fetch_add(1) < limit.load()) {
      auto r = api.CreateVersion("s" + std::to_string(p), "value");
      if (r.status == 200) {
        ++acked;
      } else {
        ++unanswered;  // cut off by the kill (no answer, or a broken one): it may have committed
        return;
      }
    }
  };
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) producers.emplace_back(produce, p);
  // Kill while triggers are still being written (the producers have no limit yet, so the kill
  // always lands mid-burst) and deliveries are in flight: once 1,500 have arrived, or half the
  // total is acknowledged, whichever comes first on this machine.
  bool started = WaitUntil([&] { return receiver.DistinctIds().size() >= 1500 || acked.load() >= kTotal / 2; }, 120s);
  server_.Kill();
  for (auto& t : producers) t.join();
  ASSERT_TRUE(started) << "neither 1,500 deliveries nor " << kTotal / 2 << " writes in 120 s";
  EXPECT_EQ(unanswered.load(), kProducers) << "every producer was cut off by the kill";
  const int acked_at_kill = acked.load();
  const size_t delivered_at_kill = receiver.DistinctIds().size();

  // After the restart the producers top the burst up to kTotal (or a little more when the first
  // phase got far).
  ASSERT_TRUE(StartServer()) << server_.Log();
  const int total = std::max(kTotal, acked_at_kill + 100);
  reserved = acked.load();
  limit = total;
  producers.clear();
  for (int p = 0; p < kProducers; ++p) producers.emplace_back(produce, p);
  for (auto& t : producers) t.join();
  ASSERT_EQ(acked.load(), total);

  // Everything reaches a final status: no PENDING left, all SUCCESS.
  ASSERT_TRUE(WaitUntil([&] { return ListAllRecords(*api_, "notification_status=PENDING").empty(); }, 180s));
  auto records = ListAllRecords(*api_);
  EXPECT_GE(records.size(), static_cast<size_t>(total));
  EXPECT_LE(records.size(), static_cast<size_t>(total + unanswered.load()));  // cut-off requests may have committed
  std::set<std::string> record_ids;
  std::map<std::string, std::set<int64_t>> sequences;
  std::map<std::string, int> per_secret;
  for (const auto& r : records) {
    EXPECT_EQ(r.status, "SUCCESS") << r.record_id;
    EXPECT_TRUE(record_ids.insert(r.record_id).second) << "two records with id " << r.record_id;
    rapidjson::Document c;
    c.Parse(r.content.c_str());
    EXPECT_TRUE(sequences[r.secret_name].insert(c["sequence"].GetInt64()).second)
        << "sequence " << c["sequence"].GetInt64() << " of " << r.secret_name << " twice";
    ++per_secret[r.secret_name];
  }
  // Exactly one record per notification: each secret's sequence runs 1..N without a gap.
  for (const auto& [name, seqs] : sequences) {
    EXPECT_EQ(*seqs.begin(), 1) << name;
    EXPECT_EQ(*seqs.rbegin(), static_cast<int64_t>(seqs.size())) << name;
  }
  // The receiver, de-duplicating by webhook-id, has every notification and nothing else.
  ASSERT_TRUE(receiver.WaitForDistinctIds(records.size(), 60s));
  EXPECT_EQ(receiver.DistinctIds(), record_ids);
  std::map<std::string, std::string> bodies;
  for (const auto& req : receiver.Requests()) bodies[req.Header("webhook-id")] = req.body;
  for (const auto& r : records) EXPECT_EQ(bodies[r.record_id], r.content);
  // Signatures: a spread of requests through openssl (a process each, so not all of them); every
  // one of them in-process below.
  auto sample = receiver.Requests();
  for (size_t i = 0; i < sample.size(); i += 997) EXPECT_TRUE(OpensslVerifies(secret, sample[i]));
  std::string key;
  ASSERT_TRUE(notify_format::DecodeSigningSecret(secret, &key));
  size_t bad_signatures = 0;
  for (const auto& req : sample) {
    bad_signatures += req.Header("webhook-signature") !=
                      notify_format::SignatureHeader({key}, req.Header("webhook-id"),
                                                     std::stoll(req.Header("webhook-timestamp")), req.body);
  }
  EXPECT_EQ(bad_signatures, 0u) << "of " << sample.size() << " requests";
  std::cout << "acked at kill " << acked_at_kill << ", delivered at kill " << delivered_at_kill << ", records "
            << records.size() << ", requests received " << receiver.Count()
            << " (redelivered after the crash: " << receiver.Count() - receiver.DistinctIds().size() << ")\n";
}

TEST_F(DeliveryCrashTest, SigtermLetsInFlightDeliveriesFinish) {
  WebhookReceiver::Options ro;
  ro.threads = 4;
  WebhookReceiver receiver(ro);
  receiver.SetResponder([](const ReceivedRequest&, size_t) {
    Reply r;
    r.delay = 1200ms;
    return r;
  });
  extra_args_ = {"--delivery-drain-seconds", "8"};
  ASSERT_TRUE(StartServer()) << server_.Log();
  CreateWebhookEvent(*api_, "ev", {"SECRET_VERSION_CREATED"}, receiver.Url());
  ASSERT_EQ(api_->CreateSecret("s", "x", "ev").status, 200);
  ASSERT_EQ(api_->CreateVersion("s", "y").status, 200);
  ASSERT_TRUE(receiver.WaitForCount(2, 60s));  // both in flight: the receiver is still answering
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_.Stop(), 0) << server_.Log();
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, 8s + 10s);  // never past the 8 s drain time (plus slack for a loaded machine)

  receiver.SetResponder(nullptr);
  ASSERT_TRUE(StartServer()) << server_.Log();
  auto records = ListAllRecords(*api_);
  ASSERT_EQ(records.size(), 2u);  // final before the process exited
  for (const auto& r : records) {
    EXPECT_EQ(r.status, "SUCCESS");
    auto d = ShowRecord(*api_, r.record_id);
    EXPECT_EQ(d.json["record"]["attempt_count"].GetInt(), 1);
  }
  // Nothing delivered twice: a later notification goes out (the restarted dispatcher has run), and
  // the receiver still has one request per notification.
  ASSERT_EQ(api_->CreateVersion("s", "z").status, 200);
  ASSERT_TRUE(WaitForStatusCount(*api_, "SUCCESS", 3, 60s));
  EXPECT_EQ(receiver.Count(), 3u);
  EXPECT_EQ(receiver.DistinctIds().size(), 3u);
}

TEST_F(DeliveryCrashTest, SigtermDoesNotWaitLongerThanTheDrainTime) {
  WebhookReceiver::Options ro;
  ro.threads = 4;
  WebhookReceiver receiver(ro);
  receiver.SetResponder([](const ReceivedRequest&, size_t i) {
    Reply r;
    // The first attempt stays unanswered far longer than the drain time. Held, not delayed: a
    // delay blocks a receiver thread, and a redelivery the kernel puts on it would wait it out.
    r.hold = i == 0;
    return r;
  });
  extra_args_ = {"--delivery-drain-seconds", "1", "--delivery-timeout-ms", "120000"};
  ASSERT_TRUE(StartServer()) << server_.Log();
  CreateWebhookEvent(*api_, "ev", {"SECRET_VERSION_CREATED"}, receiver.Url());
  ASSERT_EQ(api_->CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(receiver.WaitForCount(1, 60s));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server_.Stop(), 0) << server_.Log();
  // The 1 s drain time plus slack for a loaded machine, far below the 120 s timeout of the unanswered attempt.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s + 15s);

  // The cut-off delivery was handed back (PENDING, due now) and goes out again after the restart,
  // same webhook-id: at once, also on PostgreSQL, where a claim is otherwise left to its lease
  // (connect + the 120 s total timeout + 30 s) because other replicas may be alive.
  ASSERT_TRUE(StartServer()) << server_.Log();
  ASSERT_TRUE(WaitForStatusCount(*api_, "SUCCESS", 1, 60s));
  auto ids = receiver.DistinctIds();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_GE(receiver.Count(), 2u);
}

}  // namespace
}  // namespace csms::test
