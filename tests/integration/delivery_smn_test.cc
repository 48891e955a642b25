// SMN delivery against a local SMN-compatible receiver: the publish call's path, body and
// SDK-HMAC-SHA256 signature (checked by the server-side verifier with the configured SK), an
// unknown topic (404) ending INVALID without retries, 5xx retried, and no endpoint → INVALID.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <thread>

#include "auth/signature.h"
#include "support/delivery_helpers.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAk = "SMNTESTACCESSKEY0001";
constexpr const char* kSk = "smn-test-secret-key-0000000000000000000";

std::string Topic(const std::string& name) { return std::string("urn:smn:cn-north-4:") + kDevProject + ":" + name; }

class SmnDeliveryTest : public DevServerTest {
 protected:
  void SetUp() override {
    smn_.SetResponder([](const ReceivedRequest& req, size_t) {
      Reply r;
      if (req.target.find("missing-topic") != std::string::npos) {
        r.status = 404;
        r.body = R"({"error_code":"SMN.0008","error_msg":"Topic not found"})";
      } else if (req.target.find("flaky-topic") != std::string::npos && flaky_failures_.fetch_sub(1) > 0) {
        r.status = 502;
      } else {
        r.body = R"({"request_id":"6a63a18b8bab40ffb71ebd9cb80d0085","message_id":"bf94b63a5dfb475994d5ac34664e24f2"})";
      }
      return r;
    });
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  std::vector<std::string> ExtraArgs() override {
    return {"--smn-endpoint",
            "http://127.0.0.1:" + std::to_string(smn_.port()) + "/smn",
            "--smn-access-key",
            kAk,
            "--smn-secret-key",
            kSk,
            "--delivery-retry-schedule",
            "100ms"};
  }
  SecretsApi& api() { return *api_; }

  static inline std::atomic<int> flaky_failures_{0};
  WebhookReceiver smn_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(SmnDeliveryTest, PublishesSignedMessagesToTheTopic) {
  ASSERT_EQ(
      api().Post("/csms/events", EventBody("ev", {"SECRET_VERSION_CREATED"}, SmnTargetJson(Topic("alerts")))).status,
      200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", 1, 60s));
  auto records = ListAllRecords(api());
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(smn_.Count(), 1u);
  ReceivedRequest req = smn_.Requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target,
            std::string("/smn/v2/") + kDevProject + "/notifications/topics/" + Topic("alerts") + "/publish");
  rapidjson::Document body;
  body.Parse(req.body.c_str());
  ASSERT_TRUE(body.IsObject()) << req.body;
  EXPECT_STREQ(body["message"].GetString(), records[0].content.c_str());  // the notification, exactly
  EXPECT_STREQ(body["subject"].GetString(), "CSMS SECRET_VERSION_CREATED s");
  EXPECT_EQ(req.Header("x-project-id"), kDevProject);

  auto parsed = auth::ParseAuthorization(req.Header("authorization"));
  ASSERT_TRUE(parsed) << req.Header("authorization");
  EXPECT_EQ(parsed->access_key, kAk);
  auth::SignedRequestView view{req.method, req.target,
                               [&](std::string_view name) -> std::optional<std::string_view> {
                                 auto it = req.headers.find(std::string(name));
                                 if (it == req.headers.end()) return std::nullopt;
                                 return std::string_view(it->second);
                               },
                               req.body};
  int64_t now = std::time(nullptr);
  auto verdict = auth::VerifySignature(view, *parsed, kSk, now);
  EXPECT_TRUE(verdict.ok()) << verdict.message;
  EXPECT_FALSE(auth::VerifySignature(view, *parsed, "not-the-key", now).ok());
}

TEST_F(SmnDeliveryTest, UnknownTopicIsInvalidAndNotRetried) {
  ASSERT_EQ(
      api()
          .Post("/csms/events", EventBody("ev", {"SECRET_VERSION_CREATED"}, SmnTargetJson(Topic("missing-topic"))))
          .status,
      200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api(), "INVALID", 1, 60s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(smn_.Count(), 1u);
  auto d = ShowRecord(api(), ListAllRecords(api())[0].record_id);
  ASSERT_EQ(d.json["record"]["attempts"].Size(), 1u);
  EXPECT_EQ(d.json["record"]["attempts"][0]["http_status"].GetInt(), 404);
  EXPECT_NE(std::string(d.json["record"]["last_error"].GetString()).find("Topic not found"), std::string::npos);
}

TEST_F(SmnDeliveryTest, ServerErrorsAreRetried) {
  flaky_failures_ = 2;
  ASSERT_EQ(api()
                .Post("/csms/events", EventBody("ev", {"SECRET_VERSION_CREATED"}, SmnTargetJson(Topic("flaky-topic"))))
                .status,
            200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", 1, 60s));
  EXPECT_EQ(smn_.Count(), 3u);
}

class NoSmnEndpointTest : public DevServerTest {};

TEST_F(NoSmnEndpointTest, SmnRecordsEndInvalid) {
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_EQ(
      api.Post("/csms/events", EventBody("ev", {"SECRET_VERSION_CREATED"}, SmnTargetJson(Topic("alerts")))).status,
      200);
  ASSERT_EQ(api.CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api, "INVALID", 1, 60s));
  auto d = ShowRecord(api, ListAllRecords(api)[0].record_id);
  ASSERT_EQ(d.json["record"]["attempts"].Size(), 1u);
  EXPECT_EQ(d.json["record"]["attempts"][0]["http_status"].GetInt(), 0);
  EXPECT_NE(std::string(d.json["record"]["last_error"].GetString()).find("no SMN endpoint"), std::string::npos);
}

}  // namespace
}  // namespace csms::test
