// Triggers into the notification outbox, over HTTP with the --dev clock: each event type, the
// conditions under which nothing fires, expiry re-arming, near-expiry lead times, rotation (random
// value, rotation functions that succeed, fail or time out), and both kinds of deletion.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/http_stub.h"
#include "support/secrets_helpers.h"
#include "support/wait.h"

namespace csms::test {
namespace {

class TriggersTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  // Disables the background scheduler: ticks happen only when a test asks for one.
  std::vector<std::string> ExtraArgs() override { return {"--scheduler-interval-ms", "0", "--no-delivery"}; }
  SecretsApi& api() { return *api_; }

  // Waits until the task leaves RUNNING, ticking the scheduler (which runs rotation-function calls).
  // Gives up after `deadline` (generous: a loaded machine is slow, a finished task returns at once).
  std::string WaitTask(const std::string& task_id, std::chrono::seconds deadline = std::chrono::seconds(60)) {
    std::string status = "RUNNING";
    WaitUntil(
        [&] {
          api().Tick();
          auto r = api().Get("/csms/tasks?task_id=" + task_id);
          if (r.status == 200 && r.json["tasks"].Size() == 1) status = r.json["tasks"][0]["task_status"].GetString();
          return status != "RUNNING";
        },
        deadline);
    return status;
  }
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(TriggersTest, VersionCreatedForV1AndEveryNewVersionWithFullContent) {
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  auto created = api().CreateSecret("db", "super-secret-value", "ev");
  ASSERT_EQ(created.status, 200) << created.body;
  std::string secret_id = created.json["secret"]["id"].GetString();
  ASSERT_EQ(api().CreateVersion("db", "another-secret-value").status, 200);

  auto rows = api().Outbox("db");
  ASSERT_EQ(rows.size(), 2u);
  // Newest first.
  const OutboxRow& v2 = rows[0];
  const OutboxRow& v1 = rows[1];
  for (const OutboxRow* row : {&v1, &v2}) {
    EXPECT_EQ(row->event_name, "ev");
    EXPECT_EQ(row->type, "SECRET_VERSION_CREATED");
    EXPECT_EQ(row->secret_name, "db");
    ASSERT_FALSE(row->content.HasParseError()) << row->content_text;
    EXPECT_STREQ(row->content["eventName"].GetString(), "ev");
    EXPECT_STREQ(row->content["eventType"].GetString(), "SECRET_VERSION_CREATED");
    EXPECT_EQ(std::string(row->content["eventTime"].GetString()).size(), 24u);  // 2024-05-01T08:00:00.123Z
    EXPECT_STREQ(row->content["data"]["secretId"].GetString(), secret_id.c_str());
    EXPECT_STREQ(row->content["data"]["secretName"].GetString(), "db");
    EXPECT_STREQ(row->content["data"]["secretType"].GetString(), "COMMON");
    EXPECT_STREQ(row->content["notificationId"].GetString(), row->record_id.c_str());
    EXPECT_EQ(row->content_text.find("secret-value"), std::string::npos);
  }
  EXPECT_STREQ(v1.content["data"]["versionId"].GetString(), "v1");
  EXPECT_STREQ(v2.content["data"]["versionId"].GetString(), "v2");
  EXPECT_EQ(v1.content["sequence"].GetInt64(), 1);
  EXPECT_EQ(v2.content["sequence"].GetInt64(), 2);
}

TEST_F(TriggersTest, NothingFiresWithoutAnEnabledSubscribedType) {
  ASSERT_EQ(api().CreateEvent("off", AllEventTypes(), "DISABLED").status, 200);
  ASSERT_EQ(api().CreateEvent("deletes-only", {"SECRET_DELETED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("unsubscribed", "x").status, 200);
  ASSERT_EQ(api().CreateSecret("disabled", "x", "off").status, 200);
  ASSERT_EQ(api().CreateSecret("other-type", "x", "deletes-only").status, 200);
  for (const char* s : {"unsubscribed", "disabled", "other-type"}) {
    ASSERT_EQ(api().CreateVersion(s, "y", R"(,"expire_time":)" + std::to_string(api().Now() + 1000)).status, 200);
    ASSERT_EQ(api().Post(std::string("/secrets/") + s + "/rotate", "").status, 200);
  }
  api().AdvanceAndTick(60'000);
  EXPECT_TRUE(api().Outbox().empty());

  // Enabling the event makes the next change fire; re-arming the expiry fires it once more.
  ASSERT_EQ(api().Put("/csms/events/off", R"({"state":"ENABLED"})").status, 200);
  ASSERT_EQ(api().CreateVersion("disabled", "z").status, 200);
  ASSERT_EQ(api().Put("/secrets/disabled/versions/v2", R"({"expire_time":1000})").status, 200);
  api().Tick();
  EXPECT_EQ(api().OutboxTypes("disabled"),
            (std::vector<std::string>{"SECRET_VERSION_CREATED", "SECRET_VERSION_EXPIRED"}));
  EXPECT_TRUE(api().Outbox("unsubscribed").empty());
  EXPECT_TRUE(api().Outbox("other-type").empty());
  ASSERT_EQ(api().Delete("/secrets/other-type").status, 200);
  EXPECT_EQ(api().OutboxTypes("other-type"), (std::vector<std::string>{"SECRET_DELETED"}));
}

TEST_F(TriggersTest, ExpiredFiresOnceAndEachUpdateRearmsIt) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_EXPIRED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  int64_t now = api().Now();
  ASSERT_EQ(api().CreateVersion("s", "y", R"(,"expire_time":)" + std::to_string(now + 3'600'000)).status, 200);
  api().Tick();
  EXPECT_TRUE(api().Outbox("s").empty());  // not yet
  api().AdvanceAndTick(2 * 3'600'000);
  auto rows = api().Outbox("s");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].type, "SECRET_VERSION_EXPIRED");
  EXPECT_STREQ(rows[0].content["data"]["versionId"].GetString(), "v2");
  EXPECT_TRUE(rows[0].content["data"].HasMember("versionExpireTime"));
  api().AdvanceAndTick(3'600'000);
  EXPECT_EQ(api().Outbox("s").size(), 1u);  // once per expiry

  // Re-armed with a time already past: fires once more at the next tick, then never again.
  ASSERT_EQ(api().Put("/secrets/s/versions/v2", R"({"expire_time":)" + std::to_string(now) + "}").status, 200);
  api().Tick();
  api().Tick();
  EXPECT_EQ(api().Outbox("s").size(), 2u);
  // Re-armed in the future: fires when that time comes.
  int64_t later = api().Now() + 10'000;
  ASSERT_EQ(api().Put("/secrets/s/versions/v2", R"({"expire_time":)" + std::to_string(later) + "}").status, 200);
  api().Tick();
  EXPECT_EQ(api().Outbox("s").size(), 2u);
  api().AdvanceAndTick(20'000);
  EXPECT_EQ(api().Outbox("s").size(), 3u);
  // expire_time 0 disarms.
  ASSERT_EQ(api().Put("/secrets/s/versions/v2", R"({"expire_time":0})").status, 200);
  api().AdvanceAndTick(60 * kDayMs);
  EXPECT_EQ(api().Outbox("s").size(), 3u);
}

TEST_F(TriggersTest, NearExpiryAtEachLeadTimeThenExpired) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_NEAR_EXPIRY", "SECRET_VERSION_EXPIRED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  int64_t expire = api().Now() + 40 * kDayMs;
  ASSERT_EQ(api().CreateVersion("s", "y", R"(,"expire_time":)" + std::to_string(expire)).status, 200);
  api().AdvanceAndTick(9 * kDayMs);  // 31 days left
  EXPECT_TRUE(api().Outbox("s").empty());
  api().AdvanceAndTick(2 * kDayMs);  // 29 days left
  api().AdvanceAndTick(kDayMs);
  api().AdvanceAndTick(22 * kDayMs);             // 6 days left
  api().AdvanceAndTick(5 * kDayMs + 3'600'000);  // 23 hours left
  api().AdvanceAndTick(kDayMs);                  // expired
  api().AdvanceAndTick(kDayMs);
  auto rows = api().Outbox("s");
  ASSERT_EQ(rows.size(), 4u);
  std::vector<int64_t> leads;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->type == "SECRET_VERSION_NEAR_EXPIRY")
      leads.push_back(it->content["data"]["nearExpiryLeadSeconds"].GetInt64());
  }
  EXPECT_EQ(leads, (std::vector<int64_t>{30 * 86400, 7 * 86400, 86400}));
  EXPECT_EQ(rows[0].type, "SECRET_VERSION_EXPIRED");
  // Sequence numbers keep increasing across triggers.
  EXPECT_GT(rows[0].content["sequence"].GetInt64(), rows[1].content["sequence"].GetInt64());
}

TEST_F(TriggersTest, PassedLeadTimesDoNotFireRetroactivelyExceptTheNearest) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_NEAR_EXPIRY"}).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  int64_t expire = api().Now() + 5 * kDayMs;  // the 30-day and 7-day moments are already past
  ASSERT_EQ(api().CreateVersion("s", "y", R"(,"expire_time":)" + std::to_string(expire)).status, 200);
  api().Tick();
  api().Tick();
  auto rows = api().Outbox("s");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].content["data"]["nearExpiryLeadSeconds"].GetInt64(), 7 * 86400);
  api().AdvanceAndTick(4 * kDayMs + 3'600'000);
  rows = api().Outbox("s");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].content["data"]["nearExpiryLeadSeconds"].GetInt64(), 86400);
}

