#include "notify/metrics.h"

namespace csms::notify {

void DeliveryMetrics::RecordAttempt(int64_t latency_us) {
  attempts_.fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(latency_us, std::memory_order_relaxed);
  size_t i = 0;
  while (i < kLatencyBucketsMs.size() && latency_us > kLatencyBucketsMs[i] * 1000) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
}

void DeliveryMetrics::RecordFinal(NotificationStatus status) {
  switch (status) {
    case NotificationStatus::kSuccess:
      success_.fetch_add(1, std::memory_order_relaxed);
      break;
    case NotificationStatus::kFail:
      fail_.fetch_add(1, std::memory_order_relaxed);
      break;
    case NotificationStatus::kInvalid:
      invalid_.fetch_add(1, std::memory_order_relaxed);
      break;
    case NotificationStatus::kPending:
      break;
  }
}

DeliveryMetricsSnapshot DeliveryMetrics::Snapshot() const {
  DeliveryMetricsSnapshot s;
  s.queue_depth = queue_depth_.load(std::memory_order_relaxed);
  s.in_flight = in_flight_.load(std::memory_order_relaxed);
  s.attempts = attempts_.load(std::memory_order_relaxed);
  s.retries_scheduled = retries_.load(std::memory_order_relaxed);
  s.success = success_.load(std::memory_order_relaxed);
  s.fail = fail_.load(std::memory_order_relaxed);
  s.invalid = invalid_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < buckets_.size(); ++i) s.latency_buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  s.latency_sum_us = latency_sum_us_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace csms::notify
