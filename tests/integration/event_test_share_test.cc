// One project has at most 2 test notifications in flight at once (decision 115), the excess is
// refused at once (503 CSMS.0010, Retry-After), so another project's test is still answered while
// the first project's targets hang. (Since decision 124 a waiting test holds no network thread:
// test_notification_async_test.cc.) The slow
// target is a receiver that holds every request until the test releases it (no timing luck).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>

#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/pending_requests.h"
#include "support/secrets_helpers.h"
#include "support/signed_request.h"
#include "support/two_projects.h"
#include "support/wait.h"
#include "support/webhook_receiver.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

TEST(EventTestShareTest, OneProjectCannotTakeTheNetworkPoolFromAnother) {
  WebhookReceiver::Options slow_options;
  slow_options.threads = 8;
  WebhookReceiver slow(slow_options), quick;
  // Held until Stop() (far longer than the test); the delivery timeout is longer still.
  slow.SetResponder([](const ReceivedRequest&, size_t) { return Reply{200, "", {}, std::chrono::hours(1)}; });

  TwoProjects p;
  ASSERT_TRUE(p.Start({"--worker-threads", "4", "--worker-queue", "64", "--delivery-timeout-ms", "600000"}));
  ASSERT_FALSE(CreateWebhookEvent(*p.a, "w_slow", {"SECRET_DELETED"}, slow.Url()).empty());
  ASSERT_FALSE(CreateWebhookEvent(*p.b, "w_okb", {"SECRET_DELETED"}, quick.Url()).empty());
  auto cred = ReadInitialCredentials(p.server.data_dir());
  std::string token_a = GetToken(*p.client_a, "admin", cred["password"], "csms", p.project_a);

  // Project A sends 10 tests at once: 2 run (their target hangs), the other 8 are refused at once
  // (they never wait for the hanging ones).
  const std::string test_a = "/v1/" + p.project_a + "/csms/events/w_slow/test";
  PendingRequests pending(&p.server);
  const size_t kA = 10;
  for (size_t i = 0; i < kA; ++i) pending.Start("POST", test_a, "", token_a);
  std::map<size_t, HttpResult> answered;
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (size_t i = 0; i < kA; ++i) {
          if (answered.count(i)) continue;
          if (auto r = pending.Wait(i, 0ms)) answered.emplace(i, std::move(*r));
        }
        return answered.size() >= kA - 2;
      },
      60s))
      << answered.size() << " answered";
  size_t refused = 0;
  std::vector<size_t> held;
  for (size_t i = 0; i < kA; ++i) {
    auto it = answered.find(i);
    if (it == answered.end()) {
      held.push_back(i);
      continue;
    }
    ExpectCsmsError(it->second, 503, "CSMS.0010");
    EXPECT_FALSE(it->second.Header("retry-after").empty());
    ++refused;
  }
  EXPECT_EQ(refused, kA - 2);
  EXPECT_EQ(held.size(), 2u);
  EXPECT_LE(slow.Count(), 2u) << "no more than 2 of A's tests reached the target";

  // Project B's test is answered while A's two hang.
  auto b = p.b->Post("/csms/events/w_okb/test", "");
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_STREQ(b.json["test"]["notification_status"].GetString(), "SUCCESS");
  EXPECT_EQ(quick.Count(), 1u);

  // Once A's targets answer, A's tests finish and A may test again.
  slow.Stop();
  for (size_t i : held) {
    auto r = pending.Wait(i, 60s);
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ(r->status, 200) << r->body;
  }
  slow.SetResponder([](const ReceivedRequest&, size_t) { return Reply{}; });
  ASSERT_TRUE(slow.Start());
  auto again = p.a->Post("/csms/events/w_slow/test", "");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json["test"]["notification_status"].GetString(), "SUCCESS");
}

}  // namespace
}  // namespace csms::test
