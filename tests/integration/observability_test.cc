// Observability against the real csmsd: /metrics passes promtool and its counters move with the
// work done, /readyz reports readiness and its reason, and the request and notification logs
// name callers without ever holding a secret value, a token or a secret key.
#include <gtest/gtest.h>

#include <ctime>
#include <string>

#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/engine.h"
#include "support/metrics_scrape.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/wait.h"
#include "support/webhook_receiver.h"

namespace csms::test {
namespace {

const std::string kEventsList =
    R"(csms_http_requests_total{route="/v1/{project_id}/csms/events",method="GET",status="200"})";

class MetricsTest : public DevServerTest {};

TEST_F(MetricsTest, ScrapePassesPromtool) {
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_EQ(api.CreateSecret("metrics-s1", "v1").status, 200);
  EXPECT_EQ(client_->Request("GET", "/no/such/route").status, 404);
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
  auto r = client_->Request("GET", "/metrics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  std::string output;
  int rc = PromtoolCheck(r.body, &output);
  EXPECT_EQ(rc, 0) << "promtool check metrics failed (rc " << rc << "; scripts/install-deps.sh installs the Debian "
                   << "package prometheus):\n"
                   << output << "\n--- scrape ---\n"
                   << r.body;
  // Every family the docs promise is there.
  for (const char* family :
       {"csms_http_requests_total", "csms_http_request_duration_seconds", "csms_notifications_total",
        "csms_delivery_attempt_duration_seconds", "csms_outbox_depth", "csms_outbox_oldest_due_age_seconds",
        "csms_scheduler_lag_seconds", "csms_store_commit_seconds_total", "csms_store_write_group_size",
        "csms_token_cache_requests_total", "csms_access_key_lookups_total", "csms_test_notifications_in_flight"}) {
    EXPECT_NE(r.body.find(std::string("# TYPE ") + family + " "), std::string::npos) << family;
  }
}

TEST_F(MetricsTest, CountersMoveWithTheWorkDone) {
  std::string before = Scrape(*client_);
  const double events_before = CounterValue(before, kEventsList);
  const double unmatched_before =
      CounterValue(before, R"(csms_http_requests_total{route="unmatched",method="any",status="404"})");
  const double tokens_before = CounterValue(before, R"(csms_token_cache_requests_total{result="hit"})") +
                               CounterValue(before, R"(csms_token_cache_requests_total{result="miss"})");
  const double commits_before = CounterValue(before, "csms_store_commits_total");
  constexpr int kN = 7;
  for (int i = 0; i < kN; ++i) ASSERT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client_->Request("GET", "/not/a/route").status, 404);
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_EQ(api.CreateSecret("metrics-s2", "v").status, 200);

  // A request is counted before its answer leaves, so the counts are exact at once.
  std::string after = Scrape(*client_);
  EXPECT_EQ(CounterValue(after, kEventsList), events_before + kN) << after;
  EXPECT_EQ(CounterValue(after, R"(csms_http_requests_total{route="unmatched",method="any",status="404"})"),
            unmatched_before + 3);
  EXPECT_EQ(
      CounterValue(after, R"(csms_http_requests_total{route="/v1/{project_id}/secrets",method="POST",status="200"})"),
      1);
  // Each authenticated request validated its token once: from the cache or from the database.
  EXPECT_EQ(CounterValue(after, R"(csms_token_cache_requests_total{result="hit"})") +
                CounterValue(after, R"(csms_token_cache_requests_total{result="miss"})"),
            tokens_before + kN + 1);
  EXPECT_GE(CounterValue(after, "csms_store_commits_total"), commits_before + 1);
  EXPECT_GE(
      CounterValue(after,
                   R"(csms_http_request_duration_seconds_count{route="/v1/{project_id}/csms/events",method="GET"})"),
      kN);
}

// Notifications count by target type and final status, and each final outcome is one log line.
class NotificationMetricsTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--delivery-retry-schedule", "50ms"}; }
};

TEST_F(NotificationMetricsTest, FinalOutcomesCountedAndLogged) {
  WebhookReceiver receiver;
  receiver.RespondAlways(204);
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_FALSE(CreateWebhookEvent(api, "metrics-hook", {"SECRET_VERSION_CREATED"}, receiver.Url()).empty());
  const std::string series = R"(csms_notifications_total{target_type="WEBHOOK",status="SUCCESS"})";
  EXPECT_EQ(CounterValue(Scrape(*client_), series), 0);
  ASSERT_EQ(api.CreateSecret("metrics-notified", "do-not-log-me", "metrics-hook").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api, "SUCCESS", 1, std::chrono::seconds(30)));
  std::vector<RecordView> records = api.Records("notification_status=SUCCESS");
  ASSERT_EQ(records.size(), 1u);
  // The counter and the log line follow the commit that the record listing shows: poll for them.
  EXPECT_TRUE(WaitUntil([&] { return CounterValue(Scrape(*client_), series) == 1; }, std::chrono::seconds(30)));
  const std::string line = "notification record_id=" + records[0].record_id;
  EXPECT_TRUE(WaitUntil([&] { return server_.Log().find(line) != std::string::npos; }, std::chrono::seconds(30)))
      << server_.Log();
  EXPECT_EQ(CounterValue(Scrape(*client_), "csms_outbox_depth"), 0);
  const std::string log = server_.Log();
  EXPECT_NE(log.find("target_type=WEBHOOK status=SUCCESS"), std::string::npos) << log;
  EXPECT_EQ(log.find("do-not-log-me"), std::string::npos);
}

