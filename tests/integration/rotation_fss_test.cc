// A FunctionGraph rotation function (rotation_func_urn "urn:fss:...") cannot be called by this
// server. It is stored and shown as sent, but rotating such a secret is refused — by
// RotateSecret with a 400, by automatic rotation with a FAILED task and SECRET_ROTATED_FAILED —
// and never silently replaced by a random value (docs/decisions.md).
#include <gtest/gtest.h>

#include "support/secrets_helpers.h"

namespace csms::test {
namespace {

constexpr const char* kFssUrn = "urn:fss:cn-north-4:0123456789abcdef:function:default:rotate";

class FssRotationTest : public DevServerTest {
 protected:
  void SetUp() override {
    DevServerTest::SetUp();
    api_ = std::make_unique<SecretsApi>(client_.get(), kDevProject);
  }
  // Ticks happen only when a test asks for one.
  std::vector<std::string> ExtraArgs() override { return {"--scheduler-interval-ms", "0", "--no-delivery"}; }
  SecretsApi& api() { return *api_; }

  std::string LatestValue(const std::string& secret) {
    auto v = api().Get("/secrets/" + secret + "/versions/latest");
    EXPECT_EQ(v.status, 200) << v.body;
    return v.status == 200 ? v.json["version"]["secret_string"].GetString() : "";
  }

  std::unique_ptr<SecretsApi> api_;
};

TEST_F(FssRotationTest, ManualRotationIsRefusedAndChangesNothing) {
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  auto created = api().CreateSecret("s", "keep-me", "ev", std::string(R"(,"rotation_func_urn":")") + kFssUrn + "\"");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_STREQ(created.json["secret"]["rotation_func_urn"].GetString(), kFssUrn);

  ExpectCsmsError(api().Post("/secrets/s/rotate", ""), 400, "CSMS.0803", "FunctionGraph");
  EXPECT_EQ(LatestValue("s"), "keep-me");
  auto tasks = api().Get("/csms/tasks?secret_name=s");
  ASSERT_EQ(tasks.status, 200) << tasks.body;
  EXPECT_EQ(tasks.json["tasks"].Size(), 0u);
  for (const auto& type : api().OutboxTypes("s")) EXPECT_EQ(type, "SECRET_VERSION_CREATED");

  // Removing the function ("" on update) makes rotation produce a random value again.
  auto updated = api().Put("/secrets/s", R"({"rotation_func_urn":""})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_FALSE(updated.json["secret"].HasMember("rotation_func_urn")) << updated.body;
  auto rotated = api().Post("/secrets/s/rotate", "");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(LatestValue("s"), "keep-me");
}

TEST_F(FssRotationTest, AutomaticRotationFailsOnRecord) {
  ASSERT_EQ(api().CreateEvent("ev", AllEventTypes()).status, 200);
  auto created = api().CreateSecret(
      "auto", "keep-me", "ev",
      std::string(R"(,"auto_rotation":true,"rotation_period":"6h","rotation_func_urn":")") + kFssUrn + "\"");
  ASSERT_EQ(created.status, 200) << created.body;

  api().AdvanceAndTick(7 * 3'600'000LL);

  auto tasks = api().Get("/csms/tasks?secret_name=auto");
  ASSERT_EQ(tasks.status, 200) << tasks.body;
  ASSERT_EQ(tasks.json["tasks"].Size(), 1u) << tasks.body;
  const auto& task = tasks.json["tasks"][0];
  EXPECT_STREQ(task["task_status"].GetString(), "FAILED");
  EXPECT_STREQ(task["operate_type"].GetString(), "AUTO_ROTATION");
  EXPECT_STREQ(task["task_error_code"].GetString(), "CSMS.0803");
  EXPECT_NE(std::string(task["task_error_msg"].GetString()).find("FunctionGraph"), std::string::npos) << tasks.body;
  EXPECT_EQ(LatestValue("auto"), "keep-me");
  EXPECT_EQ(api().OutboxTypes("auto").back(), "SECRET_ROTATED_FAILED");

  // The schedule moved on: the next tick at the same time does not fail it again.
  api().Tick();
  auto again = api().Get("/csms/tasks?secret_name=auto");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["tasks"].Size(), 1u) << again.body;
}

}  // namespace
}  // namespace csms::test
