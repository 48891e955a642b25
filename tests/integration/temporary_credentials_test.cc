// Issue 8: temporary credentials live at least 900 s, as Huawei's; the 1-second shortcut for
// tests is gone (expiry is tested with a settable clock in tests/unit/access_key_test.cc).
#include <gtest/gtest.h>

#include <string>

#include "support/csmsd_process.h"
#include "support/signed_request.h"

namespace csms::test {
namespace {

TEST(TemporaryCredentials, LiveAtLeast900Seconds) {
  CsmsdProcess server;
  ASSERT_TRUE(server.Start({"--no-access-log", "--no-delivery"})) << server.Log();
  for (const char* too_short : {"1", "60", "899"}) {
    int rc = 0;
    std::string out;
    auto kv = RunAdmin(server.data_dir(),
                       {"create-temporary-credentials", "--user", "admin", "--duration-seconds", too_short}, &rc, &out);
    EXPECT_NE(rc, 0) << too_short << ": " << out;
    EXPECT_TRUE(kv["security_token"].empty()) << too_short;
    EXPECT_NE(out.find("900"), std::string::npos) << "the message names the minimum: " << out;
  }
  int rc = 0;
  auto kv = RunAdmin(server.data_dir(),
                     {"create-temporary-credentials", "--user", "admin", "--duration-seconds", "900"}, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_FALSE(kv["security_token"].empty());
  kv = RunAdmin(server.data_dir(), {"create-temporary-credentials", "--user", "admin"}, &rc);  // default: 900
  EXPECT_EQ(rc, 0);
  EXPECT_FALSE(kv["security_token"].empty());
}

}  // namespace
}  // namespace csms::test
