// Registry: what GET /metrics renders. The composition root adds one collector per part of the
// server (requests, delivery, the store, the scheduler, caches) before the server starts; a
// scrape runs them in order into one Exposition. Collectors may read the store, so /metrics runs
// on a request pool, never on an I/O thread. Counting on the hot paths happens elsewhere, in
// lock-free counters (LatencyHistogram, relaxed atomics) that collectors only read.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/exposition.h"

namespace csms::metrics {

class Registry {
 public:
  using Collector = std::function<void(Exposition&)>;

  void Add(Collector collector);
  // The text of one scrape (Prometheus text format 0.0.4).
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::vector<Collector> collectors_;
};

// The Content-Type of Render's text.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace csms::metrics
