// The delivery API extensions over HTTP: the WEBHOOK signing secret (returned once, rotatable with
// an overlap during which both secrets sign), a record with its attempts, redelivery, bulk redrive
// by the listing's filters, test notifications, and PENDING records staying out of the default
// listing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/delivery_helpers.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

class DeliveryApiTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  // Failed attempts are retried 100 ms apart for an hour: a PENDING record stays PENDING for as
  // long as a test looks at it, however loaded the machine (the receivers' 4xx answers fail at once).
  std::vector<std::string> ExtraArgs() override {
    return {"--delivery-retry-schedule", "100ms", "--delivery-retry-horizon", "1h"};
  }
  SecretsApi& api() { return *api_; }
  std::vector<std::string> Signatures(const ReceivedRequest& req) {
    std::vector<std::string> out;
    std::string h = req.Header("webhook-signature");
    size_t pos = 0;
    while (pos < h.size()) {
      size_t sp = h.find(' ', pos);
      out.push_back(h.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    return out;
  }

  WebhookReceiver receiver_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(DeliveryApiTest, SigningSecretIsShownOnlyWhenCreated) {
  auto created =
      api().Post("/csms/events", EventBody("ev", {"SECRET_VERSION_CREATED"}, WebhookTargetJson(receiver_.Url())));
  ASSERT_EQ(created.status, 200) << created.body;
  std::string secret = created.json["event"]["notification"]["signing_secret"].GetString();
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  for (const char* path : {"/csms/events/ev", "/csms/events"}) {
    auto r = api().Get(path);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("signing_secret"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find(secret.substr(6)), std::string::npos);
  }
  // SMN events have none.
  auto smn = api().Post("/csms/events", EventBody("smn", {"SECRET_VERSION_CREATED"}, SmnTargetJson("urn:smn:r:p:t")));
  EXPECT_FALSE(smn.json["event"]["notification"].HasMember("signing_secret"));
  // An SMN event turned into a WEBHOOK one gets its secret in the update's response.
  auto updated = api().Put("/csms/events/smn", R"({"notification":{"target_type":"WEBHOOK","target_id":")" +
                                                   receiver_.Url() + R"(","target_name":"hook"}})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  ASSERT_TRUE(updated.json["event"]["notification"].HasMember("signing_secret"));
  // Updating a WEBHOOK event's URL keeps its secret (no new one shown).
  auto url_change = api().Put("/csms/events/ev", R"({"notification":{"target_type":"WEBHOOK","target_id":")" +
                                                     receiver_.Url("/other") + R"(","target_name":"hook"}})");
  EXPECT_FALSE(url_change.json["event"]["notification"].HasMember("signing_secret"));
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(receiver_.WaitForCount(1, 60s));
  EXPECT_EQ(receiver_.Requests()[0].target, "/other");
  EXPECT_TRUE(OpensslVerifies(secret, receiver_.Requests()[0]));
  // Back to SMN: no secret to rotate any more.
  ASSERT_EQ(api()
                .Put("/csms/events/smn",
                     R"({"notification":{"target_type":"SMN","target_id":"urn:smn:r:p:t","target_name":"t"}})")
                .status,
            200);
  ExpectCsmsError(api().Post("/csms/events/smn/rotate-signing-secret", ""), 400, "CSMS.0604", "WEBHOOK");
}

