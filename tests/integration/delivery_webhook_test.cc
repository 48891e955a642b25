// Webhook delivery end to end over HTTP with a real local receiver: every event type reaches the
// receiver exactly as recorded (trigger → record SUCCESS), signatures verify with independent
// implementations (openssl; the stock Standard Webhooks library when installed), and https
// receivers are verified against a test CA.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "support/delivery_helpers.h"
#include "support/http_stub.h"
#include "support/test_pki.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

class WebhookDeliveryTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  std::vector<std::string> ExtraArgs() override {
    return {"--near-expiry-lead-times", "1h", "--delivery-retry-schedule", "100ms", "--delivery-retry-horizon", "5s"};
  }
  SecretsApi& api() { return *api_; }

  WebhookReceiver receiver_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(WebhookDeliveryTest, EveryEventTypeArrivesExactlyAsRecorded) {
  HttpStub failing_function;
  failing_function.Respond(500, "{}");
  std::string secret = CreateWebhookEvent(api(), "ev", AllEventTypes(), receiver_.Url("/hook"));
  ASSERT_EQ(secret.rfind("whsec_", 0), 0u);

  ASSERT_EQ(api().CreateSecret("s", "value-1", "ev").status, 200);  // VERSION_CREATED
  int64_t expire = api().Now() + 2 * 3'600'000;
  ASSERT_EQ(api().CreateVersion("s", "value-2", R"(,"expire_time":)" + std::to_string(expire)).status, 200);  // CREATED
  api().AdvanceAndTick(3'600'000 + 60'000);                    // NEAR_EXPIRY (1 h lead)
  api().AdvanceAndTick(3'600'000);                             // EXPIRED
  ASSERT_EQ(api().Post("/secrets/s/rotate", "").status, 200);  // CREATED + ROTATED
  ASSERT_EQ(
      api().CreateSecret("f", "value-f", "ev", R"(,"rotation_func_urn":")" + failing_function.Url() + "\"").status,
      200);  // CREATED
  auto rotate = api().Post("/secrets/f/rotate", "");
  ASSERT_EQ(rotate.status, 200) << rotate.body;
  ASSERT_TRUE(WaitUntil(
      [&] {
        api().Tick();
        return !ListAllRecords(api(), "trigger_event_type=SECRET_ROTATED_FAILED&notification_status=SUCCESS").empty();
      },
      60s));                                          // ROTATED_FAILED
  ASSERT_EQ(api().Delete("/secrets/s").status, 200);  // DELETED

  const size_t expected = 9;
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", expected, 60s)) << ListAllRecords(api()).size();
  auto records = ListAllRecords(api());
  ASSERT_EQ(records.size(), expected);
  EXPECT_TRUE(ListAllRecords(api(), "notification_status=PENDING").empty());
  std::set<std::string> types;
  std::map<std::string, ReceivedRequest> by_id;
  for (const auto& req : receiver_.Requests()) by_id[req.Header("webhook-id")] = req;
  for (const auto& r : records) {
    SCOPED_TRACE(r.type);
    types.insert(r.type);
    EXPECT_EQ(r.status, "SUCCESS");
    ASSERT_TRUE(by_id.count(r.record_id)) << "not received: " << r.record_id;
    const ReceivedRequest& req = by_id[r.record_id];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/hook");
    EXPECT_EQ(req.body, r.content);  // byte for byte what the record says was delivered
    EXPECT_EQ(req.Header("content-type"), "application/json");
    rapidjson::Document content;
    content.Parse(req.body.c_str());
    ASSERT_TRUE(content.IsObject());
    EXPECT_EQ(std::string(content["eventType"].GetString()), r.type);
    EXPECT_EQ(std::string(content["notificationId"].GetString()), r.record_id);
    EXPECT_EQ(req.body.find("value-"), std::string::npos);  // never a secret value
    EXPECT_TRUE(OpensslVerifies(secret, req)) << req.Header("webhook-signature");
    int64_t ts = std::stoll(req.Header("webhook-timestamp"));
    EXPECT_NEAR(static_cast<double>(ts), static_cast<double>(std::time(nullptr)),
                120);  // real time, even with --dev's clock moved
  }
  EXPECT_EQ(types, std::set<std::string>(AllEventTypes().begin(), AllEventTypes().end()));
  EXPECT_EQ(receiver_.Count(), expected);  // each delivered once
}

