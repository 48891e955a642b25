// Test notifications hold no thread while their target is silent (decision 124): the route starts
// the outbound call on the network pool and answers when the call completes. With the default
// pool of 4 network threads, three projects each with 2 tests held by a target that accepts and
// never answers (6 > 4) do not delay another project's test; the per-project cap and the global
// cap (--max-tests-in-flight) still refuse the excess at once with 503 + Retry-After; the held
// tests, once their target answers, get their normal answer. The silent target is a receiver that
// holds each request until the test releases it (no timing luck); the delivery timeout (120 s) is
// far longer than any deadline asserted here.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/audit_lines.h"
#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/metrics_scrape.h"
#include "support/pending_requests.h"
#include "support/raw_socket.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/two_projects.h"
#include "support/wait.h"
#include "support/webhook_receiver.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

// The delivery timeout is far longer than any wait here, so a held test never ends on its own
// while the test runs: an answer within kPrompt did not wait for the held ones.
constexpr auto kPrompt = 20s;
constexpr auto kGenerous = 30s;  // conditions that only take scheduling time
const std::string kTimeout = "120000";

// A receiver that holds every request until ReleaseHeld (then answers 200).
void HoldEverything(WebhookReceiver& r) {
  r.SetResponder([](const ReceivedRequest&, size_t) {
    Reply reply;
    reply.hold = true;
    return reply;
  });
}

std::string TestPath(const std::string& project, const std::string& event) {
  return "/v1/" + project + "/csms/events/" + event + "/test";
}

void ExpectDelivered(const HttpResult& r) {
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.ok_json) << r.body;
  EXPECT_STREQ(r.json["test"]["notification_status"].GetString(), "SUCCESS") << r.body;
  EXPECT_EQ(r.json["test"]["http_status"].GetInt(), 200) << r.body;
}

// The silent target answers every held test (200), and each caller gets its normal answer.
void ReleaseAndExpectDelivered(WebhookReceiver& silent, PendingRequests& pending, const std::vector<size_t>& held) {
  silent.ReleaseHeld();
  for (size_t i : held) {
    auto r = pending.Wait(i, kGenerous);
    ASSERT_TRUE(r.has_value()) << i;
    ExpectDelivered(*r);
  }
}

struct Project {
  std::string id, token;
};

TEST(TestNotificationAsyncTest, SilentTargetsOfSeveralProjectsDoNotDelayAnotherProjectsTest) {
  WebhookReceiver silent, quick;
  HoldEverything(silent);
  TwoProjects p;
  // The default network pool (4 threads, 64 queued) and per-project cap (2).
  ASSERT_TRUE(p.Start({"--delivery-timeout-ms", kTimeout}));
  auto cred = ReadInitialCredentials(p.server.data_dir());
  std::vector<Project> held_projects = {{p.project_a, ""}, {p.project_b, ""}, {"", ""}};
  held_projects[2].id = CreateProject(p.server.data_dir(), "team-c");
  Project other{CreateProject(p.server.data_dir(), "team-d"), ""};
  ASSERT_FALSE(held_projects[2].id.empty());
  ASSERT_FALSE(other.id.empty());
  HttpClient client(p.server.port());
  for (Project* pr : {&held_projects[0], &held_projects[1], &held_projects[2], &other}) {
    pr->token = GetToken(client, "admin", cred["password"], "csms", pr->id);
    HttpClient c(p.server.port());
    c.set_token(pr->token);
    SecretsApi api(&c, pr->id);
    const bool is_other = pr == &other;
    ASSERT_FALSE(CreateWebhookEvent(api, "hook", {"SECRET_DELETED"}, is_other ? quick.Url() : silent.Url()).empty());
  }

  // 3 projects x 2 tests, all held by the silent target: more than the 4 network threads.
  PendingRequests pending(&p.server);
  std::vector<size_t> held;
  for (const Project& pr : held_projects) {
    for (int i = 0; i < 2; ++i) held.push_back(pending.Start("POST", TestPath(pr.id, "hook"), "", pr.token));
  }
  EXPECT_TRUE(silent.WaitForHeld(held.size(), kGenerous))
      << silent.HeldCount() << " of " << held.size() << " tests reached the silent target";

  // Another project's test is answered at once, not after the held ones' timeout.
  auto answer = pending.Send("POST", TestPath(other.id, "hook"), "", other.token, kPrompt);
  ASSERT_TRUE(answer.has_value()) << "another project's test waited behind the silent targets";
  ExpectDelivered(*answer);
  EXPECT_EQ(quick.Count(), 1u);

  // A project already at its cap is still refused at once.
  auto refused = pending.Send("POST", TestPath(held_projects[0].id, "hook"), "", held_projects[0].token, kPrompt);
  ASSERT_TRUE(refused.has_value());
  ExpectCsmsError(*refused, 503, "CSMS.0010", "this project already has 2 test notifications in flight");
  EXPECT_FALSE(refused->Header("retry-after").empty());
  EXPECT_EQ(silent.Count(), held.size()) << "the refused test must not reach the target";

  // Nothing held has been answered; once the target answers, each gets its normal answer.
  for (size_t i : held) EXPECT_FALSE(pending.Wait(i, 0ms).has_value()) << i;
  ReleaseAndExpectDelivered(silent, pending, held);
  // Their places are free again.
  silent.RespondAlways(200);
  HttpClient again(p.server.port());
  again.set_token(held_projects[0].token);
  ExpectDelivered(again.Request("POST", TestPath(held_projects[0].id, "hook"), ""));
}

