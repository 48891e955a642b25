// DeliveryMetrics: in-process counters of the notification pipeline, cheap enough to update on
// every attempt (relaxed atomics, no locks), and their Prometheus families (Collect).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>

#include "domain/event.h"
#include "domain/notification_record.h"
#include "metrics/exposition.h"
#include "metrics/latency_histogram.h"

namespace csms::notify {

// Upper bounds (ms, inclusive) of the attempt-latency histogram buckets; one more bucket holds
// everything slower.
inline constexpr std::array<int64_t, 14> kLatencyBucketsMs = {1,   2,   5,    10,   25,   50,    100,
                                                              250, 500, 1000, 2500, 5000, 10000, 30000};

struct DeliveryMetricsSnapshot {
  int64_t queue_depth = 0;                                              // PENDING notifications at the last count
  int64_t in_flight = 0;                                                // attempts sent, answer not yet recorded
  int64_t attempts = 0;                                                 // attempts made (every outcome)
  int64_t retries_scheduled = 0;                                        // attempts that ended in "try again later"
  int64_t success = 0, fail = 0, invalid = 0;                           // notifications that reached a final status
  std::array<int64_t, kLatencyBucketsMs.size() + 1> latency_buckets{};  // attempt latency histogram
  int64_t latency_sum_us = 0;
};

class DeliveryMetrics {
 public:
  void SetQueueDepth(int64_t n) { queue_depth_.store(n, std::memory_order_relaxed); }
  void AddInFlight(int64_t d) { in_flight_.fetch_add(d, std::memory_order_relaxed); }
  void RecordAttempt(int64_t latency_us);
  void RecordRetryScheduled() { retries_.fetch_add(1, std::memory_order_relaxed); }
  // A notification reached `status` (final); `target` unset when its stored type was unknown.
  void RecordFinal(NotificationStatus status, std::optional<TargetType> target = std::nullopt);

  DeliveryMetricsSnapshot Snapshot() const;
  // csms_notifications_total{target_type,status}, csms_delivery_attempts_total,
  // csms_delivery_retries_total, csms_delivery_in_flight, csms_delivery_attempt_duration_seconds.
  void Collect(metrics::Exposition& out) const;

 private:
  static constexpr int kTargets = 3;   // SMN, WEBHOOK, unknown
  static constexpr int kStatuses = 3;  // SUCCESS, FAIL, INVALID
  std::atomic<int64_t> queue_depth_{0}, in_flight_{0}, attempts_{0}, retries_{0};
  std::atomic<int64_t> success_{0}, fail_{0}, invalid_{0};
  std::array<std::atomic<int64_t>, kLatencyBucketsMs.size() + 1> buckets_{};
  std::atomic<int64_t> latency_sum_us_{0};
  std::array<std::atomic<int64_t>, kTargets * kStatuses> finals_{};
  metrics::LatencyHistogram attempt_latency_;  // the same attempts in the common buckets, for /metrics
};

}  // namespace csms::notify
