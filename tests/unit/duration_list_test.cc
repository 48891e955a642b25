// The one parser of duration lists (flags --delivery-retry-schedule, --near-expiry-lead-times).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "common/duration.h"

namespace csms {
namespace {

using List = std::vector<int64_t>;

TEST(DurationList, ReadsEveryItemWithItsUnit) {
  EXPECT_EQ(ParsePositiveDurationList("1s,5s,30s,2m,10m,30m,1h"),
            (List{1000, 5000, 30000, 120000, 600000, 1800000, 3600000}));
  EXPECT_EQ(ParsePositiveDurationList("50ms,1d"), (List{50, 86'400'000}));
  EXPECT_EQ(ParsePositiveDurationList("30d,7d,1d"), (List{30 * 86'400'000LL, 7 * 86'400'000LL, 86'400'000}));
}

TEST(DurationList, EmptyTextIsAnEmptyList) { EXPECT_EQ(ParsePositiveDurationList(""), List{}); }

TEST(DurationList, RejectsMalformedZeroAndEmptyItems) {
  for (const char* bad : {",", "1s,", ",1s", "1s,,2s", "0s", "1s,0ms", "1", "s", "1x", "-1s", "+1s", "1.5s", "1s 2s",
                          "1s, 2s", "9999999999s"}) {
    EXPECT_FALSE(ParsePositiveDurationList(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace csms
