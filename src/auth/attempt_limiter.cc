#include "auth/attempt_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace csms {

std::string UserAttemptSubject(std::string_view user_id) { return "uid:" + std::string(user_id); }

std::string UnknownUserAttemptSubject(std::string_view user_name, std::string_view domain) {
  return "user:" + std::string(user_name) + "@" + std::string(domain);
}

int64_t AttemptLimiter::MillisUntilOne(const Bucket& b, const BucketLimit& limit) {
  if (b.tokens >= 1) return 0;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) * 60'000.0 / limit.per_minute)));
}

void AttemptLimiter::MakeRoom(Table& table, const BucketLimit& limit, int64_t now_ms) {
  // Idle buckets first: one that has refilled is the same as no bucket.
  for (auto it = table.begin(); it != table.end();) {
    double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - it->second.updated_ms));
    if (it->second.tokens + elapsed * limit.per_minute / 60'000.0 >= limit.burst) {
      it = table.erase(it);
    } else {
      ++it;
    }
  }
  if (table.size() < limits_.max_entries) return;
  // Still full (many sources failing at once): drop the least recently used half.
  std::vector<std::pair<int64_t, const std::string*>> by_age;
  by_age.reserve(table.size());
  for (const auto& [key, b] : table) by_age.emplace_back(b.updated_ms, &key);
  size_t drop = std::max<size_t>(1, table.size() / 2);
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(drop - 1), by_age.end());
  std::vector<std::string> keys;
  keys.reserve(drop);
  for (size_t i = 0; i < drop; ++i) keys.push_back(*by_age[i].second);
  for (const std::string& k : keys) table.erase(k);
}

AttemptLimiter::Bucket& AttemptLimiter::Refilled(Table& table, const BucketLimit& limit, std::string_view key,
                                                 int64_t now_ms) {
  auto it = table.find(std::string(key));
  if (it == table.end()) {
    if (table.size() >= limits_.max_entries) MakeRoom(table, limit, now_ms);
    Bucket& b = table[std::string(key)];
    b.tokens = limit.burst;
    b.updated_ms = now_ms;
    return b;
  }
  Bucket& b = it->second;
  // A clock set back (the --dev clock) refills nothing rather than draining.
  double elapsed = static_cast<double>(std::max<int64_t>(0, now_ms - b.updated_ms));
  b.tokens = std::min<double>(limit.burst, b.tokens + elapsed * limit.per_minute / 60'000.0);
  b.updated_ms = std::max(b.updated_ms, now_ms);
  return b;
}

bool AttemptLimiter::Acquire(std::string_view subject, std::string_view address, int64_t* retry_after_s) {
  bool by_subject = limits_.subject.enabled() && !subject.empty();
  bool by_address = limits_.address.enabled() && !address.empty();
  if (!by_subject && !by_address) return true;
  int64_t now_ms = clock_->NowMillis();
  std::lock_guard<std::mutex> lock(mu_);
  Bucket* s = by_subject ? &Refilled(subjects_, limits_.subject, subject, now_ms) : nullptr;
  Bucket* a = by_address ? &Refilled(addresses_, limits_.address, address, now_ms) : nullptr;
  int64_t wait_ms = std::max(s ? MillisUntilOne(*s, limits_.subject) : 0, a ? MillisUntilOne(*a, limits_.address) : 0);
  if (wait_ms > 0) {
    *retry_after_s = std::max<int64_t>(1, (wait_ms + 999) / 1000);
    return false;
  }
  if (s) s->tokens -= 1;
  if (a) a->tokens -= 1;
  return true;
}

void AttemptLimiter::Refund(std::string_view subject, std::string_view address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (limits_.subject.enabled() && !subject.empty()) {
    auto it = subjects_.find(std::string(subject));
    if (it != subjects_.end()) it->second.tokens = std::min<double>(limits_.subject.burst, it->second.tokens + 1);
  }
  if (limits_.address.enabled() && !address.empty()) {
    auto it = addresses_.find(std::string(address));
    if (it != addresses_.end()) it->second.tokens = std::min<double>(limits_.address.burst, it->second.tokens + 1);
  }
}

size_t AttemptLimiter::SizeForTesting() {
  std::lock_guard<std::mutex> lock(mu_);
  return subjects_.size() + addresses_.size();
}

}  // namespace csms
