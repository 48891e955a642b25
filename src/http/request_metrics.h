// RequestMetrics: requests by route template, method and status, and a latency histogram per
// route, recorded where the Api finishes a request. One slot per route of the router, made when
// the Api is built; recording is a hash lookup of the route and a few relaxed atomic additions
// (no lock, no allocation). Requests that match no route share one slot (route "unmatched").
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/router.h"
#include "metrics/exposition.h"
#include "metrics/latency_histogram.h"

namespace csms::http {

struct Route;

class RequestMetrics {
 public:
  explicit RequestMetrics(const Router<Route>& router);

  // `route` null: the request matched no route. HEAD counts as the GET route it runs.
  void Record(const Route* route, int status, int64_t latency_us);
  // The template of `route` ("unmatched" for null), for the request log.
  std::string_view Template(const Route* route) const;
  void Collect(metrics::Exposition& out) const;

 private:
  // Distinct statuses counted per route; a route answering more kinds counts the rest as "other".
  static constexpr size_t kStatuses = 12;
  struct StatusCount {
    std::atomic<int> status{0};  // 0 = free
    std::atomic<int64_t> count{0};
  };
  struct Slot {
    std::string method, path_template;
    std::array<StatusCount, kStatuses> statuses;
    std::atomic<int64_t> other{0};
    metrics::LatencyHistogram latency;
  };
  Slot& SlotOf(const Route* route) const;

  std::vector<std::unique_ptr<Slot>> slots_;  // [0]: unmatched
  std::unordered_map<const Route*, size_t> index_;
};

}  // namespace csms::http
