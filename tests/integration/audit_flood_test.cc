// An anonymous flood of bad credentials against the audit log (docs/audit.md, "Unauthenticated
// failures"): every request is still answered 401/429, but the lines about them are limited per
// source address (a burst of 20, then one a second), their paths are cut to 128 bytes, and what
// was left out comes back as a "suppressed" line once lines flow again. Authenticated requests
// are audited one line each, flood or not.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>

#include "support/audit_lines.h"
#include "support/dev_server.h"
#include "support/wait.h"

namespace csms::test {
namespace {

class AuditFloodTest : public DevServerTest {
 protected:
  std::vector<std::string> ExtraArgs() override { return {"--audit-file", audit_path_}; }
  std::string audit_path_ = server_.dir() + "/audit.log";
};

constexpr int kBurst = 20;        // per source (audit/failure_throttle.h)
constexpr double kPerSecond = 1;  // refill per source

bool IsAnonymousFailure(const AuditLine& l) { return l.type() == "auth_failure" || l.type() == "lockout"; }

TEST_F(AuditFloodTest, AnAnonymousFloodWritesBoundedLines) {
  HttpClient anon(server_.port());
  const std::string path = Path("/secrets/") + std::string(480, 'a');
  const int kFlood = 300;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kFlood; ++i) {
    auto r = anon.Request("GET", path, "", {{"X-Auth-Token", "bogus"}});
    ASSERT_TRUE(r.status == 401 || r.status == 429) << i << ": " << r.status << " " << r.body;
  }
  double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int failures = 0;
  for (const auto& l : ReadAuditLines(audit_path_)) {
    if (!IsAnonymousFailure(l)) continue;
    ++failures;
    std::string p = Str(*l.json, "path");
    EXPECT_LE(p.size(), 128u + 3u) << p;
    EXPECT_EQ(p.substr(p.size() - 3), "\u2026") << p;
  }
  // The burst, plus what refilled while the flood ran (the bound is what the server promises,
  // computed from the flood's real duration, with one line of slack).
  EXPECT_LE(failures, kBurst + static_cast<int>(std::ceil(elapsed_s * kPerSecond)) + 1) << "in " << elapsed_s << " s";
  EXPECT_GE(failures, 1);

  // An authenticated request is audited whatever the flood did.
  EXPECT_EQ(client_->Request("GET", Path("/secrets")).status, 200);
  int listed = 0;
  for (const auto& l : ReadAuditLines(audit_path_)) {
    if (l.type() == "response" && l.action() == "csms:secret:list") ++listed;
  }
  EXPECT_EQ(listed, 1);

  // Once a line may flow again, the failures left out are reported ("suppressed" lines, written
  // before the next admitted line): in the end every failure of the flood is written or counted.
  int sent = kFlood;
  int64_t suppressed = 0;
  std::vector<AuditLine> lines;
  ASSERT_TRUE(WaitUntil(
      [&] {
        anon.Request("GET", path, "", {{"X-Auth-Token", "bogus"}});
        ++sent;
        lines = ReadAuditLines(audit_path_);
        suppressed = 0;
        for (const auto& l : lines) {
          if (l.type() != "suppressed") continue;
          EXPECT_EQ(Str(*l.json, "source"), "127.0.0.1") << l.text;
          EXPECT_TRUE(l.json->HasMember("suppressed") && (*l.json)["suppressed"].IsInt64()) << l.text;
          int64_t n = (*l.json)["suppressed"].GetInt64();
          EXPECT_EQ(Str(*l.json, "message"), std::to_string(n) + " further auth failures from 127.0.0.1 suppressed");
          suppressed += n;
        }
        if (suppressed < kFlood - failures) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return suppressed >= kFlood - failures;
      },
      std::chrono::seconds(60)))
      << "suppressed " << suppressed << " of " << kFlood - failures;
  int written = 0;
  for (const auto& l : lines) written += IsAnonymousFailure(l) ? 1 : 0;
  EXPECT_LE(written + suppressed, sent) << "nothing is counted twice";
}

}  // namespace
}  // namespace csms::test
