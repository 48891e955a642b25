#include "metrics/latency_histogram.h"

namespace csms::metrics {

std::span<const double> LatencyBoundsSeconds() {
  static const auto bounds = [] {
    std::array<double, kLatencyBoundsUs.size()> b{};
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<double>(kLatencyBoundsUs[i]) / 1e6;
    return b;
  }();
  return bounds;
}

void LatencyHistogram::Write(Exposition& out, std::string_view name, std::span<const Label> labels) const {
  std::array<int64_t, kLatencyBoundsUs.size() + 1> counts{};
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = buckets_[i].load(std::memory_order_relaxed);
  out.Histogram(name, labels, LatencyBoundsSeconds(), counts,
                static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6);
}

int64_t LatencyHistogram::Count() const {
  int64_t n = 0;
  for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
  return n;
}

}  // namespace csms::metrics
