// Issue 14 item 11: a settable clock refuses times outside 1970..9000 instead of overflowing, and
// the time formats never overflow whatever they are given.
#include <gtest/gtest.h>

#include <limits>

#include "common/clock.h"
#include "common/time_format.h"

namespace csms {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(OffsetClock, RefusesTimesOutsideItsRangeAndStaysPut) {
  OffsetClock clock;
  EXPECT_FALSE(clock.Advance(kMax));
  EXPECT_FALSE(clock.Advance(kMin));
  EXPECT_FALSE(clock.Set(kMin));
  EXPECT_FALSE(clock.Set(kMax));
  EXPECT_FALSE(clock.Set(-1));
  EXPECT_FALSE(clock.Set(kMaxClockMillis + 1));
  EXPECT_EQ(clock.offset(), 0);

  ASSERT_TRUE(clock.Set(kMaxClockMillis));
  EXPECT_GE(clock.NowMillis(), kMaxClockMillis);
  EXPECT_FALSE(clock.Advance(kMax));           // would overflow the offset
  EXPECT_FALSE(clock.Advance(1'000'000'000));  // past the range
  int64_t offset = clock.offset();
  EXPECT_FALSE(clock.Advance(kMin));
  EXPECT_EQ(clock.offset(), offset);

  ASSERT_TRUE(clock.Set(0));
  EXPECT_FALSE(clock.Advance(-1'000'000));
  EXPECT_TRUE(clock.Advance(86'400'000));
  EXPECT_GE(clock.NowMillis(), 86'400'000);
}

TEST(SaturatingAdd, ClampsInsteadOfOverflowing) {
  EXPECT_EQ(SaturatingAdd(kMax, 1), kMax);
  EXPECT_EQ(SaturatingAdd(kMin, -1), kMin);
  EXPECT_EQ(SaturatingAdd(5, -7), -2);
}

TEST(TimeFormat, ExtremesAreClampedToFourDigitYears) {
  EXPECT_EQ(FormatIso8601Millis(kMin), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Micros(kMax), "9999-12-31T23:59:59.999000Z");
  EXPECT_EQ(FormatIso8601Seconds(-1), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Millis(kMaxTimeMillis), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601Micros(kMaxClockMillis), "9000-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatIso8601Millis(1681503910126), "2023-04-14T20:25:10.126Z");
}

}  // namespace
}  // namespace csms
