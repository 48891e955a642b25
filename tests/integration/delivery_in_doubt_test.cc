// What the attempt log says when a delivery is cut off (issue 14, item 13), and what becomes of a
// WEBHOOK notification whose event is deleted before it is delivered (issue 8).
//
// The kill test kills csmsd from inside the receiver, while the receiver holds the delivery: the
// request is in flight for certain, whatever the scheduling, and its answer can never reach csmsd.
// After the restart the same notification is delivered again (same webhook-id, at-least-once) and
// the record counts both attempts, the first one marked in doubt.
#include <gtest/gtest.h>

#include <atomic>

#include "support/delivery_helpers.h"
#include "support/engine.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

class DeliveryInDoubtTest : public ::testing::Test {
 protected:
  bool StartServer(const std::vector<std::string>& extra = {}) {
    // The delivery timeout only has to outlast the moment between the trigger's answer and the
    // kill; on PostgreSQL the killed claim comes due when its lease (connect + timeout + margin)
    // ends, so a long timeout or margin is only waiting.
    std::vector<std::string> args = {"--no-access-log", "--delivery-timeout-ms", "20000", "--delivery-lease-margin-ms",
                                     "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    if (!server_.Start(args)) return false;
    if (project_.empty()) {
      auto creds = ReadInitialCredentials(server_.data_dir());
      project_ = creds["project_id"];
      password_ = creds["password"];
    }
    client_ = std::make_unique<HttpClient>(server_.port());
    client_->set_token(GetToken(*client_, "admin", password_, "csms", project_));
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
    api_->set_refresh_dev_token(false);
    return true;
  }

  CsmsdProcess server_;
  std::string project_, password_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(DeliveryInDoubtTest, KillDuringADeliveryLeavesAnInDoubtAttemptThatTheRecordCounts) {
  WebhookReceiver::Options ro;
  ro.threads = 2;
  WebhookReceiver receiver(ro);
  std::atomic<bool> armed{false}, killed{false};
  // The first request: csmsd dies while waiting for this answer (once the test has the answer of
  // the request that triggered it). The others: 200.
  receiver.SetResponder([&](const ReceivedRequest&, size_t index) {
    if (index == 0 && WaitUntil([&] { return armed.load(); }, 60s)) {
      server_.Kill();
      killed = true;
    }
    return Reply{};
  });
  ASSERT_TRUE(StartServer()) << server_.Log();
  ASSERT_FALSE(CreateWebhookEvent(*api_, "ev", {"SECRET_VERSION_CREATED"}, receiver.Url()).empty());
  ASSERT_EQ(api_->CreateSecret("s", "v", "ev").status, 200);
  armed = true;
  ASSERT_TRUE(WaitUntil([&] { return killed.load(); }, 60s)) << "the notification was never delivered";
  ASSERT_EQ(receiver.Count(), 1u);

  ASSERT_TRUE(StartServer()) << server_.Log();
  // On SQLite the restarted process releases the dead one's claims at start; on a shared
  // PostgreSQL database they may belong to a live replica, so they come due when their lease ends
  // (connect + total delivery timeout + the margin).
  ASSERT_TRUE(WaitForStatusCount(*api_, "SUCCESS", 1, TestEngineIsPostgres() ? 120s : 30s)) << server_.Log();
  auto records = ListAllRecords(*api_);
  ASSERT_EQ(records.size(), 1u);
  const std::string id = records[0].record_id;

  // The receiver got the notification twice, with the same webhook-id.
  auto received = receiver.Requests();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].Header("webhook-id"), id);
  EXPECT_EQ(received[1].Header("webhook-id"), id);

