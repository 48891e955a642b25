// Smoke: the server starts, answers health, issues a token, and serves an empty event list.
#include <gtest/gtest.h>

#include "support/dev_server.h"

namespace csms::test {
namespace {

class SmokeTest : public DevServerTest {};

TEST_F(SmokeTest, HealthAndEmptyEventList) {
  auto health = client_->Request("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Header("x-request-id").size(), 32u);

  auto list = client_->Request("GET", Path("/csms/events"));
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_TRUE(list.ok_json);
  ASSERT_TRUE(list.json["events"].IsArray());
  EXPECT_EQ(list.json["events"].Size(), 0u);
  EXPECT_EQ(list.json["page_info"]["current_count"].GetInt(), 0);
}

}  // namespace
}  // namespace csms::test
