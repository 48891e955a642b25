#include "notify/retry_policy.h"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <random>

namespace csms::notify {

AttemptClass Classify(int status) {
  if (status >= 200 && status <= 299) return AttemptClass::kSuccess;
  if (status == 0 || status == 408 || status == 429 || status >= 500) return AttemptClass::kRetryable;
  return AttemptClass::kPermanent;
}

std::optional<int64_t> ParseRetryAfter(std::string_view v, int64_t now_ms) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return std::nullopt;
    int64_t seconds = 0;
    std::from_chars(v.data(), v.data() + v.size(), seconds);
    return seconds * 1000;
  }
  // IMF-fixdate, the only HTTP-date form senders may generate (RFC 9110 §5.6.7).
  std::string text(v);
  struct tm tm {};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  int64_t at_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
  return std::max<int64_t>(0, at_ms - now_ms);
}

std::optional<int64_t> RetryPolicy::NextAttempt(int failed_attempts, int64_t first_attempt_ms, int64_t now_ms,
                                                std::optional<int64_t> retry_after_ms) const {
  if (options_.delays_ms.empty()) return std::nullopt;
  int64_t delay;
  if (retry_after_ms) {
    delay = std::min(*retry_after_ms, options_.max_retry_after_ms);
  } else {
    size_t i = std::min<size_t>(std::max(failed_attempts, 1) - 1, options_.delays_ms.size() - 1);
    delay = options_.delays_ms[i];
    if (options_.jitter > 0) {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      std::uniform_real_distribution<double> factor(1.0 - options_.jitter, 1.0 + options_.jitter);
      delay = static_cast<int64_t>(static_cast<double>(delay) * factor(rng));
    }
  }
  int64_t next = now_ms + std::max<int64_t>(delay, 0);
  if (next > first_attempt_ms + options_.horizon_ms) return std::nullopt;
  return next;
}

}  // namespace csms::notify
