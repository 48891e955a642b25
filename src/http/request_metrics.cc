#include "http/request_metrics.h"

#include "http/api.h"

namespace csms::http {

RequestMetrics::RequestMetrics(const Router<Route>& router) {
  auto unmatched = std::make_unique<Slot>();
  unmatched->method = "any";
  unmatched->path_template = "unmatched";
  slots_.push_back(std::move(unmatched));
  for (const auto& listed : router.Routes()) {
    auto slot = std::make_unique<Slot>();
    slot->method = std::string(listed.method);
    slot->path_template = std::string(listed.path_template);
    index_.emplace(listed.route, slots_.size());
    slots_.push_back(std::move(slot));
  }
}

RequestMetrics::Slot& RequestMetrics::SlotOf(const Route* route) const {
  if (route) {
    auto it = index_.find(route);
    if (it != index_.end()) return *slots_[it->second];
  }
  return *slots_[0];
}

std::string_view RequestMetrics::Template(const Route* route) const { return SlotOf(route).path_template; }

void RequestMetrics::Record(const Route* route, int status, int64_t latency_us) {
  Slot& slot = SlotOf(route);
  slot.latency.Observe(latency_us);
  for (StatusCount& s : slot.statuses) {
    int seen = s.status.load(std::memory_order_acquire);
    if (seen == 0) {
      int expected = 0;
      if (s.status.compare_exchange_strong(expected, status, std::memory_order_acq_rel))
        seen = status;
      else
        seen = expected;  // another thread took the slot first
    }
    if (seen == status) {
      s.count.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  slot.other.fetch_add(1, std::memory_order_relaxed);
}

void RequestMetrics::Collect(metrics::Exposition& out) const {
  out.Family("csms_http_requests_total", "counter",
             "HTTP requests answered by the API, by route template, method and status");
  for (const auto& slot : slots_) {
    for (const StatusCount& s : slot->statuses) {
      int status = s.status.load(std::memory_order_acquire);
      if (status == 0) continue;
      std::string code = std::to_string(status);
      out.Sample("csms_http_requests_total",
                 {{"route", slot->path_template}, {"method", slot->method}, {"status", code}},
                 s.count.load(std::memory_order_relaxed));
    }
    if (int64_t other = slot->other.load(std::memory_order_relaxed); other > 0) {
      out.Sample("csms_http_requests_total",
                 {{"route", slot->path_template}, {"method", slot->method}, {"status", "other"}}, other);
    }
  }
  out.Family("csms_http_request_duration_seconds", "histogram",
             "time from a complete request to its answer handed to the connection, by route template and method");
  for (const auto& slot : slots_) {
    if (slot->latency.Count() == 0) continue;  // routes never called add no series
    metrics::Label labels[] = {{"route", slot->path_template}, {"method", slot->method}};
    slot->latency.Write(out, "csms_http_request_duration_seconds", labels);
  }
}

}  // namespace csms::http