TEST(TestNotificationAsyncTest, TheGlobalCapRefusesTestsBeyondIt) {
  WebhookReceiver silent;
  HoldEverything(silent);
  TwoProjects p;
  ASSERT_TRUE(p.Start({"--delivery-timeout-ms", kTimeout, "--max-tests-in-flight", "3"}));
  ASSERT_FALSE(CreateWebhookEvent(*p.a, "hook", {"SECRET_DELETED"}, silent.Url()).empty());
  ASSERT_FALSE(CreateWebhookEvent(*p.b, "hook", {"SECRET_DELETED"}, silent.Url()).empty());
  auto cred = ReadInitialCredentials(p.server.data_dir());
  HttpClient client(p.server.port());
  const std::string token_a = GetToken(client, "admin", cred["password"], "csms", p.project_a);
  const std::string token_b = GetToken(client, "admin", cred["password"], "csms", p.project_b);

  // A's 2 (its own cap) and B's first fill the global cap of 3.
  PendingRequests pending(&p.server);
  std::vector<size_t> held = {pending.Start("POST", TestPath(p.project_a, "hook"), "", token_a),
                              pending.Start("POST", TestPath(p.project_a, "hook"), "", token_a),
                              pending.Start("POST", TestPath(p.project_b, "hook"), "", token_b)};
  ASSERT_TRUE(silent.WaitForHeld(3, kGenerous)) << silent.HeldCount();

  // B is under its own cap, but the server is full.
  auto refused = pending.Send("POST", TestPath(p.project_b, "hook"), "", token_b, kPrompt);
  ASSERT_TRUE(refused.has_value());
  ExpectCsmsError(*refused, 503, "CSMS.0010", "the server already has 3 test notifications in flight");
  EXPECT_FALSE(refused->Header("retry-after").empty());
  EXPECT_EQ(silent.Count(), 3u);

  ReleaseAndExpectDelivered(silent, pending, held);
  silent.RespondAlways(200);
  ExpectDelivered(p.b->Post("/csms/events/hook/test", ""));
}

// A test whose caller hung up is answered into the void: the server stays well, and the test's
// place is given back when its target answers.
TEST(TestNotificationAsyncTest, AnAnswerAfterTheCallerLeftIsHarmless) {
  WebhookReceiver silent;
  HoldEverything(silent);
  TwoProjects p;
  ASSERT_TRUE(p.Start({"--delivery-timeout-ms", kTimeout}));
  ASSERT_FALSE(CreateWebhookEvent(*p.a, "hook", {"SECRET_DELETED"}, silent.Url()).empty());
  auto cred = ReadInitialCredentials(p.server.data_dir());
  HttpClient client(p.server.port());
  const std::string token = GetToken(client, "admin", cred["password"], "csms", p.project_a);
  const std::string request = "POST " + TestPath(p.project_a, "hook") +
                              " HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + token + "\r\nContent-Length: 0\r\n\r\n";
  {
    RawConnection first(p.server.port()), second(p.server.port());
    ASSERT_TRUE(first.Send(request));
    ASSERT_TRUE(second.Send(request));
    ASSERT_TRUE(silent.WaitForHeld(2, kGenerous));
  }  // both callers hang up
  silent.ReleaseHeld();
  // Both places are given back once both completions ran (on the network pool, in any order:
  // one test answered 200 proves only one of them).
  ASSERT_TRUE(
      WaitUntil([&] { return SeriesValue(Scrape(client), "csms_test_notifications_in_flight") == 0.0; }, kGenerous));
  silent.RespondAlways(200);
  ExpectDelivered(p.a->Post("/csms/events/hook/test", ""));
  PendingRequests pending(&p.server);
  HoldEverything(silent);
  size_t one = pending.Start("POST", TestPath(p.project_a, "hook"), "", token);
  size_t two = pending.Start("POST", TestPath(p.project_a, "hook"), "", token);
  ASSERT_TRUE(silent.WaitForHeld(2, kGenerous));
  ReleaseAndExpectDelivered(silent, pending, {one, two});
  EXPECT_EQ(p.server.Stop(), 0) << p.server.Log();
}

