#include "http/attempt_guard.h"

#include "auth/attempt_limiter.h"
#include "common/errors.h"
#include "http/api.h"

namespace csms::http {
namespace {

// A failure of the credentials themselves: what guessing produces.
bool IsCredentialFailure(const Status& s) {
  return s.kind() == Status::Kind::kUnauthenticated || s.code() == errors::WrongOldPassword("").code();
}

}  // namespace

Status LimitedAttempt(AttemptLimiter* limiter, std::string_view subject, std::string_view address,
                      int64_t* retry_after_s, const std::function<Status()>& check) {
  if (!limiter) return check();
  int64_t retry = 1;
  if (!limiter->Acquire(subject, address, &retry)) {
    if (retry_after_s) *retry_after_s = retry;
    return errors::TooManyAttempts(
        "too many failed authentication attempts for this user, access key or address; "
        "retry after " +
        std::to_string(retry) + " s");
  }
  Status s = check();
  if (!IsCredentialFailure(s)) limiter->Refund(subject, address);
  return s;
}

Status LimitedAttempt(RequestContext& ctx, std::string_view subject, HttpResponse& res,
                      const std::function<Status()>& check) {
  int64_t retry = 0;
  Status s = LimitedAttempt(ctx.services.limiter, subject, ctx.req.remote_address, &retry, check);
  if (retry > 0) res.headers.emplace_back("Retry-After", std::to_string(retry));
  return s;
}

}  // namespace csms::http