TEST_F(DeliveryApiTest, RotationOverlapsThenOnlyTheNewSecretSigns) {
  std::string old_secret = CreateWebhookEvent(api(), "ev", {"SECRET_VERSION_CREATED"}, receiver_.Url());
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  ASSERT_TRUE(receiver_.WaitForCount(1, 60s));
  EXPECT_EQ(Signatures(receiver_.Requests()[0]).size(), 1u);

  auto rotated = api().Post("/csms/events/ev/rotate-signing-secret", R"({"overlap_seconds":3600})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string new_secret = rotated.json["signing_secret"].GetString();
  EXPECT_NE(new_secret, old_secret);
  EXPECT_NEAR(static_cast<double>(rotated.json["previous_secret_expire_time"].GetInt64()),
              static_cast<double>(api().Now() + 3'600'000), 5000);

  ASSERT_EQ(api().CreateVersion("s", "y").status, 200);
  ASSERT_TRUE(receiver_.WaitForCount(2, 60s));
  ReceivedRequest during = receiver_.Requests()[1];
  EXPECT_EQ(Signatures(during).size(), 2u);
  EXPECT_TRUE(OpensslVerifies(old_secret, during));  // receivers not yet switched keep working
  EXPECT_TRUE(OpensslVerifies(new_secret, during));  // switched ones too

  api().Advance(3'600'000 + 1000);  // the overlap is over
  ASSERT_EQ(api().CreateVersion("s", "z").status, 200);
  ASSERT_TRUE(receiver_.WaitForCount(3, 60s));
  ReceivedRequest after = receiver_.Requests()[2];
  EXPECT_EQ(Signatures(after).size(), 1u);
  EXPECT_TRUE(OpensslVerifies(new_secret, after));
  EXPECT_FALSE(OpensslVerifies(old_secret, after));

  // Bad input.
  ExpectCsmsError(api().Post("/csms/events/ev/rotate-signing-secret", R"({"overlap_seconds":-1})"), 400, "CSMS.0002",
                  "overlap_seconds");
  ExpectCsmsError(api().Post("/csms/events/ev/rotate-signing-secret", R"({"overlap_seconds":"1"})"), 400, "CSMS.0002",
                  "overlap_seconds");
  ExpectCsmsError(api().Post("/csms/events/ev/rotate-signing-secret", "[1]"), 400, "CSMS.0004");
  ExpectCsmsError(api().Post("/csms/events/nope/rotate-signing-secret", ""), 404, "CSMS.0005", "nope");

  // The stock Standard Webhooks library agrees (last: an explicit opt-out skips only this).
  if (NodeTestsOptedOut()) GTEST_SKIP() << "CSMS_SKIP_NODE_TESTS=1: the Standard Webhooks library check was left out";
  std::string why;
  ASSERT_TRUE(PrepareStandardWebhooks(&why)) << why;
  std::string output;
  EXPECT_TRUE(StandardWebhooksVerifies(
      {{old_secret, during, false}, {new_secret, during, false}, {new_secret, after, false}, {old_secret, after, true}},
      &output))
      << output;
  EXPECT_NE(output.find("verified 4"), std::string::npos) << output;
}

TEST_F(DeliveryApiTest, RecordDetailRedeliverAndRedrive) {
  std::atomic<int> status{400};
  receiver_.SetResponder([&](const ReceivedRequest&, size_t) {
    Reply r;
    r.status = status.load();
    return r;
  });
  CreateWebhookEvent(api(), "ev", {"SECRET_VERSION_CREATED"}, receiver_.Url());
  CreateWebhookEvent(api(), "other", {"SECRET_VERSION_CREATED"}, receiver_.Url());
  ASSERT_EQ(api().CreateSecret("a", "x", "ev").status, 200);
  ASSERT_EQ(api().CreateVersion("a", "y").status, 200);
  ASSERT_EQ(api().CreateSecret("b", "x", "other").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api(), "FAIL", 3, 60s));

  auto failed = ListAllRecords(api(), "secret_name=b");
  ASSERT_EQ(failed.size(), 1u);
  auto d = ShowRecord(api(), failed[0].record_id);
  ASSERT_EQ(d.status, 200) << d.body;
  const auto& rec = d.json["record"];
  EXPECT_STREQ(rec["record_id"].GetString(), failed[0].record_id.c_str());
  EXPECT_STREQ(rec["notification_status"].GetString(), "FAIL");
  EXPECT_STREQ(rec["notification_target_type"].GetString(), "WEBHOOK");
  EXPECT_STREQ(rec["notification_content"].GetString(), failed[0].content.c_str());
  EXPECT_EQ(rec["attempt_count"].GetInt(), 1);
  EXPECT_TRUE(rec.HasMember("final_time"));
  EXPECT_FALSE(rec.HasMember("next_attempt_time"));
  ASSERT_EQ(rec["attempts"].Size(), 1u);
  EXPECT_EQ(rec["attempts"][0]["http_status"].GetInt(), 400);
  EXPECT_GT(rec["attempts"][0]["latency_us"].GetInt64(), 0);

  // Redeliver one record: same webhook-id, a new attempt, a new final status.
  status = 200;
  auto again = api().Post("/csms/notification-records/" + failed[0].record_id + "/redeliver", "");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json["record"]["notification_status"].GetString(), "PENDING");
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", 1, 60s, "secret_name=b"));
  d = ShowRecord(api(), failed[0].record_id);
  EXPECT_EQ(d.json["record"]["attempt_count"].GetInt(), 2);
  EXPECT_EQ(d.json["record"]["attempts"][1]["number"].GetInt(), 2);
  EXPECT_EQ(d.json["record"]["attempts"][1]["http_status"].GetInt(), 200);
  auto reqs = receiver_.Requests();
  EXPECT_EQ(reqs.back().Header("webhook-id"), failed[0].record_id);
  EXPECT_EQ(reqs.back().body, failed[0].content);

  // Redrive by the listing's filters: only event "ev"'s failed records.
  size_t before = receiver_.Count();
  auto redrive = api().Post("/csms/notification-records/redrive?event_name=ev", "");
  ASSERT_EQ(redrive.status, 200) << redrive.body;
  EXPECT_EQ(redrive.json["redriven_count"].GetInt(), 2);
  EXPECT_FALSE(redrive.json["more"].GetBool());
  ASSERT_TRUE(WaitForStatusCount(api(), "SUCCESS", 3, 60s));
  EXPECT_EQ(receiver_.Count(), before + 2);
  // Nothing failed is left; SUCCESS records are redriven only when asked for.
  EXPECT_EQ(api().Post("/csms/notification-records/redrive", "").json["redriven_count"].GetInt(), 0);
  auto success = api().Post("/csms/notification-records/redrive?notification_status=SUCCESS&secret_name=a&limit=1", "");
  EXPECT_EQ(success.json["redriven_count"].GetInt(), 1);
  EXPECT_TRUE(success.json["more"].GetBool());

  // Errors.
  ExpectCsmsError(ShowRecord(api(), "00000000-0000-4000-8000-000000000000"), 404, "CSMS.0005");
  ExpectCsmsError(ShowRecord(api(), "not-a-record-id!"), 404, "CSMS.0005");
  ExpectCsmsError(api().Post("/csms/notification-records/00000000-0000-4000-8000-000000000000/redeliver", ""), 404,
                  "CSMS.0005");
  ExpectCsmsError(api().Post("/csms/notification-records/redrive?notification_status=LOST", ""), 400, "CSMS.0002",
                  "notification_status");
  ExpectCsmsError(api().Post("/csms/notification-records/redrive?limit=0", ""), 400, "CSMS.0002", "limit");
}

