#include "notify/attempt.h"

#include "notify/retry_policy.h"

namespace csms::notify {
namespace {

// An answer that is not a 2xx is logged by its status alone: its body is never kept or shown.
// Whoever may read the event's records or call its test (a read-only user included) would
// otherwise read what an internal service answered (decisions.md, SSRF guard).
constexpr size_t kMaxErrorBytes = 300;

// A webhook's answer is never shown: the target may be an internal service (--webhook-allow), and
// the record log is readable by every reader of the project. SMN's endpoint is the operator's own
// (--smn-endpoint), so its answer ("Topic not found") goes into the attempt log as a hint: short,
// one line, printable.
std::string ErrorFromAnswer(TargetType target, int status, const std::string& body_prefix) {
  std::string error = "HTTP " + std::to_string(status);
  if (target != TargetType::kSmn || body_prefix.empty()) return error;
  error += ": ";
  for (char c : body_prefix) {
    if (error.size() >= kMaxErrorBytes) break;
    error += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return error;
}

}  // namespace

AttemptResult ClassifyAnswer(TargetType target, const net::ResponseInfo& r) {
  AttemptResult out;
  out.http_status = r.status;
  out.latency_us = r.latency.count();
  if (r.status == 0)
    out.error = r.error;
  else if (r.status < 200 || r.status > 299)
    out.error = ErrorFromAnswer(target, r.status, r.body_prefix);
  if (r.refused) {
    out.verdict = Verdict::kInvalid;  // not allowed by --webhook-allow: retrying cannot help
    return out;
  }
  if (target == TargetType::kSmn && r.status == 404) {
    out.verdict = Verdict::kInvalid;  // the topic does not exist: retrying cannot help
    return out;
  }
  switch (Classify(r.status)) {
    case AttemptClass::kSuccess:
      out.verdict = Verdict::kSuccess;
      break;
    case AttemptClass::kPermanent:
      out.verdict = Verdict::kFail;
      break;
    case AttemptClass::kRetryable:
      out.verdict = Verdict::kRetryable;
      if (r.status == 429 || r.status == 503) out.retry_after = r.retry_after;
      break;
  }
  return out;
}

AttemptResult NotSent(Verdict verdict, std::string error) {
  AttemptResult out;
  out.verdict = verdict;
  out.error = std::move(error);
  return out;
}

}  // namespace csms::notify