// With an audit log, a test's "request" line is written before the call starts and its
// "response" line when the answer comes (on the network pool, not the HTTP client's thread).
TEST(TestNotificationAsyncTest, TheAuditRecordEndsWhenTheAnswerComes) {
  WebhookReceiver silent;
  HoldEverything(silent);
  TwoProjects p;
  const std::string audit_path = p.server.dir() + "/audit.log";
  ASSERT_TRUE(p.Start({"--delivery-timeout-ms", kTimeout, "--audit-file", audit_path}));
  ASSERT_FALSE(CreateWebhookEvent(*p.a, "hook", {"SECRET_DELETED"}, silent.Url()).empty());
  auto cred = ReadInitialCredentials(p.server.data_dir());
  HttpClient client(p.server.port());
  const std::string token = GetToken(client, "admin", cred["password"], "csms", p.project_a);
  const std::string path = TestPath(p.project_a, "hook");
  auto lines_of = [&](const std::string& type) {
    std::vector<AuditLine> out;
    for (auto& l : ReadAuditLines(audit_path)) {
      if (l.action() == "csms:event:update" && l.type() == type &&
          Str(*l.json, "path").find("/test") != std::string::npos) {
        out.push_back(l);
      }
    }
    return out;
  };

  PendingRequests pending(&p.server);
  std::vector<size_t> held = {pending.Start("POST", path, "", token), pending.Start("POST", path, "", token)};
  ASSERT_TRUE(silent.WaitForHeld(2, kGenerous));
  EXPECT_EQ(lines_of("request").size(), 2u);
  EXPECT_EQ(lines_of("response").size(), 0u) << "a held test has no outcome yet";
  // The refused one is audited with its 503.
  auto refused = pending.Send("POST", path, "", token, kPrompt);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 503) << refused->body;

  ReleaseAndExpectDelivered(silent, pending, held);
  std::vector<AuditLine> responses;
  ASSERT_TRUE(WaitUntil(
      [&] {
        responses = lines_of("response");
        return responses.size() >= 3;
      },
      kGenerous))
      << responses.size();
  EXPECT_EQ(std::count_if(responses.begin(), responses.end(), [](const AuditLine& l) { return l.status() == 200; }), 2);
  EXPECT_EQ(std::count_if(responses.begin(), responses.end(),
                          [](const AuditLine& l) { return l.status() == 503 && l.error_code() == "CSMS.0010"; }),
            1);
  std::vector<std::string> request_ids;
  for (auto& l : lines_of("request")) request_ids.push_back(Str(*l.json, "request_id"));
  for (auto& l : responses) {
    if (l.status() != 200) continue;
    EXPECT_NE(std::find(request_ids.begin(), request_ids.end(), Str(*l.json, "request_id")), request_ids.end())
        << l.text;
  }
}

// SIGTERM while tests are held: the server drains and exits cleanly (the held tests end when the
// delivery client shuts down; nothing waits for their 120 s timeout).
TEST(TestNotificationAsyncTest, StoppingWithHeldTestsExitsCleanly) {
  WebhookReceiver silent;
  HoldEverything(silent);
  TwoProjects p;
  ASSERT_TRUE(p.Start({"--delivery-timeout-ms", kTimeout, "--shutdown-grace-seconds", "1"}));
  ASSERT_FALSE(CreateWebhookEvent(*p.a, "hook", {"SECRET_DELETED"}, silent.Url()).empty());
  auto cred = ReadInitialCredentials(p.server.data_dir());
  HttpClient client(p.server.port());
  const std::string token = GetToken(client, "admin", cred["password"], "csms", p.project_a);
  PendingRequests pending(&p.server);
  pending.Start("POST", TestPath(p.project_a, "hook"), "", token);
  pending.Start("POST", TestPath(p.project_a, "hook"), "", token);
  ASSERT_TRUE(silent.WaitForHeld(2, kGenerous));
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(p.server.Stop(), 0) << p.server.Log();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 60s) << "the stop waited for the held tests' timeout";
}

}  // namespace
}  // namespace csms::test
