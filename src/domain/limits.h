// Limits of the CSMS API (spec §8) and defaults of the settings that may change them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace csms::limits {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
inline constexpr int kDefaultEventQuota = 30;
inline constexpr size_t kMaxEventTypes = 12;
inline constexpr size_t kMaxNameLength = 64;
inline constexpr size_t kMaxTargetIdLength = 256;
inline constexpr size_t kMaxWebhookUrlLength = 2048;
inline constexpr int kDefaultRecordRetentionDays = 90;
inline constexpr int64_t kMillisPerDay = 86'400'000;
inline constexpr int64_t kTokenLifetimeMillis = 24 * 3'600'000LL;

}  // namespace csms::limits