class CustomLeadTimesTest : public TriggersTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--scheduler-interval-ms", "0", "--no-delivery", "--near-expiry-lead-times", "2h,10m"};
  }
};

TEST_F(CustomLeadTimesTest, LeadTimesAreConfigurable) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_VERSION_NEAR_EXPIRY"}).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  int64_t expire = api().Now() + 3 * 3'600'000;
  ASSERT_EQ(api().CreateVersion("s", "y", R"(,"expire_time":)" + std::to_string(expire)).status, 200);
  api().AdvanceAndTick(3'600'000 + 60'000);       // 1 h 59 min left: the 2 h lead
  api().AdvanceAndTick(3'600'000 + 55 * 60'000);  // 4 min left: the 10 min lead
  std::vector<int64_t> leads;
  for (const auto& r : api().Outbox("s")) leads.push_back(r.content["data"]["nearExpiryLeadSeconds"].GetInt64());
  EXPECT_EQ(leads, (std::vector<int64_t>{600, 7200}));  // newest first
}

TEST_F(TriggersTest, ManualAndAutomaticRotationFireRotated) {
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev", R"(,"auto_rotation":true,"rotation_period":"6h")").status, 200);
  auto r = api().Post("/secrets/s/rotate", "");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string task = r.json["rotation_task_id"].GetString();
  EXPECT_EQ(api().OutboxTypes("s"),
            (std::vector<std::string>{"SECRET_VERSION_CREATED", "SECRET_VERSION_CREATED", "SECRET_ROTATED"}));
  auto outbox = api().Outbox("s");
  const auto& rotated = outbox[0];
  EXPECT_STREQ(rotated.content["data"]["versionId"].GetString(), "v2");
  EXPECT_STREQ(rotated.content["data"]["taskId"].GetString(), task.c_str());

  // Automatic rotation when next_rotation_time comes.
  int64_t next = api().Get("/secrets/s").json["secret"]["next_rotation_time"].GetInt64();
  api().AdvanceAndTick(5 * 3'600'000);
  EXPECT_EQ(api().Outbox("s").size(), 3u);
  api().AdvanceAndTick(3'600'000 + 1000);
  auto rows = api().Outbox("s");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].type, "SECRET_ROTATED");
  EXPECT_STREQ(rows[0].content["data"]["versionId"].GetString(), "v3");
  auto secret = api().Get("/secrets/s");
  EXPECT_GT(secret.json["secret"]["next_rotation_time"].GetInt64(), next);
  auto tasks = api().Get("/csms/tasks?secret_name=s");
  ASSERT_EQ(tasks.json["total"].GetInt(), 2);
  EXPECT_STREQ(tasks.json["tasks"][0]["operate_type"].GetString(), "AUTO_ROTATION");
  EXPECT_STREQ(tasks.json["tasks"][0]["task_status"].GetString(), "SUCCESS");
  // One tick per period: ticking again without time passing rotates nothing.
  api().Tick();
  EXPECT_EQ(api().Outbox("s").size(), 5u);
}