TEST_F(WebhookDeliveryTest, SignaturesVerifyWithTheStockStandardWebhooksLibrary) {
  std::string secret = CreateWebhookEvent(api(), "ev", {"SECRET_VERSION_CREATED"}, receiver_.Url());
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(api().CreateVersion("s", "y").status, 200);
  ASSERT_TRUE(receiver_.WaitForCount(4, 60s));
  auto requests = receiver_.Requests();
  for (const auto& req : requests) EXPECT_TRUE(OpensslVerifies(secret, req));
  ReceivedRequest tampered = requests[0];
  tampered.body += " ";
  EXPECT_FALSE(OpensslVerifies(secret, tampered));
  EXPECT_FALSE(OpensslVerifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", requests[0]));

  if (NodeTestsOptedOut()) GTEST_SKIP() << "CSMS_SKIP_NODE_TESTS=1; openssl verified the signatures above";
  std::string why;
  ASSERT_TRUE(PrepareStandardWebhooks(&why)) << why;
  std::vector<VerifyItem> items;
  for (const auto& req : requests) items.push_back({secret, req, false});
  items.push_back({secret, tampered, true});
  items.push_back({"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", requests[0], true});
  std::string output;
  EXPECT_TRUE(StandardWebhooksVerifies(items, &output)) << output;
  EXPECT_NE(output.find("verified 6"), std::string::npos) << output;
}

class HttpsWebhookTest : public WebhookDeliveryTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    // Retries 100 ms apart for 5 s: several attempts even on a loaded machine, then FAIL.
    return {"--delivery-ca-file",       pki_->ca_cert, "--delivery-retry-schedule", "100ms",
            "--delivery-retry-horizon", "5s"};
  }
  void SetUp() override {
    std::string error;
    pki_ = SharedTestPki(&error);
    ASSERT_NE(pki_, nullptr) << error;
    WebhookDeliveryTest::SetUp();
  }
  std::unique_ptr<WebhookReceiver> TlsReceiver(const std::string& cert, const std::string& key) {
    WebhookReceiver::Options o;
    o.cert_file = cert;
    o.key_file = key;
    return std::make_unique<WebhookReceiver>(o);
  }
  const TestPki* pki_ = nullptr;
};

TEST_F(HttpsWebhookTest, TrustedReceiverGetsItUntrustedOneNever) {
  auto good = TlsReceiver(pki_->server_cert, pki_->server_key);
  auto rogue = TlsReceiver(pki_->rogue_cert, pki_->rogue_key);
  std::string secret = CreateWebhookEvent(api(), "good", {"SECRET_VERSION_CREATED"}, good->Url("/in", "localhost"));
  CreateWebhookEvent(api(), "rogue", {"SECRET_VERSION_CREATED"}, rogue->Url("/in"));
  ASSERT_EQ(api().CreateSecret("a", "x", "good").status, 200);
  ASSERT_EQ(api().CreateSecret("b", "x", "rogue").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", 1, 60s, "event_name=good"));
  ASSERT_TRUE(WaitForStatusCount(api(), "FAIL", 1, 60s, "event_name=rogue"));
  ASSERT_EQ(good->Count(), 1u);
  EXPECT_TRUE(OpensslVerifies(secret, good->Requests()[0]));
  EXPECT_EQ(rogue->Count(), 0u);  // the handshake failed before anything was sent
  auto failed = ListAllRecords(api(), "event_name=rogue&notification_status=FAIL");
  ASSERT_EQ(failed.size(), 1u);
  auto detail = ShowRecord(api(), failed[0].record_id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const auto& attempts = detail.json["record"]["attempts"];
  ASSERT_GE(attempts.Size(), 2u);  // retried on the schedule, then given up
  for (const auto& a : attempts.GetArray()) {
    EXPECT_EQ(a["http_status"].GetInt(), 0);
    EXPECT_NE(std::string(a["error"].GetString()).find("certificate"), std::string::npos) << a["error"].GetString();
  }
  EXPECT_NE(std::string(detail.json["record"]["last_error"].GetString()).find("gave up"), std::string::npos);
}

}  // namespace
}  // namespace csms::test
