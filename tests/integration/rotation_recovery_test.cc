// Crash recovery of rotation tasks, as promised by the task store and SecretService: a RUNNING
// task is a durable queue entry claimed under a lease. When csmsd dies mid-call, the task stays
// RUNNING; once its lease has passed, the next process retries it at start-up (no tick, no API
// call), as attempt 2; a task that has used up its attempts is abandoned: FAILED, with a
// SECRET_ROTATED_FAILED notification.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/clock.h"
#include "store/store.h"
#include "support/engine.h"
#include "support/http_stub.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

constexpr int kMaxAttempts = 3;  // SecretServiceOptions::rotation_max_attempts

class RotationRecoveryTest : public ::testing::Test {
 protected:
  void StartServer() {
    ASSERT_TRUE(server_.Start({"--no-access-log", "--no-delivery"})) << server_.Log();
    auto cred = ReadInitialCredentials(server_.data_dir());
    project_ = cred["project_id"];
    client_ = std::make_unique<HttpClient>(server_.port());
    client_->set_token(GetToken(*client_, "admin", cred["password"], "csms", project_));
    api_ = std::make_unique<SecretsApi>(client_.get(), project_);
  }

  // Polls the task until it leaves RUNNING (or a generous deadline); returns the last answer.
  HttpResult WaitTaskDone(const std::string& task_id) {
    HttpResult r;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      r = api_->Get("/csms/tasks?task_id=" + task_id);
      if (r.status == 200 && r.json["tasks"].Size() == 1 &&
          std::string(r.json["tasks"][0]["task_status"].GetString()) != "RUNNING") {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return r;
  }

  CsmsdProcess server_;
  std::string project_;
  std::unique_ptr<HttpClient> client_;
  std::unique_ptr<SecretsApi> api_;
};

TEST_F(RotationRecoveryTest, ACallCutByACrashIsRetriedAtStartUpOrAbandonedWhenAttemptsAreUsedUp) {
  HttpStub slow, fast;
  slow.Respond(200, R"({"secret_string":"never-stored"})", std::chrono::seconds(300));
  fast.Respond(200, R"({"secret_string":"rotated-after-crash"})");

  StartServer();
  ASSERT_EQ(api_->CreateEvent("ev", {"SECRET_ROTATED", "SECRET_ROTATED_FAILED"}).status, 200);
  std::string urn = R"(,"rotation_func_urn":")" + slow.Url("/rotate") + "\"";
  ASSERT_EQ(api_->CreateSecret("retried", "old-value", "ev", urn).status, 200);
  ASSERT_EQ(api_->CreateSecret("abandoned", "kept-value", "ev", urn).status, 200);
  auto r1 = api_->Post("/secrets/retried/rotate", "");
  auto r2 = api_->Post("/secrets/abandoned/rotate", "");
  ASSERT_EQ(r1.status, 200) << r1.body;
  ASSERT_EQ(r2.status, 200) << r2.body;
  std::string retried_id = r1.json["rotation_task_id"].GetString();
  std::string abandoned_id = r2.json["rotation_task_id"].GetString();

  // The worker is inside the first call: the slow function has seen it. Then a crash.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (slow.Requests().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(slow.Requests().empty()) << "the rotation function was never called";
  server_.Kill();

  // While csmsd is down: the tasks are RUNNING, the claimed one under a lease in the future. Let
  // the lease run out (instead of waiting rotation timeout + 30 s), point both secrets at the fast
  // function, and give the second task its last attempt already spent.
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(OpenEngineStore(server_.data_dir(), &store).ok());
    int64_t now = SystemClock().NowMillis();
    Status s = store->Write([&](Transaction& tx) -> Status {
      for (const std::string& id : {retried_id, abandoned_id}) {
        RotationTask t;
        CSMS_RETURN_IF_ERROR(tx.tasks().Get(project_, id, &t));
        EXPECT_EQ(t.status, TaskStatus::kRunning) << id;
        EXPECT_TRUE(t.due_time.has_value()) << id;
        if (t.attempt_nums == 1) {
          EXPECT_GT(*t.due_time, now) << "a claimed task is leased";
        }
        t.due_time = now - 1;
        t.rotation_func_urn = fast.Url("/rotate");
        if (id == abandoned_id) t.attempt_nums = kMaxAttempts;
        CSMS_RETURN_IF_ERROR(tx.tasks().Update(t));
        Secret secret;
        CSMS_RETURN_IF_ERROR(tx.secrets().Get(project_, t.secret_name, &secret));
        secret.rotation_func_urn = fast.Url("/rotate");
        CSMS_RETURN_IF_ERROR(tx.secrets().Update(secret));
      }
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // A new process, and nothing but its start-up: no tick, no rotate call.
  StartServer();
  auto retried = WaitTaskDone(retried_id);
  ASSERT_EQ(retried.json["tasks"].Size(), 1u) << retried.body;
  EXPECT_STREQ(retried.json["tasks"][0]["task_status"].GetString(), "SUCCESS") << retried.body;
  EXPECT_EQ(retried.json["tasks"][0]["attempt_nums"].GetInt64(), 2) << retried.body;
  auto latest = api_->Get("/secrets/retried/versions/latest");
  ASSERT_EQ(latest.status, 200) << latest.body;
  EXPECT_STREQ(latest.json["version"]["secret_string"].GetString(), "rotated-after-crash");
  bool saw_attempt_2 = false;
  for (const auto& req : fast.Requests()) {
    if (req.body.find(retried_id) != std::string::npos && req.body.find("\"attempt\":2") != std::string::npos) {
      saw_attempt_2 = true;
    }
  }
  EXPECT_TRUE(saw_attempt_2) << "the retry is attempt 2 of the same task";

  auto abandoned = WaitTaskDone(abandoned_id);
  ASSERT_EQ(abandoned.json["tasks"].Size(), 1u) << abandoned.body;
  EXPECT_STREQ(abandoned.json["tasks"][0]["task_status"].GetString(), "FAILED") << abandoned.body;
  EXPECT_NE(std::string(abandoned.json["tasks"][0]["task_error_msg"].GetString()).find("abandoned"), std::string::npos)
      << abandoned.body;
  for (const auto& req : fast.Requests()) EXPECT_EQ(req.body.find(abandoned_id), std::string::npos) << req.body;
  auto kept = api_->Get("/secrets/abandoned/versions/latest");
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_STREQ(kept.json["version"]["secret_string"].GetString(), "kept-value");
  auto types = api_->OutboxTypes("abandoned");
  EXPECT_EQ(types, (std::vector<std::string>{"SECRET_ROTATED_FAILED"}));
  EXPECT_EQ(api_->OutboxTypes("retried"), (std::vector<std::string>{"SECRET_ROTATED"}));
}

}  // namespace
}  // namespace csms::test