TEST_F(TriggersTest, RotationFunctionValueIsStored) {
  HttpStub fn;
  fn.Respond(200, R"({"secret_string":"from-the-function"})");
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "old-value", "ev", R"(,"rotation_func_urn":")" + fn.Url("/rotate") + "\"").status,
            200);
  auto r = api().Post("/secrets/s/rotate", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json.HasMember("version_id"));  // the function runs after the answer
  std::string task = r.json["rotation_task_id"].GetString();
  EXPECT_EQ(WaitTask(task), "SUCCESS");
  auto v = api().Get("/secrets/s/versions/latest");
  EXPECT_STREQ(v.json["version"]["secret_string"].GetString(), "from-the-function");
  EXPECT_STREQ(v.json["version"]["version_metadata"]["id"].GetString(), "v2");
  auto types = api().OutboxTypes("s");
  EXPECT_EQ(types.back(), "SECRET_ROTATED");
  auto reqs = fn.Requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].target, "/rotate");
  EXPECT_NE(reqs[0].body.find(R"("secret_name":"s")"), std::string::npos);
  EXPECT_NE(reqs[0].body.find(task), std::string::npos);
  EXPECT_EQ(reqs[0].body.find("old-value"), std::string::npos);  // never a value
}

TEST_F(TriggersTest, RotationFunctionFailuresFireRotatedFailed) {
  HttpStub fn;
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "keep-me", "ev", R"(,"rotation_func_urn":")" + fn.Url() + "\"").status, 200);
  struct Case {
    int status;
    std::string body;
    std::string message_part;
  };
  for (const Case& c : {Case{500, "{}", "HTTP 500"}, Case{200, "not json", "response"},
                        Case{200, R"({"secret_binary":"%%"})", "secret_binary"}}) {
    SCOPED_TRACE(c.message_part);
    fn.Respond(c.status, c.body);
    auto r = api().Post("/secrets/s/rotate", "");
    ASSERT_EQ(r.status, 200) << r.body;
    std::string task = r.json["rotation_task_id"].GetString();
    EXPECT_EQ(WaitTask(task), "FAILED");
    auto t = api().Get("/csms/tasks?task_id=" + task);
    EXPECT_NE(std::string(t.json["tasks"][0]["task_error_msg"].GetString()).find(c.message_part), std::string::npos)
        << t.body;
    EXPECT_STRNE(t.json["tasks"][0]["task_error_code"].GetString(), "");
    auto rows = api().Outbox("s");
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].type, "SECRET_ROTATED_FAILED");
    EXPECT_STREQ(rows[0].content["data"]["taskId"].GetString(), task.c_str());
  }
  // No version was created by the failures.
  auto v = api().Get("/secrets/s/versions/latest");
  EXPECT_STREQ(v.json["version"]["secret_string"].GetString(), "keep-me");
  // An unreachable function fails too.
  ASSERT_EQ(api().Put("/secrets/s", R"({"rotation_func_urn":"http://127.0.0.1:1/"})").status, 200);
  auto r = api().Post("/secrets/s/rotate", "");
  EXPECT_EQ(WaitTask(r.json["rotation_task_id"].GetString()), "FAILED");
  EXPECT_EQ(api().Outbox("s")[0].type, "SECRET_ROTATED_FAILED");
}

class RotationTimeoutTest : public TriggersTest {
 protected:
  std::vector<std::string> ExtraArgs() override {
    return {"--scheduler-interval-ms", "0", "--no-delivery", "--rotation-timeout-ms", "300"};
  }
};

TEST_F(RotationTimeoutTest, SlowFunctionTimesOut) {
  HttpStub fn;
  // It would answer after 60 s; the 300 ms timeout must end the call long before.
  fn.Respond(200, R"({"secret_string":"too-late"})", std::chrono::milliseconds(60'000));
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_ROTATED_FAILED", "SECRET_ROTATED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev", R"(,"rotation_func_urn":")" + fn.Url() + "\"").status, 200);
  auto start = std::chrono::steady_clock::now();
  auto r = api().Post("/secrets/s/rotate", "");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string task = r.json["rotation_task_id"].GetString();
  EXPECT_EQ(WaitTask(task, std::chrono::seconds(45)), "FAILED");
  // The configured 300 ms plus generous slack for a loaded machine, far below the function's 60 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300) + std::chrono::seconds(30));
  auto t = api().Get("/csms/tasks?task_id=" + task);
  EXPECT_NE(std::string(t.json["tasks"][0]["task_error_msg"].GetString()).find("300 ms"), std::string::npos) << t.body;
  EXPECT_EQ(api().OutboxTypes("s"), (std::vector<std::string>{"SECRET_ROTATED_FAILED"}));
}

TEST_F(TriggersTest, DeletedOnImmediateAndScheduledDeletion) {
  ASSERT_EQ(api().CreateEvent("ev", {"SECRET_DELETED"}).status, 200);
  ASSERT_EQ(api().CreateSecret("now", "x", "ev").status, 200);
  ASSERT_EQ(api().CreateSecret("later", "x", "ev").status, 200);
  ASSERT_EQ(api().CreateSecret("restored", "x", "ev").status, 200);
  ASSERT_EQ(api().Delete("/secrets/now").status, 200);
  auto rows = api().Outbox("now");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].type, "SECRET_DELETED");
  EXPECT_STREQ(rows[0].content["data"]["deletionType"].GetString(), "IMMEDIATE");

  ASSERT_EQ(api().Post("/secrets/later/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status,
            200);
  ASSERT_EQ(api().Post("/secrets/restored/scheduled-deleted-tasks/create", R"({"recovery_window_in_days":7})").status,
            200);
  EXPECT_TRUE(api().Outbox("later").empty());  // fires when the deletion completes, not when scheduled
  api().AdvanceAndTick(6 * kDayMs);
  ASSERT_EQ(api().Post("/secrets/restored/scheduled-deleted-tasks/cancel", "").status, 200);
  EXPECT_EQ(api().Get("/secrets/later").status, 200);
  api().AdvanceAndTick(kDayMs + 60'000);
  ExpectCsmsError(api().Get("/secrets/later"), 404, "CSMS.0106");
  rows = api().Outbox("later");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_STREQ(rows[0].content["data"]["deletionType"].GetString(), "SCHEDULED");
  EXPECT_EQ(api().Get("/secrets/restored").status, 200);
  EXPECT_TRUE(api().Outbox("restored").empty());
}

TEST_F(TriggersTest, FailedRequestsWriteNothing) {
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  ASSERT_EQ(api().CreateSecret("s", "x", "ev").status, 200);
  ExpectCsmsError(api().Post("/secrets", R"({"name":"s","secret_string":"x","event_subscriptions":["ev"]})"), 409,
                  "CSMS.0801");
  ExpectCsmsError(api().CreateVersion("s", "y", R"(,"version_stages":["a","a"])"), 400, "CSMS.0002");
  EXPECT_EQ(api().Outbox("s").size(), 1u);
}

}  // namespace
}  // namespace csms::test
