// Issue 14 item 11: the --dev clock refuses times it cannot represent (400, clock unchanged)
// instead of overflowing, and a large but valid jump keeps tokens consistent.
#include <gtest/gtest.h>

#include <string>

#include "support/dev_server.h"

namespace csms::test {
namespace {

class DevClockRangeTest : public DevServerTest {
 protected:
  int64_t Offset() {
    auto r = client_->Request("GET", "/csms-dev/clock");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.ok_json ? r.json["offset_ms"].GetInt64() : 0;
  }
};

TEST_F(DevClockRangeTest, OutOfRangeTimesAre400AndChangeNothing) {
  int64_t before = Offset();
  for (const char* body : {R"({"advance_ms":9223372036854775807})", R"({"advance_ms":-9223372036854775808})",
                           R"({"now_ms":-9223372036854775808})", R"({"now_ms":9223372036854775807})",
                           R"({"now_ms":-1})", R"({"now_ms":221845392000001})", R"({"advance_ms":-100000000000000})"}) {
    auto r = client_->Request("POST", "/csms-dev/clock", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(r.ErrorCode(), "CSMS.0002") << body;
    EXPECT_EQ(Offset(), before) << body;
  }
  // Still alive and consistent.
  EXPECT_EQ(client_->Request("GET", Path("/csms/events")).status, 200);
}

TEST_F(DevClockRangeTest, LargeValidJumpKeepsTokensConsistent) {
  for (const char* body : {R"({"now_ms":221845392000000})", R"({"now_ms":0})", R"({"now_ms":253402300799})"}) {
    auto r = client_->Request("POST", "/csms-dev/clock", body);
    ASSERT_EQ(r.status, 200) << body << ": " << r.body;
    auto issued = client_->Request("POST", "/v3/auth/tokens", PasswordAuthBody("admin", "admin", "csms", kDevProject));
    ASSERT_EQ(issued.status, 201) << body << ": " << issued.body;
    std::string issued_at = issued.json["token"]["issued_at"].GetString();
    std::string expires_at = issued.json["token"]["expires_at"].GetString();
    ASSERT_EQ(issued_at.size(), 27u) << issued_at;
    ASSERT_EQ(expires_at.size(), 27u) << expires_at;
    EXPECT_LT(issued_at, expires_at) << body;  // same fixed-width format: text order is time order
    auto use = client_->Request("GET", Path("/csms/events"), "", {{"X-Auth-Token", issued.Header("x-subject-token")}});
    EXPECT_EQ(use.status, 200) << body << ": " << use.body;
  }
  // From year 9000, advancing further is refused.
  ASSERT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"now_ms":221845392000000})").status, 200);
  EXPECT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":86400000})").status, 400);
  EXPECT_EQ(client_->Request("POST", "/csms-dev/clock", R"({"advance_ms":-86400000})").status, 200);
}

}  // namespace
}  // namespace csms::test