  // The record tells the same story: two attempts, the first in doubt, the second answered.
  auto d = ShowRecord(*api_, id);
  ASSERT_EQ(d.status, 200) << d.body;
  const auto& rec = d.json["record"];
  EXPECT_EQ(rec["attempt_count"].GetInt64(), static_cast<int64_t>(received.size())) << d.body;
  const auto& attempts = rec["attempts"];
  ASSERT_EQ(attempts.Size(), received.size()) << d.body;
  EXPECT_EQ(attempts[0]["number"].GetInt64(), 1);
  ASSERT_TRUE(attempts[0].HasMember("in_doubt")) << d.body;
  EXPECT_TRUE(attempts[0]["in_doubt"].GetBool()) << d.body;
  EXPECT_EQ(attempts[0]["http_status"].GetInt(), 0) << d.body;
  EXPECT_NE(std::string(attempts[0]["error"].GetString()).find("in doubt"), std::string::npos) << d.body;
  EXPECT_EQ(attempts[1]["number"].GetInt64(), 2);
  EXPECT_FALSE(attempts[1]["in_doubt"].GetBool()) << d.body;
  EXPECT_EQ(attempts[1]["http_status"].GetInt(), 200) << d.body;
  EXPECT_EQ(std::string(rec["notification_status"].GetString()), "SUCCESS");
  EXPECT_FALSE(rec.HasMember("last_error")) << d.body;  // the last attempt succeeded
}

TEST_F(DeliveryInDoubtTest, PendingWebhookOfADeletedEventBecomesInvalid) {
  WebhookReceiver receiver;
  receiver.RespondAlways(503);  // every attempt fails and is retried: the record stays PENDING
  ASSERT_TRUE(StartServer({"--delivery-retry-schedule", "300ms", "--delivery-retry-horizon", "1h"})) << server_.Log();
  ASSERT_FALSE(CreateWebhookEvent(*api_, "ev", {"SECRET_VERSION_CREATED"}, receiver.Url()).empty());
  ASSERT_EQ(api_->CreateSecret("s", "v", "ev").status, 200);
  ASSERT_TRUE(receiver.WaitForCount(1, 30s));
  auto pending = ListAllRecords(*api_, "notification_status=PENDING");
  ASSERT_EQ(pending.size(), 1u);
  const std::string id = pending[0].record_id;

  // The secret stops subscribing and the event goes, with its signing secrets.
  auto u = api_->Put("/secrets/s", R"({"event_subscriptions":[]})");
  ASSERT_EQ(u.status, 200) << u.body;
  auto del = api_->Delete("/csms/events/ev");
  ASSERT_EQ(del.status, 204) << del.body;

  // The next attempt finds no signing secret: INVALID at once, never sent unsigned, not retried.
  ASSERT_TRUE(WaitForStatusCount(*api_, "INVALID", 1, 30s)) << server_.Log();
  const size_t received = receiver.Count();
  auto d = ShowRecord(*api_, id);
  ASSERT_EQ(d.status, 200) << d.body;
  const auto& rec = d.json["record"];
  EXPECT_EQ(std::string(rec["notification_status"].GetString()), "INVALID");
  const auto& attempts = rec["attempts"];
  ASSERT_GE(attempts.Size(), 2u) << d.body;
  EXPECT_EQ(rec["attempt_count"].GetInt64(), static_cast<int64_t>(attempts.Size()));
  // Every attempt but the last reached the receiver and got its 503.
  for (rapidjson::SizeType i = 0; i + 1 < attempts.Size(); ++i) EXPECT_EQ(attempts[i]["http_status"].GetInt(), 503);
  EXPECT_EQ(received, attempts.Size() - 1) << d.body;
  const auto& last = attempts[attempts.Size() - 1];
  EXPECT_EQ(last["http_status"].GetInt(), 0);
  EXPECT_NE(std::string(last["error"].GetString()).find("no webhook signing secret"), std::string::npos) << d.body;
  EXPECT_NE(std::string(rec["last_error"].GetString()).find("no webhook signing secret"), std::string::npos);
  for (const auto& req : receiver.Requests()) EXPECT_FALSE(req.Header("webhook-signature").empty());
}

}  // namespace
}  // namespace csms::test
