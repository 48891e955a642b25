// What the delivery benchmarks share (delivery_bench.cc on SQLite, postgres_delivery_bench.cc):
// record ids that carry their sequence number, and a webhook receiver that notes when each
// notification first arrived.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.h"

namespace csms::bench {

using SteadyClock = std::chrono::steady_clock;

inline std::string RecordId(int64_t n) {
  char id[40];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012lld", static_cast<long long>(n));
  return id;
}

inline int64_t NumberOf(std::string_view id) {
  if (id.size() != 36) return -1;
  return std::stoll(std::string(id.substr(24)));
}

// A keep-alive webhook receiver that notes when each notification arrived (steady-clock ticks).
class Receiver {
 public:
  explicit Receiver(size_t capacity) : arrivals_(capacity) {
    for (auto& a : arrivals_) a.store(0);
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    Status s = http::HttpServer::Start(
        o,
        [this](const http::HttpRequest& req, http::HttpResponse& res) {
          auto now = SteadyClock::now().time_since_epoch().count();
          if (auto id = req.header("webhook-id")) {
            int64_t n = NumberOf(*id);
            if (n >= 0 && static_cast<size_t>(n) < arrivals_.size()) {
              int64_t expected = 0;
              arrivals_[n].compare_exchange_strong(expected, now);
            }
          }
          count_.fetch_add(1);
          res.status = 200;
        },
        &server_);
    if (!s.ok()) std::abort();
  }
  ~Receiver() { server_->Shutdown(std::chrono::milliseconds(200)); }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hook"; }
  int64_t count() const { return count_.load(); }
  int64_t arrival(size_t n) const { return arrivals_[n].load(); }

 private:
  std::unique_ptr<http::HttpServer> server_;
  std::vector<std::atomic<int64_t>> arrivals_;
  std::atomic<int64_t> count_{0};
};

}  // namespace csms::bench