// The outbox figures come from the database at each scrape: with delivery off, a notification
// stays PENDING and the outbox shows it.
class OutboxMetricsTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--no-delivery"}; }
};

TEST_F(OutboxMetricsTest, PendingNotificationsShowAsOutboxDepth) {
  SecretsApi api(client_.get(), kDevProject);
  ASSERT_EQ(api.CreateEvent("metrics-smn", {"SECRET_VERSION_CREATED"}).status, 200);
  EXPECT_EQ(CounterValue(Scrape(*client_), "csms_outbox_depth"), 0);
  ASSERT_EQ(api.CreateSecret("metrics-p1", "v", "metrics-smn").status, 200);
  ASSERT_EQ(api.CreateSecret("metrics-p2", "v", "metrics-smn").status, 200);
  std::string scrape = Scrape(*client_);
  EXPECT_EQ(CounterValue(scrape, "csms_outbox_depth"), 2) << scrape;
  EXPECT_EQ(CounterValue(scrape, "csms_backlog_read_ok"), 1);
}

class ReadyzTest : public ::testing::Test {};

TEST_F(ReadyzTest, ReadyThenUnavailableWithTheReasonWhenTheSchemaIsNotThisBinarys) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-delivery"})) << server.Log();
  HttpClient client(server.port());
  auto r = client.Request("GET", "/readyz");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.ok_json);
  EXPECT_STREQ(r.json["status"].GetString(), "ready");

  // Another (newer) csmsd migrated the database further: this one must not take traffic.
  ASSERT_EQ(ExecEngineSql(server.data_dir(), "INSERT INTO schema_version (version) VALUES (100000)"), "");
  r = client.Request("GET", "/readyz");
  EXPECT_EQ(r.status, 503) << r.body;
  ASSERT_TRUE(r.ok_json) << r.body;
  EXPECT_STREQ(r.json["status"].GetString(), "unavailable");
  EXPECT_NE(std::string(r.json["reason"].GetString()).find("schema is at version 100000"), std::string::npos) << r.body;
  EXPECT_EQ(client.Request("GET", "/healthz").status, 200);  // alive all the same
}

