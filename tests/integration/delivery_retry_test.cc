// Retries against a real local receiver, with short schedules given by flags: a receiver that
// fails N times and then succeeds, permanent 4xx, giving up at the horizon, Retry-After, and a
// receiver that is down while triggers accumulate and then comes back.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/delivery_helpers.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

class RetryTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
    secret_ = CreateWebhookEvent(api(), "ev", {"SECRET_VERSION_CREATED"}, receiver_.Url("/hook"));
  }
  // Retries 150 ms apart; a horizon far beyond what these tests need, so a loaded machine never
  // makes the dispatcher give up early (GivingUpAtTheHorizon sets its own).
  std::vector<std::string> ExtraArgs() override {
    return {"--delivery-retry-schedule", "150ms", "--delivery-retry-horizon", "10m", "--delivery-poll-ms", "50"};
  }
  SecretsApi& api() { return *api_; }
  // The record of the one notification of secret `name`, once final.
  rapidjson::Document FinalRecord(const std::string& name) {
    rapidjson::Document doc;
    EXPECT_TRUE(WaitUntil([&] { return ListAllRecords(api(), "secret_name=" + name).size() == 1; }, 60s));
    auto records = ListAllRecords(api(), "secret_name=" + name);
    if (records.size() != 1) return doc;
    auto r = ShowRecord(api(), records[0].record_id);
    EXPECT_EQ(r.status, 200) << r.body;
    doc.Parse(r.body.c_str());
    return doc;
  }

  WebhookReceiver receiver_;
  std::unique_ptr<SecretsApi> api_;
  std::string secret_;
};

TEST_F(RetryTest, ReceiverFailingThreeTimesThenSucceeding) {
  receiver_.SetResponder([](const ReceivedRequest&, size_t i) {
    Reply r;
    r.status = i < 3 ? (i == 1 ? 408 : 500) : 200;
    r.body = i < 3 ? "try later" : "";
    return r;
  });
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  auto doc = FinalRecord("s");
  ASSERT_TRUE(doc.IsObject());
  const auto& rec = doc["record"];
  EXPECT_STREQ(rec["notification_status"].GetString(), "SUCCESS");
  EXPECT_EQ(rec["attempt_count"].GetInt(), 4);
  const auto& attempts = rec["attempts"];
  ASSERT_EQ(attempts.Size(), 4u);
  int statuses[] = {500, 408, 500, 200};
  for (rapidjson::SizeType i = 0; i < 4; ++i) {
    EXPECT_EQ(attempts[i]["number"].GetInt(), static_cast<int>(i) + 1);
    EXPECT_EQ(attempts[i]["http_status"].GetInt(), statuses[i]);
    if (i > 0) {
      EXPECT_GE(attempts[i]["time"].GetInt64() - attempts[i - 1]["time"].GetInt64(), 100);  // 150 ms ± 20 %
    }
  }
  EXPECT_STREQ(attempts[0]["error"].GetString(), "HTTP 500");
  EXPECT_STREQ(attempts[3]["error"].GetString(), "");
  // Every attempt carried the same webhook-id: receivers de-duplicate on it.
  auto reqs = receiver_.Requests();
  ASSERT_EQ(reqs.size(), 4u);
  for (const auto& q : reqs) EXPECT_EQ(q.Header("webhook-id"), rec["record_id"].GetString());
  EXPECT_EQ(receiver_.DistinctIds().size(), 1u);
}

TEST_F(RetryTest, PermanentClientErrorFailsAtOnce) {
  receiver_.RespondAlways(410, "gone");
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  auto doc = FinalRecord("s");
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["record"]["notification_status"].GetString(), "FAIL");
  ASSERT_EQ(doc["record"]["attempts"].Size(), 1u);
  EXPECT_EQ(doc["record"]["attempts"][0]["http_status"].GetInt(), 410);
  EXPECT_STREQ(doc["record"]["last_error"].GetString(), "HTTP 410");
  // Never retried: after more than a retry interval (150 ms), a later notification is delivered
  // (so the dispatcher has run passes since), and the first one was still sent only once.
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(api().CreateSecret("t", "x", "ev").status, 200);
  ASSERT_TRUE(FinalRecord("t").IsObject());
  EXPECT_EQ(receiver_.Count(), 2u);
  EXPECT_EQ(receiver_.DistinctIds().size(), 2u);
}

