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

inline constexpr int kDefaultSecretQuota = 200;
inline constexpr size_t kMaxSecretValueBytes = 32 * 1024;
inline constexpr size_t kMaxDescriptionBytes = 2048;
inline constexpr size_t kMaxRotationPeriodLength = 50;
inline constexpr size_t kMaxRotationConfigLength = 1024;
inline constexpr size_t kMaxRotationFuncUrnLength = 2048;
inline constexpr size_t kMaxEnterpriseProjectIdLength = 36;
inline constexpr size_t kMaxKmsKeyIdLength = 64;
inline constexpr int kMaxVersionsPerSecret = 20;
inline constexpr size_t kMaxStagesPerSecret = 12;
inline constexpr int kMinRecoveryWindowDays = 7;
inline constexpr int kMaxRecoveryWindowDays = 30;
inline constexpr int64_t kMillisPerHour = 3'600'000;
inline constexpr int64_t kMinRotationPeriodMillis = 6 * kMillisPerHour;
inline constexpr int64_t kMaxRotationPeriodMillis = 8760 * kMillisPerHour;
inline constexpr int64_t kMaxExpireTime = 9'999'999'999'999;

}  // namespace csms::limits
