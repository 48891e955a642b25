// The rate limit on audit lines nobody authenticated for (audit/failure_throttle.h) and the short
// path of audit lines (docs/audit.md): a flood from one address writes `burst` lines, then one per
// refill, and its suppressed count comes back as one summary line; other addresses keep their own
// buckets; the table of addresses stays bounded.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "audit/failure_throttle.h"
#include "common/utf8.h"

namespace csms::test {
namespace {

using audit::FailureLimits;
using audit::FailureThrottle;

FailureLimits Limits() {
  FailureLimits l;
  l.per_second = 1;
  l.burst = 3;
  l.global_per_second = 100;
  l.global_burst = 100;
  l.summary_after_ms = 60'000;
  return l;
}

TEST(FailureThrottleTest, ABurstThenOneASecondAndTheSuppressedCountComesBack) {
  FailureThrottle t(Limits());
  FailureThrottle::Suppressed s;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(t.Admit("10.0.0.1", 1'000, &s)) << i;
  EXPECT_EQ(s.count, 0);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(t.Admit("10.0.0.1", 1'000 + i, &s)) << i;
  EXPECT_TRUE(t.Admit("10.0.0.2", 1'100, &s)) << "another address has its own bucket";
  EXPECT_EQ(s.count, 0);
  // A second later one line flows again, with the count of what was left out.
  ASSERT_TRUE(t.Admit("10.0.0.1", 2'000, &s));
  EXPECT_EQ(s.source, "10.0.0.1");
  EXPECT_EQ(s.count, 100);
  EXPECT_FALSE(t.Admit("10.0.0.1", 2'000, &s));
  ASSERT_TRUE(t.Admit("10.0.0.1", 3'000, &s));
  EXPECT_EQ(s.count, 1);
}

TEST(FailureThrottleTest, TheGlobalBucketLimitsEveryAddress) {
  FailureLimits l = Limits();
  l.global_burst = 5;
  l.global_per_second = 1;
  FailureThrottle t(l);
  FailureThrottle::Suppressed s;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.Admit("10.0.1." + std::to_string(i), 0, &s)) << i;
  EXPECT_FALSE(t.Admit("10.0.2.1", 0, &s)) << "a fresh address, but no global room";
  ASSERT_TRUE(t.Admit("10.0.2.1", 1'000, &s));
  EXPECT_EQ(s.count, 1);
}

TEST(FailureThrottleTest, ACountThatWaitsTooLongIsTakenForASummary) {
  FailureThrottle t(Limits());
  FailureThrottle::Suppressed s;
  for (int i = 0; i < 10; ++i) t.Admit("10.0.0.1", 0, &s);
  EXPECT_TRUE(t.TakeStale(59'999, 16).empty());
  auto stale = t.TakeStale(60'000, 16);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].source, "10.0.0.1");
  EXPECT_EQ(stale[0].count, 7);
  EXPECT_TRUE(t.TakeStale(200'000, 16).empty()) << "taken once";
  ASSERT_TRUE(t.Admit("10.0.0.1", 200'000, &s));
  EXPECT_EQ(s.count, 0);
}

TEST(FailureThrottleTest, TheTableOfAddressesIsBounded) {
  FailureLimits l = Limits();
  l.max_sources = 4;
  l.global_burst = 1'000'000;
  FailureThrottle t(l);
  FailureThrottle::Suppressed s;
  for (int i = 0; i < 1000; ++i) {
    for (int j = 0; j < 4; ++j) t.Admit("2001:db8::" + std::to_string(i), 0, &s);
  }
  EXPECT_LE(t.SizeForTesting(), 5u);
  // Addresses beyond the bound share one bucket, reported as "other".
  bool other = false;
  for (const auto& st : t.TakeStale(60'000, 100)) other = other || st.source == audit::kOtherSources;
  EXPECT_TRUE(other);
}

class MemorySink : public audit::Sink {
 public:
  explicit MemorySink(std::vector<std::string>* lines) : lines_(lines) {}
  Status Write(std::string_view line) override {
    lines_->emplace_back(line);
    return Status::OK();
  }

 private:
  std::vector<std::string>* lines_;
};

audit::Record Failure(int64_t time_ms, const std::string& path) {
  audit::Record r;
  r.time_ms = time_ms;
  r.type = "auth_failure";
  r.source = "192.0.2.7";
  r.method = "GET";
  r.path = path;
  r.status = 401;
  r.error_code = "CSMS.0301";
  return r;
}

TEST(AuditLogThrottleTest, TheLogWritesASummaryLineWhenLinesFlowAgain) {
  std::vector<std::string> lines;
  FailureLimits l = Limits();
  audit::Log log("key", "", l);
  log.AddSink(std::make_unique<MemorySink>(&lines));
  bool written = false;
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(log.AppendThrottled(Failure(1'000, "/v1/p/secrets/x"), &written).ok());
  EXPECT_EQ(lines.size(), 3u);
  ASSERT_TRUE(log.AppendThrottled(Failure(2'000, "/v1/p/secrets/x"), &written).ok());
  EXPECT_TRUE(written);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[3].find(R"("type":"suppressed")"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find(R"("suppressed":47)"), std::string::npos) << lines[3];
  EXPECT_NE(lines[3].find("47 further auth failures from 192.0.2.7 suppressed"), std::string::npos) << lines[3];
  EXPECT_NE(lines[4].find(R"("type":"auth_failure")"), std::string::npos) << lines[4];
  // Authenticated lines are never limited.
  audit::Record ok = Failure(2'000, "/v1/p/secrets/x");
  ok.type = "response";
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(log.Append(ok).ok());
  EXPECT_EQ(lines.size(), 25u);
}

TEST(AuditLogThrottleTest, APathIsCutTo128BytesOfWholeCharacters) {
  std::string line = audit::FormatLine(Failure(0, "/v1/PA/secrets/" + std::string(480, 'a')), "key", "");
  std::string expected = "/v1/PA/secrets/" + std::string(128 - 15, 'a') + "\u2026";
  EXPECT_NE(line.find(R"("path":")" + expected + R"(")"), std::string::npos) << line;

  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // é, two bytes
  line = audit::FormatLine(Failure(0, "/" + accents), "key", "");
  EXPECT_TRUE(utf8::IsValid(line)) << line;
  std::string cut = "/" + accents.substr(0, 126) + "\u2026";  // 127 bytes: no half character
  EXPECT_NE(line.find(R"("path":")" + cut + R"(")"), std::string::npos) << line;

  line = audit::FormatLine(Failure(0, "/v1/short"), "key", "");
  EXPECT_NE(line.find(R"("path":"/v1/short")"), std::string::npos) << line;
}

}  // namespace
}  // namespace csms::test
