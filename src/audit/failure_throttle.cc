#include "audit/failure_throttle.h"

#include <algorithm>

namespace csms::audit {

void FailureThrottle::Refill(Bucket& b, double per_second, int burst, int64_t now_ms) {
  if (now_ms <= b.updated_ms) return;  // a clock that went back refills nothing
  double elapsed = static_cast<double>(now_ms - b.updated_ms);
  b.tokens = std::min(static_cast<double>(burst), b.tokens + elapsed * per_second / 1000.0);
  b.updated_ms = now_ms;
}

FailureThrottle::Source& FailureThrottle::Find(std::string_view source, int64_t now_ms, std::string* key) {
  key->assign(source);
  auto it = sources_.find(*key);
  if (it != sources_.end()) return it->second;
  if (sources_.size() >= limits_.max_sources) {
    // Buckets that have refilled and have nothing to report are the same as no bucket.
    for (auto i = sources_.begin(); i != sources_.end();) {
      Refill(i->second.bucket, limits_.per_second, limits_.burst, now_ms);
      if (i->second.suppressed == 0 && i->second.bucket.tokens >= limits_.burst) {
        i = sources_.erase(i);
      } else {
        ++i;
      }
    }
    if (sources_.size() >= limits_.max_sources) {
      key->assign(kOtherSources);
      it = sources_.find(*key);
      if (it != sources_.end()) return it->second;
    }
  }
  Source& s = sources_[*key];
  s.bucket = Bucket{static_cast<double>(limits_.burst), now_ms};
  return s;
}

bool FailureThrottle::Admit(std::string_view source, int64_t now_ms, Suppressed* summary) {
  summary->source.clear();
  summary->count = 0;
  if (limits_.per_second <= 0 || limits_.burst <= 0) return true;  // no limit
  std::lock_guard<std::mutex> lock(mu_);
  if (!global_started_) {
    global_ = Bucket{static_cast<double>(limits_.global_burst), now_ms};
    global_started_ = true;
  }
  Refill(global_, limits_.global_per_second, limits_.global_burst, now_ms);
  std::string key;
  Source& s = Find(source, now_ms, &key);
  Refill(s.bucket, limits_.per_second, limits_.burst, now_ms);
  if (s.bucket.tokens >= 1 && global_.tokens >= 1) {
    s.bucket.tokens -= 1;
    global_.tokens -= 1;
    summary->source = std::move(key);
    summary->count = s.suppressed;
    s.suppressed = 0;
    return true;
  }
  if (s.suppressed == 0) {
    s.first_suppressed_ms = now_ms;
    if (oldest_pending_ms_ < 0 || now_ms < oldest_pending_ms_) oldest_pending_ms_ = now_ms;
  }
  ++s.suppressed;
  return false;
}

std::vector<FailureThrottle::Suppressed> FailureThrottle::TakeStale(int64_t now_ms, size_t max) {
  std::vector<Suppressed> out;
  std::lock_guard<std::mutex> lock(mu_);
  if (oldest_pending_ms_ < 0 || now_ms - oldest_pending_ms_ < limits_.summary_after_ms) return out;
  int64_t oldest = -1;
  for (auto& [key, s] : sources_) {
    if (s.suppressed == 0) continue;
    if (out.size() < max && now_ms - s.first_suppressed_ms >= limits_.summary_after_ms) {
      out.push_back(Suppressed{key, s.suppressed});
      s.suppressed = 0;
    } else if (oldest < 0 || s.first_suppressed_ms < oldest) {
      oldest = s.first_suppressed_ms;
    }
  }
  oldest_pending_ms_ = oldest;
  return out;
}

size_t FailureThrottle::SizeForTesting() {
  std::lock_guard<std::mutex> lock(mu_);
  return sources_.size();
}

}  // namespace csms::audit