class HorizonTest : public RetryTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--delivery-retry-schedule", "150ms", "--delivery-retry-horizon", "5s", "--delivery-poll-ms", "50"};
  }
};

TEST_F(HorizonTest, GivingUpAtTheHorizonEndsAsFail) {
  receiver_.RespondAlways(503);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  auto doc = FinalRecord("s");
  ASSERT_TRUE(doc.IsObject());
  const auto& rec = doc["record"];
  EXPECT_STREQ(rec["notification_status"].GetString(), "FAIL");
  // 150 ms (± 20 %) apart within a 5 s horizon: retried, at most 5000 / 120 + 1 attempts, and none
  // scheduled after the horizon (an attempt may start late on a loaded machine: 5 s of slack).
  const auto& attempts = rec["attempts"];
  ASSERT_GE(attempts.Size(), 2u);
  EXPECT_LE(attempts.Size(), 5000u / 120 + 1);
  EXPECT_LE(attempts[attempts.Size() - 1]["time"].GetInt64() - attempts[0]["time"].GetInt64(), 5000 + 5000);
  EXPECT_NE(std::string(rec["last_error"].GetString()).find("gave up after"), std::string::npos);
  EXPECT_EQ(receiver_.Count(), attempts.Size());
}

TEST_F(RetryTest, RetryAfterIsHonoured) {
  receiver_.SetResponder([](const ReceivedRequest&, size_t i) {
    Reply r;
    if (i == 0) {
      r.status = 429;
      r.headers = {{"Retry-After", "1"}};
    }
    return r;
  });
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  auto doc = FinalRecord("s");
  ASSERT_TRUE(doc.IsObject());
  const auto& attempts = doc["record"]["attempts"];
  ASSERT_EQ(attempts.Size(), 2u);
  EXPECT_EQ(attempts[0]["http_status"].GetInt(), 429);
  EXPECT_EQ(attempts[1]["http_status"].GetInt(), 200);
  // The schedule says 150 ms; the receiver asked for a second.
  EXPECT_GE(attempts[1]["time"].GetInt64() - attempts[0]["time"].GetInt64(), 950);
  auto reqs = receiver_.Requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_GE(reqs[1].at - reqs[0].at, 950ms);
}

class ReceiverDownTest : public RetryTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--delivery-retry-schedule", "100ms,200ms", "--delivery-retry-horizon", "10m"};
  }
};

TEST_F(ReceiverDownTest, TriggersAccumulateWhileTheReceiverIsDownThenAllArrive) {
  receiver_.Stop();
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  for (int i = 0; i < 19; ++i) ASSERT_EQ(api().CreateVersion("s", "v" + std::to_string(i)).status, 200);
  // They wait, PENDING (visible only when asked for), failing with "connection refused".
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto pending = ListAllRecords(api(), "notification_status=PENDING");
        if (pending.size() != 20) return false;
        auto d = ShowRecord(api(), pending[0].record_id);
        return d.status == 200 && d.json["record"]["attempts"].Size() >= 2;
      },
      60s))
      << ListAllRecords(api(), "notification_status=PENDING").size() << " pending, " << ListAllRecords(api()).size()
      << " final";
  EXPECT_TRUE(ListAllRecords(api()).empty());
  auto pending = ListAllRecords(api(), "notification_status=PENDING");
  ASSERT_EQ(pending.size(), 20u);
  auto d = ShowRecord(api(), pending[0].record_id);
  EXPECT_NE(std::string(d.json["record"]["attempts"][0]["error"].GetString()).find("refused"), std::string::npos)
      << d.body;
  EXPECT_TRUE(d.json["record"].HasMember("next_attempt_time"));

  ASSERT_TRUE(receiver_.Start());  // same port, reserved by the receiver while it was down
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", 20, 60s));
  EXPECT_EQ(receiver_.DistinctIds().size(), 20u);
  EXPECT_EQ(receiver_.Count(), 20u);
  std::set<int64_t> sequences;
  for (const auto& req : receiver_.Requests()) {
    rapidjson::Document c;
    c.Parse(req.body.c_str());
    sequences.insert(c["sequence"].GetInt64());
    EXPECT_TRUE(OpensslVerifies(secret_, req));
  }
  EXPECT_EQ(sequences.size(), 20u);
  EXPECT_EQ(*sequences.begin(), 1);
  EXPECT_EQ(*sequences.rbegin(), 20);
}

}  // namespace
}  // namespace csms::test
