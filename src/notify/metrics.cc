#include "notify/metrics.h"

namespace csms::notify {

void DeliveryMetrics::RecordAttempt(int64_t latency_us) {
  attempts_.fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(latency_us, std::memory_order_relaxed);
  size_t i = 0;
  while (i < kLatencyBucketsMs.size() && latency_us > kLatencyBucketsMs[i] * 1000) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  attempt_latency_.Observe(latency_us);
}

void DeliveryMetrics::RecordFinal(NotificationStatus status, std::optional<TargetType> target) {
  int s = 0;
  switch (status) {
    case NotificationStatus::kSuccess:
      success_.fetch_add(1, std::memory_order_relaxed);
      s = 0;
      break;
    case NotificationStatus::kFail:
      fail_.fetch_add(1, std::memory_order_relaxed);
      s = 1;
      break;
    case NotificationStatus::kInvalid:
      invalid_.fetch_add(1, std::memory_order_relaxed);
      s = 2;
      break;
    case NotificationStatus::kPending:
      return;
  }
  const int t = !target ? 2 : *target == TargetType::kSmn ? 0 : 1;
  finals_[t * kStatuses + s].fetch_add(1, std::memory_order_relaxed);
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

void DeliveryMetrics::Collect(metrics::Exposition& out) const {
  static constexpr const char* kTargetNames[kTargets] = {"SMN", "WEBHOOK", "unknown"};
  static constexpr const char* kStatusNames[kStatuses] = {"SUCCESS", "FAIL", "INVALID"};
  out.Family("csms_notifications_total", "counter",
             "notifications that reached a final status in this process, by target type and status");
  for (int t = 0; t < kTargets; ++t) {
    for (int s = 0; s < kStatuses; ++s) {
      out.Sample("csms_notifications_total", {{"target_type", kTargetNames[t]}, {"status", kStatusNames[s]}},
                 finals_[t * kStatuses + s].load(std::memory_order_relaxed));
    }
  }
  out.Family("csms_delivery_attempts_total", "counter", "delivery attempts made (every outcome)");
  out.Sample("csms_delivery_attempts_total", {}, attempts_.load(std::memory_order_relaxed));
  out.Family("csms_delivery_retries_total", "counter", "delivery attempts that ended in a retry later");
  out.Sample("csms_delivery_retries_total", {}, retries_.load(std::memory_order_relaxed));
  out.Family("csms_delivery_in_flight", "gauge", "delivery attempts sent and not yet answered");
  out.Sample("csms_delivery_in_flight", {}, in_flight_.load(std::memory_order_relaxed));
  out.Family("csms_delivery_attempt_duration_seconds", "histogram", "time of one delivery attempt, send to answer");
  attempt_latency_.Write(out, "csms_delivery_attempt_duration_seconds", {});
}

}  // namespace csms::notify
