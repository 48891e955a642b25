// The SSRF guard of webhooks (--webhook-allow, common/destination_policy.h): a production server
// refuses targets on its own host, the private network and the metadata service, both when an
// event names one literally (400) and at delivery, after resolving a name (the record ends
// INVALID, nothing is sent). No error an API reader sees ever holds a receiver's answer body.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/delivery_helpers.h"
#include "support/dev_server.h"
#include "support/two_projects.h"
#include "support/webhook_receiver.h"

namespace csms::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kInternal = "INTERNAL-ONLY-DATA: db password is hunter2";

std::string HookBody(const std::string& name, const std::string& url) {
  return EventBody(name, {"SECRET_VERSION_CREATED"}, WebhookTargetJson(url));
}

// A production server with the default guard (`external` only), as an operator runs it.
class WebhookGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    receiver_.RespondAlways(500, kInternal);
    ASSERT_TRUE(projects_.Start(
        {"--webhook-allow", "external", "--delivery-retry-schedule", "100ms", "--delivery-retry-horizon", "1h"}));
  }
  SecretsApi& api() { return *projects_.a; }

  WebhookReceiver receiver_;
  TwoProjects projects_;
};

TEST_F(WebhookGuardTest, EventWithALiteralInternalTargetIsRefused) {
  const std::string port = std::to_string(receiver_.port());
  const std::string own = std::to_string(projects_.server.port());
  for (const std::string& host :
       std::vector<std::string>{"127.0.0.1:" + port, "127.1:" + port, "2130706433:" + port, "0x7f000001:" + port,
                                "[::ffff:127.0.0.1]:" + port, "[::1]:" + port, "0.0.0.0:" + own, "127.0.0.1:" + own,
                                std::string("169.254.169.254"), std::string("10.0.0.1:8080"), std::string("172.16.0.1"),
                                std::string("192.168.1.1"), std::string("[fc00::1]")}) {
    auto r = api().Post("/csms/events", HookBody("ev", "http://" + host + "/latest/meta-data"));
    ExpectCsmsError(r, 400, "CSMS.0002", "is not allowed by --webhook-allow");
  }
  // Also when an existing event is pointed there.
  ASSERT_EQ(api().Post("/csms/events", HookBody("ev", "https://hooks.example.com/h")).status, 200);
  auto r = api().Put("/csms/events/ev", R"({"notification":{"target_type":"WEBHOOK","target_id":"http://127.1:)" +
                                            port + R"(/x","target_name":"hook"}})");
  ExpectCsmsError(r, 400, "CSMS.0002", "destination 127.0.0.1 (loopback) is not allowed by --webhook-allow");
  EXPECT_EQ(receiver_.Count(), 0u);
}

// A name is checked at delivery, against the address it resolves to: "localhost" passes the
// event API, and its test notification and real deliveries are refused without a byte sent.
TEST_F(WebhookGuardTest, NameResolvingToLoopbackIsRefusedAtDelivery) {
  ASSERT_EQ(api().Post("/csms/events", HookBody("ev", receiver_.Url("/hook", "localhost"))).status, 200);
  auto t = api().Post("/csms/events/ev/test", "");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_STREQ(t.json["test"]["notification_status"].GetString(), "INVALID") << t.body;
  EXPECT_NE(t.body.find("is not allowed by --webhook-allow"), std::string::npos) << t.body;
  EXPECT_EQ(t.body.find("INTERNAL-ONLY-DATA"), std::string::npos) << t.body;

  ASSERT_EQ(api().CreateSecret("s", "v", "ev").status, 200);
  ASSERT_TRUE(WaitForStatusCount(api(), "INVALID", 1, 60s));
  auto records = ListAllRecords(api(), "notification_status=INVALID");
  ASSERT_EQ(records.size(), 1u);
  auto detail = ShowRecord(api(), records[0].record_id);
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_NE(detail.body.find("is not allowed by --webhook-allow"), std::string::npos) << detail.body;
  EXPECT_EQ(detail.body.find("INTERNAL-ONLY-DATA"), std::string::npos) << detail.body;
  EXPECT_EQ(receiver_.Count(), 0u);  // nothing ever reached the receiver
}

// Where the operator allows the loopback (as the shared test support does), deliveries reach the
// receiver, but its answer's body is still never shown to the project.
TEST(WebhookGuardAllowedTest, AllowedLoopbackDeliversButNeverReflectsTheBody) {
  WebhookReceiver receiver;
  receiver.RespondAlways(500, kInternal);
  TwoProjects projects;
  ASSERT_TRUE(projects.Start({"--webhook-allow", "loopback"}));
  SecretsApi& api = *projects.a;
  ASSERT_EQ(api.Post("/csms/events", HookBody("ev", receiver.Url())).status, 200);
  auto t = api.Post("/csms/events/ev/test", "");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.json["test"]["http_status"].GetInt(), 500) << t.body;
  EXPECT_STREQ(t.json["test"]["error"].GetString(), "HTTP 500") << t.body;
  EXPECT_EQ(t.body.find("INTERNAL-ONLY-DATA"), std::string::npos) << t.body;
  EXPECT_EQ(receiver.Count(), 1u);
}

TEST(WebhookGuardDevTest, DevServerDeliversToLoopback) {
  WebhookReceiver receiver;
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--dev", "--no-access-log"})) << server.Log();
  HttpClient client(server.port());
  client.set_token(GetToken(client, kDevUser, kDevPassword, kDevDomain, kDevProject));
  SecretsApi api(&client, kDevProject);
  ASSERT_EQ(api.Post("/csms/events", HookBody("ev", "http://127.1:" + std::to_string(receiver.port()) + "/h")).status,
            200);
  auto t = api.Post("/csms/events/ev/test", "");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_STREQ(t.json["test"]["notification_status"].GetString(), "SUCCESS") << t.body;
  EXPECT_EQ(receiver.Count(), 1u);
}

}  // namespace
}  // namespace csms::test
