// The brute-force limiter (auth/attempt_limiter.h): token buckets per subject and per address.
#include "auth/attempt_limiter.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace csms::test {
namespace {

TEST(AttemptLimiterTest, RefusesWhenTheSubjectBucketIsEmptyAndRefillsOverTime) {
  OffsetClock clock;
  AttemptLimiter limiter({{60, 3}, {0, 0}}, &clock);  // 3 in a row, then one a second
  int64_t retry = 0;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.Acquire("user:a", "1.2.3.4", &retry)) << i;
  EXPECT_FALSE(limiter.Acquire("user:a", "1.2.3.4", &retry));
  EXPECT_EQ(retry, 1);
  EXPECT_TRUE(limiter.Acquire("user:b", "1.2.3.4", &retry)) << "another subject has its own bucket";
  ASSERT_TRUE(clock.Advance(1'000));
  EXPECT_TRUE(limiter.Acquire("user:a", "1.2.3.4", &retry));
  EXPECT_FALSE(limiter.Acquire("user:a", "1.2.3.4", &retry));
}

TEST(AttemptLimiterTest, TheAddressBucketLimitsEverySubjectOfAnAddress) {
  OffsetClock clock;
  AttemptLimiter limiter({{60, 100}, {6, 2}}, &clock);  // address: 2 in a row, then one per 10 s
  int64_t retry = 0;
  EXPECT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));
  EXPECT_TRUE(limiter.Acquire("user:b", "10.0.0.1", &retry));
  EXPECT_FALSE(limiter.Acquire("user:c", "10.0.0.1", &retry));
  EXPECT_EQ(retry, 10);
  EXPECT_TRUE(limiter.Acquire("user:c", "10.0.0.2", &retry)) << "another address";
}

TEST(AttemptLimiterTest, RefundGivesBackOnlyTheAttemptsOwnToken) {
  OffsetClock clock;
  AttemptLimiter limiter({{1, 2}, {1, 2}}, &clock);
  int64_t retry = 0;
  ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));  // a failure: kept
  ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));  // a success: given back
  limiter.Refund("user:a", "10.0.0.1");
  ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));  // a failure: the bucket is now empty
  limiter.Refund("user:a", "10.0.0.1");                        // a refund never fills beyond what was taken...
  limiter.Refund("user:a", "10.0.0.1");
  limiter.Refund("user:a", "10.0.0.1");
  ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));
  ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));
  EXPECT_FALSE(limiter.Acquire("user:a", "10.0.0.1", &retry)) << "...nor past the burst";
}

TEST(AttemptLimiterTest, RefusingTakesNothing) {
  OffsetClock clock;
  AttemptLimiter limiter({{60, 1}, {60, 5}}, &clock);
  int64_t retry = 0;
  ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.Acquire("user:a", "10.0.0.1", &retry));
  // The address paid for one attempt only: four more subjects get through.
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.Acquire("user:" + std::to_string(i), "10.0.0.1", &retry)) << i;
}

TEST(AttemptLimiterTest, MemoryIsBoundedAndIdleBucketsGoFirst) {
  OffsetClock clock;
  AttemptLimits limits{{60, 2}, {60, 1000}};
  limits.max_entries = 100;
  AttemptLimiter limiter(limits, &clock);
  int64_t retry = 0;
  // An attacker's subject, drained.
  ASSERT_TRUE(limiter.Acquire("user:victim", "", &retry));
  ASSERT_TRUE(limiter.Acquire("user:victim", "", &retry));
  ASSERT_FALSE(limiter.Acquire("user:victim", "", &retry));
  // Many idle ones: each took one attempt and refunded it (full again).
  for (int i = 0; i < 1000; ++i) {
    std::string key = "user:" + std::to_string(i);
    ASSERT_TRUE(limiter.Acquire(key, "", &retry));
    limiter.Refund(key, "");
    EXPECT_LE(limiter.SizeForTesting(), 100u);
  }
  EXPECT_FALSE(limiter.Acquire("user:victim", "", &retry)) << "a drained bucket outlives idle ones";
}

TEST(AttemptLimiterTest, DisabledLimitsAllowEverything) {
  OffsetClock clock;
  AttemptLimiter limiter({{0, 0}, {0, 0}}, &clock);
  int64_t retry = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.Acquire("user:a", "10.0.0.1", &retry));
  EXPECT_EQ(limiter.SizeForTesting(), 0u);
}

}  // namespace
}  // namespace csms::test
