// RetryPolicy: what happens after one delivery attempt. A 2xx ends the notification as SUCCESS;
// connection errors, timeouts, 408, 429 and 5xx are retried on a schedule with jitter (429 and 503
// honour Retry-After); any other answer ends it as FAIL at once; giving up (the next attempt would
// come later than the horizon after the first attempt) ends it as FAIL too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace csms::notify {

struct RetryOptions {
  // Delays after the 1st, 2nd, ... failed attempt; the last one repeats.
  std::vector<int64_t> delays_ms = {1'000, 5'000, 30'000, 120'000, 600'000, 1'800'000, 3'600'000};
  int64_t horizon_ms = 24 * 3'600'000LL;   // no attempt later than this after the first one
  double jitter = 0.2;                     // each delay is scaled by a random factor in [1-j, 1+j]
  int64_t max_retry_after_ms = 3'600'000;  // a longer Retry-After is cut to this
};

enum class AttemptClass {
  kSuccess,    // 2xx
  kRetryable,  // transport error, timeout, 408, 429, 5xx
  kPermanent,  // any other status: FAIL at once
};

AttemptClass Classify(int http_status);

// Retry-After as delta-seconds or an HTTP-date, in milliseconds from `now_ms`; nullopt when
// absent or unreadable. A date in the past gives 0.
std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_ms);

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options) : options_(std::move(options)) {}

  // When to try again after the `failed_attempts`-th failed attempt of the current delivery
  // round (1-based), which began at `first_attempt_ms`; nullopt = give up. `retry_after_ms` is
  // the receiver's Retry-After (only honoured for 429 and 503) and replaces the schedule's delay.
  std::optional<int64_t> NextAttempt(int failed_attempts, int64_t first_attempt_ms, int64_t now_ms,
                                     std::optional<int64_t> retry_after_ms = std::nullopt) const;

  const RetryOptions& options() const { return options_; }

 private:
  RetryOptions options_;
};

}  // namespace csms::notify
