// Status: the one error type of csms. A Status is either ok, or carries a kind (what went wrong,
// which decides the HTTP status), a CSMS error code (what API clients see and match on) and a
// message that names the offending field or resource. Nothing in csms throws across a layer.
//
// Status is [[nodiscard]] (as in Abseil and LevelDB): a dropped result is a compiler warning.
// Where dropping one is truly right, say so with IgnoreError() and a comment giving the reason.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace csms {

class [[nodiscard]] Status {
 public:
  enum class Kind {
    kOk,
    kInvalidArgument,     // 400: bad parameter or body
    kUnauthenticated,     // 401: missing, invalid or expired credentials
    kPermissionDenied,    // 403: authenticated, not allowed
    kNotFound,            // 404
    kMethodNotAllowed,    // 405
    kConflict,            // 409: duplicate, in use
    kPayloadTooLarge,     // 413
    kTooManyRequests,     // 429: a limit on attempts (brute-force limits); say when to retry
    kFailedPrecondition,  // 400: state forbids the operation (quota, state machine)
    kUnavailable,         // 503: shutting down, database busy
    kInternal,            // 500: a bug or a broken disk, never a client mistake
  };

  Status() = default;  // ok
  Status(Kind kind, std::string code, std::string message)
      : kind_(kind), code_(std::move(code)), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  // A failure without a CSMS code, for layers below the API (net/) that must not know the codes;
  // their callers map it to one from common/errors.h.
  static Status Failure(Kind kind, std::string message) { return Status(kind, "", std::move(message)); }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  int http_status() const;

  bool IsNotFound() const { return kind_ == Kind::kNotFound; }
  bool IsConflict() const { return kind_ == Kind::kConflict; }

  std::string ToString() const;

  // Marks a result as deliberately dropped (a best-effort step whose failure changes nothing).
  void IgnoreError() const {}

 private:
  Kind kind_ = Kind::kOk;
  std::string code_;
  std::string message_;
};

// Returns early from the enclosing function when `expr` yields a non-ok Status.
#define CSMS_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::csms::Status csms_status_ = (expr);        \
    if (!csms_status_.ok()) return csms_status_; \
  } while (0)

}  // namespace csms