TEST_F(DeliveryApiTest, PendingRecordsAppearOnlyWhenAskedFor) {
  receiver_.Stop();
  CreateWebhookEvent(api(), "ev", {"SECRET_VERSION_CREATED"}, receiver_.Url());
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  auto pending = ListAllRecords(api(), "notification_status=PENDING");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].status, "PENDING");
  // The dispatcher has tried it (the receiver is down) and keeps it PENDING for a retry.
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto d = ShowRecord(api(), pending[0].record_id);
        return d.status == 200 && d.json["record"]["attempt_count"].GetInt() >= 1;
      },
      60s));
  EXPECT_TRUE(ListAllRecords(api()).empty());        // not in the default listing
  auto d = ShowRecord(api(), pending[0].record_id);  // by id, PENDING is shown
  EXPECT_STREQ(d.json["record"]["notification_status"].GetString(), "PENDING");
  EXPECT_TRUE(d.json["record"].HasMember("next_attempt_time")) << d.body;
}

TEST_F(DeliveryApiTest, TestNotifications) {
  std::string secret = CreateWebhookEvent(api(), "ev", {"SECRET_DELETED"}, receiver_.Url("/t"));
  auto r = api().Post("/csms/events/ev/test", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(r.json["test"]["notification_status"].GetString(), "SUCCESS");
  EXPECT_EQ(r.json["test"]["http_status"].GetInt(), 200);
  ASSERT_EQ(receiver_.Count(), 1u);
  ReceivedRequest req = receiver_.Requests()[0];
  EXPECT_EQ(req.Header("webhook-id"), r.json["test"]["notification_id"].GetString());
  EXPECT_TRUE(OpensslVerifies(secret, req));
  rapidjson::Document c;
  c.Parse(req.body.c_str());
  EXPECT_STREQ(c["eventType"].GetString(), "TEST");
  EXPECT_STREQ(c["eventName"].GetString(), "ev");
  EXPECT_TRUE(ListAllRecords(api()).empty());  // a test leaves no record

  receiver_.RespondAlways(500, "down");
  r = api().Post("/csms/events/ev/test", "");
  EXPECT_STREQ(r.json["test"]["notification_status"].GetString(), "FAIL");
  EXPECT_EQ(r.json["test"]["http_status"].GetInt(), 500);
  EXPECT_STREQ(r.json["test"]["error"].GetString(), "HTTP 500");  // the body ("down") is never shown
  EXPECT_EQ(receiver_.Count(), 2u);                               // not retried

  ASSERT_EQ(api().Post("/csms/events", EventBody("smn", {"SECRET_DELETED"}, SmnTargetJson("urn:smn:r:p:t"))).status,
            200);
  r = api().Post("/csms/events/smn/test", "");
  EXPECT_STREQ(r.json["test"]["notification_status"].GetString(), "INVALID");
  EXPECT_NE(std::string(r.json["test"]["error"].GetString()).find("SMN"), std::string::npos);
  ExpectCsmsError(api().Post("/csms/events/nope/test", ""), 404, "CSMS.0005", "nope");
}

}  // namespace
}  // namespace csms::test