// The request log: one JSON line per request naming the route template and the caller, and
// nothing of a secret value, a token or a secret key anywhere in the output.
TEST(RequestLogTest, JsonLinesNameCallersAndHoldNoSecrets) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev", "--log-format", "json"})) << server.Log();
  HttpClient client(server.port());
  const std::string token = GetToken(client, kDevUser, kDevPassword, kDevDomain, kDevProject);
  ASSERT_FALSE(token.empty());
  client.set_token(token);
  SecretsApi api(&client, kDevProject);
  const std::string value = "s3cr3t-value-7f1c2a";
  ASSERT_EQ(api.CreateSecret("logged-secret", value).status, 200);
  ASSERT_EQ(api.Get("/secrets/logged-secret/versions/latest").status, 200);

  HttpClient anon(server.port());
  SignedParts signed_get = MakeSigned(anon, AkSk{kDevAk, kDevSk, ""}, "GET",
                                      "/v1/" + std::string(kDevProject) + "/secrets/logged-secret", "", kDevProject);
  signed_get.Sign(AkSk{kDevAk, kDevSk, ""}, static_cast<int64_t>(std::time(nullptr)));
  ASSERT_EQ(signed_get.Send(anon).status, 200);

  // The access log is flushed in the background (every 200 ms) and at exit.
  ASSERT_EQ(server.Stop(), 0);
  const std::string log = server.Log();
  EXPECT_NE(log.find(R"("msg":"request")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("route":"/v1/{project_id}/secrets","status":200)"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("route":"/v1/{project_id}/secrets/{secret_name}","status":200)"), std::string::npos) << log;
  EXPECT_NE(log.find(std::string(R"("access_key":")") + kDevAk + "\""), std::string::npos) << log;
  EXPECT_NE(log.find(R"("user_id":")"), std::string::npos);
  EXPECT_EQ(log.find(value), std::string::npos) << "the secret value is in the log";
  EXPECT_EQ(log.find(token), std::string::npos) << "the token is in the log";
  EXPECT_EQ(log.find(kDevSk), std::string::npos) << "the secret key is in the log";
  EXPECT_EQ(log.find(signed_get.authorization.substr(signed_get.authorization.rfind('=') + 1)), std::string::npos)
      << "the signature is in the log";
  // Every line is one JSON object.
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    std::string line = log.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    rapidjson::Document doc;
    doc.Parse(line.c_str(), line.size());
    EXPECT_FALSE(doc.HasParseError()) << line;
  }
}

TEST(MetricsListenerTest, SeparateListenerServesOnlyObservability) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev", "--metrics-listen", "127.0.0.1:0"})) << server.Log();
  // The bound port is logged before the main port file is written, so it is there now.
  const std::string log = server.Log();
  const std::string marker = "metrics listening on 127.0.0.1:";
  size_t at = log.find(marker);
  ASSERT_NE(at, std::string::npos) << log;
  const int port = std::stoi(log.substr(at + marker.size()));
  ASSERT_GT(port, 0);
  HttpClient metrics(static_cast<uint16_t>(port));
  auto r = metrics.Request("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("csms_http_requests_total"), std::string::npos);
  EXPECT_EQ(metrics.Request("GET", "/readyz").status, 200);
  EXPECT_EQ(metrics.Request("GET", "/healthz").status, 200);
  auto other = metrics.Request("GET", "/v1/" + std::string(kDevProject) + "/csms/events");
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(metrics.Request("POST", "/v3/auth/tokens").status, 404);
  // It reads no request body at all: one is refused before it is read (http/body_limits.h).
  auto with_body = metrics.Request("POST", "/v3/auth/tokens", "{}");
  EXPECT_EQ(with_body.status, 413) << with_body.body;
  EXPECT_EQ(with_body.ErrorCode(), "CSMS.0004");
  EXPECT_EQ(HttpClient(static_cast<uint16_t>(port)).Request("POST", "/metrics", "x").status, 413);
}

}  // namespace
}  // namespace csms::test
