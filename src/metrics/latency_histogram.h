// LatencyHistogram: a lock-free latency histogram for hot paths (relaxed atomics, no allocation):
// Observe costs a few additions. Buckets are fixed (kLatencyBoundsUs) so every histogram of csms
// has the same `le` values in seconds.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>

#include "metrics/exposition.h"

namespace csms::metrics {

// Upper bounds of the buckets, in microseconds; one more bucket holds everything slower.
inline constexpr std::array<int64_t, 16> kLatencyBoundsUs = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000};

class LatencyHistogram {
 public:
  void Observe(int64_t latency_us) {
    size_t i = 0;
    while (i < kLatencyBoundsUs.size() && latency_us > kLatencyBoundsUs[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(latency_us, std::memory_order_relaxed);
  }
  // Writes the series `name` (seconds) with `labels` into `out` (the family is declared by the caller).
  void Write(Exposition& out, std::string_view name, std::span<const Label> labels) const;
  int64_t Count() const;

 private:
  std::array<std::atomic<int64_t>, kLatencyBoundsUs.size() + 1> buckets_{};
  std::atomic<int64_t> sum_us_{0};
};

// The bucket bounds in seconds, for Exposition::Histogram.
std::span<const double> LatencyBoundsSeconds();

}  // namespace csms::metrics
