// The brute-force limits (auth/attempt_limiter.h) around one credential check: a password check
// (a login, a password change) or an AK/SK signature verification. The check runs only when
// the subject's and the address's buckets allow an attempt, so a flood costs a map lookup, not a
// password hash; a check that fails on its credentials keeps its attempt, any other outcome gives
// it back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/message.h"

namespace csms {
class AttemptLimiter;
}

namespace csms::http {

struct RequestContext;

// Runs `check` unless the limits refuse it (TooManyAttempts, *retry_after_s set). No limiter: just
// runs `check`.
Status LimitedAttempt(AttemptLimiter* limiter, std::string_view subject, std::string_view address,
                      int64_t* retry_after_s, const std::function<Status()>& check);
// The same for a handler: the request's address, and Retry-After added to `res` on a 429.
Status LimitedAttempt(RequestContext& ctx, std::string_view subject, HttpResponse& res,
                      const std::function<Status()>& check);

}  // namespace csms::http
