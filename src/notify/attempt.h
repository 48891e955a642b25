// What one delivery attempt came to: the one classification of an answer (or of a request that
// could not be made), shared by the dispatcher's deliveries and by test notifications. It says
// how the attempt ends; whether and when a retryable one is tried again is the RetryPolicy's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "domain/event.h"
#include "net/async_http_client.h"

namespace csms::notify {

enum class Verdict {
  kSuccess,    // 2xx: SUCCESS
  kRetryable,  // transport error, timeout, 408, 429, 5xx, or the store could not be read: try again
  kFail,       // any other answer: FAIL at once
  kInvalid,    // cannot be delivered as configured (SMN topic not found, no endpoint, no signing secret,
               // a destination --webhook-allow refuses)
};

struct AttemptResult {
  Verdict verdict = Verdict::kFail;
  int http_status = 0;  // 0: nothing was answered (or nothing was sent)
  int64_t latency_us = 0;
  std::string error;        // "" for a 2xx
  std::string retry_after;  // the Retry-After of a 429 or 503, as received ("" otherwise)
};

// The result of an answer from a `target` of this type.
AttemptResult ClassifyAnswer(TargetType target, const net::ResponseInfo& response);
// The result of a request that could not be made (sent nothing).
AttemptResult NotSent(Verdict verdict, std::string error);

}  // namespace csms::notify
